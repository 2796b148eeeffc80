import * as pulumi from "@pulumi/pulumi";
import { loadDrConfig } from "../config";
import { RegionalCell } from "../components/cell";
import { MANIFEST_OUTPUT } from "../manifest";
import { readPeers } from "../peers";
import { InputValidationError } from "../validation/issues";

export interface CellProgramOptions {
  /** Pins the manifest's generatedAt (the offline plan's tests use it for stable output). */
  generatedAt?: string;
}

/**
 * The stack program: validate the stack's config, read the peers' DR manifests, build the
 * regional cell and publish its manifest. Config and manifest errors surface as a RunError,
 * which Pulumi prints without a stack trace: they are the user's to fix, not bugs.
 */
export async function cellProgram(
  options: CellProgramOptions = {},
): Promise<Record<string, unknown>> {
  try {
    const config = loadDrConfig(pulumi.getStack(), pulumi.runtime.allConfig());
    const peers = await readPeers(config);
    const cell = new RegionalCell(`${config.app}-${config.cell}`, {
      config,
      peers,
      generatedAt: options.generatedAt,
    });
    return {
      [MANIFEST_OUTPUT]: cell.manifest,
      region: config.region,
      role: config.role,
      deferred: cell.deferred.map((d) => d.what),
    };
  } catch (e) {
    if (e instanceof InputValidationError) throw new pulumi.RunError(e.message);
    throw e;
  }
}
