import type { PolicyResource } from "@pulumi/policy";
import type { StackView } from "../lib/policy";
import { str } from "../lib/props";
import { T } from "../lib/types";

/** The stack's global clusters by identifier: the stack that creates one is its home. */
export function globalClustersById(stack: StackView): Map<string, PolicyResource> {
  const byId = new Map<string, PolicyResource>();
  for (const g of stack.ofType(T.globalCluster)) {
    const id = str(g.props.globalClusterIdentifier) ?? str(g.props.id);
    if (id) byId.set(id, g);
  }
  return byId;
}
