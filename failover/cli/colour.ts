import { CliDeps, Sink } from "./deps";

/**
 * Colour for a human at a terminal, none for a pipe, a file or anyone who set NO_COLOR (any
 * non-empty value, per no-color.org). Plain ANSI codes: the handful of markers coloured here
 * need no dependency.
 */
export function colourWanted(
  stream: { isTTY?: boolean },
  env: Record<string, string | undefined>,
): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  return stream.isTTY === true;
}

export interface Palette {
  /** Done, healthy. */
  ok(text: string): string;
  /** Failed, unhealthy, a problem. */
  bad(text: string): string;
  /** Waiting, degraded, could not check, a warning. */
  warn(text: string): string;
}

const sgr = (open: number, text: string) => `\x1b[${open}m${text}\x1b[39m`;

const COLOURED: Palette = {
  ok: (t) => sgr(32, t),
  bad: (t) => sgr(31, t),
  warn: (t) => sgr(33, t),
};

const PLAIN: Palette = { ok: (t) => t, bad: (t) => t, warn: (t) => t };

export function palette(colour: boolean): Palette {
  return colour ? COLOURED : PLAIN;
}

/** The palette for text written to `sink` (deps.stdout or deps.stderr; plain for anything else). */
export function paletteFor(deps: CliDeps, sink: Sink): Palette {
  if (sink === deps.stdout) return palette(deps.colour?.stdout ?? false);
  if (sink === deps.stderr) return palette(deps.colour?.stderr ?? false);
  return PLAIN;
}
