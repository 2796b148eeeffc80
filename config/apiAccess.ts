import { parseCidr } from "./cidr";

/*
 * Who may reach a cell's public Kubernetes API endpoint. The config loader (dr:eks.*) and
 * CellCompute's own args check both go through here, so the two cannot disagree.
 */

/** RFC 1918 and the other ranges that never arrive at a public endpoint as a source address. */
const NON_PUBLIC_BLOCKS = [
  "10.0.0.0/8",
  "172.16.0.0/12",
  "192.168.0.0/16",
  "100.64.0.0/10",
  "127.0.0.0/8",
  "169.254.0.0/16",
].map((b) => parseCidr(b)!);

/**
 * What is wrong with one entry of the public API allow-list, or undefined. `allowAnywhere` is
 * the explicit opt-in that 0.0.0.0/0 needs.
 */
export function apiAccessCidrProblem(cidr: string, allowAnywhere: boolean): string | undefined {
  const block = parseCidr(cidr);
  if (!block)
    return `'${cidr}' is not an IPv4 CIDR block on its own boundary, such as 203.0.113.0/24.`;
  if (block.prefix === 0) {
    return allowAnywhere
      ? undefined
      : "0.0.0.0/0 opens the Kubernetes API to the whole internet. List the egress blocks of your operators and CI instead, or set allowApiFromAnywhere: true if that is really meant.";
  }
  const inside = NON_PUBLIC_BLOCKS.find((p) => block.start >= p.start && block.end <= p.end);
  if (inside) {
    return `${cidr} is a private block: callers inside the VPC (or a network joined to it) already use the private endpoint, and the public endpoint only sees public source addresses. List your operators' and CI's public egress blocks.`;
  }
  return undefined;
}
