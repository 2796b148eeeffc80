import { AdaptersFactory } from "../adapters/types";
import { Clock, RandomSource } from "../engine/clock";
import { JournalStore } from "../engine/journal";

/** A place to write text (process.stdout in real use, a buffer in tests). */
export interface Sink {
  write(text: string): void;
}

/**
 * Everything a command needs from the outside world. The real CLI wires AWS, the wall clock
 * and the terminal; tests and drills inject fakes and run the real argument parser.
 */
export interface CliDeps {
  adapters: AdaptersFactory;
  clock: Clock;
  random: RandomSource;
  stdout: Sink;
  stderr: Sink;
  /** True when a human can answer approval prompts. */
  isTTY: boolean;
  /** Asks a question on the terminal and resolves the answer. */
  prompt: (question: string) => Promise<string>;
  cwd: string;
  env: Record<string, string | undefined>;
  /** Journal store for a journal directory; defaults to files. */
  journal?: (dir: string) => JournalStore;
  /** Whether each stream gets colour (a terminal without NO_COLOR). Defaults to none. */
  colour?: { stdout: boolean; stderr: boolean };
  /** Whether run reports are written to disk. Defaults to true. */
  writeReports?: boolean;
}
