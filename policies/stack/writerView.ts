import type { PolicyResource } from "@pulumi/policy";
import type { DrManifest, TrafficSwitch } from "../../manifest";
import type { StackView } from "../lib/policy";
import { str } from "../lib/props";
import { T } from "../lib/types";
import { ownManifest } from "./ownManifest";

/*
 * What the writer-routing stack policies read from a stack: its records on the writer name and
 * its health checks by id. Resources are linked by the ids in their outputs (a record's
 * healthCheckId, a CALCULATED check's childHealthchecks), the same ids the manifest publishes.
 */

/** A DNS name without its trailing dot, lowercased: how Route 53 compares them. */
export function dnsName(value: unknown): string {
  return (str(value) ?? "").replace(/\.$/, "").toLowerCase();
}

export function writerRecords(stack: StackView, m: DrManifest): PolicyResource[] {
  const name = dnsName(m.endpoints.writerName);
  return stack.ofType(T.record).filter((r) => dnsName(r.props.name) === name);
}

/** The stack's health checks by id (ids are known once the checks exist). */
export function checksById(stack: StackView): Map<string, PolicyResource> {
  const out = new Map<string, PolicyResource>();
  for (const h of stack.ofType(T.healthCheck)) {
    const id = str(h.props.id);
    if (id) out.set(id, h);
  }
  return out;
}

/** Every cell region the manifest knows: its own, then its peers'. */
export function cellRegionsOf(m: DrManifest): string[] {
  return [m.region, ...m.peers.map((p) => p.region)];
}

/** The stack that should host a cell's gate in `region` (the region's cell, or the cell itself). */
export function expectedHost(m: DrManifest, region: string): string {
  return (
    m.peers
      .find((p) => p.region === region)
      ?.stack.split("/")
      .pop() ?? m.stack
  );
}

/**
 * The stack's own manifest and its gate switch, for the policies that check gates; undefined
 * (after telling CrossGuard why) when the manifest is invalid or the cell uses ARC.
 */
export function ownGateCell(
  stack: StackView,
  notApplicable: (reason: string) => void,
): { m: DrManifest; sw: Extract<TrafficSwitch, { type: "cloudwatch-gate" }> } | undefined {
  const own = ownManifest(stack);
  if (own.kind !== "valid") return undefined;
  const sw = own.manifest.traffic.switch;
  if (sw.type !== "cloudwatch-gate") {
    notApplicable("the cell switches writers with ARC routing controls, not writer gates");
    return undefined;
  }
  return { m: own.manifest, sw };
}
