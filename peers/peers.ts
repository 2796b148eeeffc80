import * as pulumi from "@pulumi/pulumi";
import type { DrConfig, PeerCell } from "../config";
import { DrManifest, MANIFEST_OUTPUT, parseManifest } from "../manifest";
import { InputValidationError } from "../validation/issues";

/** What a stack learned about one peer cell from the peer's DR manifest. */
export interface PeerRead {
  peer: PeerCell;
  /** The fully-qualified stack name that was read. */
  stackRef: string;
  /** Undefined when the peer stack exists but has not published a manifest yet. */
  manifest?: DrManifest;
}

/** `prod-euw1` -> `<org>/<project>/prod-euw1`; a name with slashes is used as written. */
export function qualifyStackName(stack: string, organization: string, project: string): string {
  return stack.includes("/") ? stack : `${organization}/${project}/${stack}`;
}

/**
 * Reads every peer's DR manifest through a StackReference, before any resource is created,
 * so the cell can decide what to build with plain values (resources created inside `apply`
 * would not show in a preview). The peer stack must exist (`pulumi stack init`); a peer that
 * has not been deployed yet simply has no manifest, and the cell defers what depends on it.
 */
export async function readPeers(config: DrConfig, parent?: pulumi.Resource): Promise<PeerRead[]> {
  const reads: PeerRead[] = [];
  for (const peer of config.peers) {
    const stackRef = qualifyStackName(peer.stack, pulumi.getOrganization(), pulumi.getProject());
    const ref = new pulumi.StackReference(
      `peer-${peer.stack.split("/").pop()}`,
      { name: stackRef },
      { parent },
    );
    const details = await ref.getOutputDetails(MANIFEST_OUTPUT);
    const value = details.value ?? details.secretValue;
    reads.push({
      peer,
      stackRef,
      manifest: value === undefined ? undefined : checkPeerManifest(config, peer, value),
    });
  }
  return reads;
}

/** Validates a peer's manifest and that it is the cell the config says it is. */
export function checkPeerManifest(config: DrConfig, peer: PeerCell, value: unknown): DrManifest {
  const source = `DR manifest of peer stack ${peer.stack}`;
  const manifest = (() => {
    try {
      return parseManifest(value, source);
    } catch (e) {
      if (e instanceof InputValidationError) {
        throw new InputValidationError(
          `${source} (run 'pulumi up -s ${peer.stack}' with this version of the project to refresh it)`,
          e.issues,
        );
      }
      throw e;
    }
  })();
  const issues: { key: string; message: string }[] = [];
  const i = config.peers.indexOf(peer);
  if (manifest.region !== peer.region) {
    issues.push({
      key: `dr:peers[${i}].region`,
      message: `is ${peer.region} but stack ${peer.stack} is deployed in ${manifest.region}; fix the peer entry.`,
    });
  }
  if (manifest.network.cidr !== peer.cidr) {
    issues.push({
      key: `dr:peers[${i}].cidr`,
      message: `is ${peer.cidr} but stack ${peer.stack} uses ${manifest.network.cidr}; copy the peer's dr:network.cidr.`,
    });
  }
  if (manifest.app !== config.app) {
    issues.push({
      key: "dr:app",
      message: `is '${config.app}' but peer ${peer.stack} is '${manifest.app}'; every cell of an app must use one name.`,
    });
  }
  if (manifest.homeRegion !== config.homeRegion) {
    issues.push({
      key: "dr:homeRegion",
      message: `is ${config.homeRegion} but peer ${peer.stack} says ${manifest.homeRegion}; every cell must name the same home region.`,
    });
  }
  if (issues.length > 0)
    throw new InputValidationError(`Config of stack ${config.stackName}`, issues);
  return manifest;
}

/** The home cell's manifest as seen from a joiner (undefined when it is not readable yet). */
export function homeManifest(config: DrConfig, peers: PeerRead[]): DrManifest | undefined {
  return peers.find((p) => p.peer.region === config.homeRegion)?.manifest;
}
