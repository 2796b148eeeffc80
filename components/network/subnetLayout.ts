import { parseCidr } from "../../config/cidr";

/**
 * The cell's subnet plan, computed here rather than by awsx so that it is the same in every
 * region, testable without a deploy, and stable when awsx changes its allocator.
 *
 * The VPC is split into one equal block per AZ (rounded up to a power of two). Each AZ block is
 * then cut largest-first, so no alignment gaps appear:
 *  - private  1/2: EKS nodes and pods (the VPC CNI gives every pod a VPC address), MSK brokers;
 *  - isolated 1/4: Aurora and ElastiCache, no route to the internet;
 *  - public   1/8: the load balancer and the NAT gateways;
 *  - the last 1/8 stays unallocated, room for a later tier without renumbering.
 */
export interface SubnetLayout {
  /** Prefix length of each AZ's block. */
  azPrefix: number;
  /** Per AZ, in AZ order. */
  private: string[];
  isolated: string[];
  public: string[];
}

/** Smallest VPC block (largest prefix) the layout accepts: a /20 still gives a /26 public subnet. */
export const MAX_VPC_PREFIX = 20;
export const MIN_VPC_PREFIX = 16;
/** At least 3 AZs so the loss of one still leaves a quorum; no region offers an account more than 6. */
export const MIN_AZ_COUNT = 3;
export const MAX_AZ_COUNT = 6;

/** Why `cidrBlock` cannot be laid out, or undefined when it can. */
export function cidrBlockProblem(cidrBlock: string): string | undefined {
  const block = parseCidr(cidrBlock);
  if (!block) {
    return `'${cidrBlock}' is not an IPv4 CIDR block on its own boundary; write it like 10.10.0.0/16.`;
  }
  if (block.prefix < MIN_VPC_PREFIX || block.prefix > MAX_VPC_PREFIX) {
    return `'${cidrBlock}' is a /${block.prefix}; use a /${MIN_VPC_PREFIX} to /${MAX_VPC_PREFIX} block (AWS allows at most a /16 VPC; smaller than /${MAX_VPC_PREFIX} leaves no room for 3 AZs x 3 subnet tiers).`;
  }
  return undefined;
}

/** Why `azCount` cannot be used, or undefined when it can. */
export function azCountProblem(azCount: number): string | undefined {
  if (!Number.isInteger(azCount) || azCount < MIN_AZ_COUNT || azCount > MAX_AZ_COUNT) {
    return `${azCount} is not a whole number from ${MIN_AZ_COUNT} to ${MAX_AZ_COUNT}; a cell needs at least ${MIN_AZ_COUNT} AZs so that losing one keeps a quorum.`;
  }
  return undefined;
}

export function subnetLayout(cidrBlock: string, azCount: number): SubnetLayout {
  const problem = cidrBlockProblem(cidrBlock) ?? azCountProblem(azCount);
  if (problem) throw new Error(problem);
  const vpc = parseCidr(cidrBlock)!;
  const azPrefix = vpc.prefix + Math.ceil(Math.log2(azCount));
  const azSize = 2 ** (32 - azPrefix);
  const layout: SubnetLayout = { azPrefix, private: [], isolated: [], public: [] };
  for (let az = 0; az < azCount; az++) {
    const base = vpc.start + az * azSize;
    layout.private.push(formatCidr(base, azPrefix + 1));
    layout.isolated.push(formatCidr(base + azSize / 2, azPrefix + 2));
    layout.public.push(formatCidr(base + azSize / 2 + azSize / 4, azPrefix + 3));
  }
  return layout;
}

function formatCidr(address: number, prefix: number): string {
  const octets = [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256);
  return `${octets.join(".")}/${prefix}`;
}
