/** IPv4 CIDR arithmetic for config validation: parse, and test two blocks for overlap. */

export interface Ipv4Block {
  /** First address as an unsigned 32-bit integer. */
  start: number;
  /** Last address as an unsigned 32-bit integer. */
  end: number;
  prefix: number;
}

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses `a.b.c.d/n`; returns undefined for anything that is not a canonical IPv4 CIDR. */
export function parseCidr(cidr: string): Ipv4Block | undefined {
  const m = CIDR.exec(cidr.trim());
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  // A block must start on its own boundary: 10.0.1.0/16 is almost always a typo.
  if (address % size !== 0) return undefined;
  return { start: address, end: address + size - 1, prefix };
}

export function cidrsOverlap(a: Ipv4Block, b: Ipv4Block): boolean {
  return a.start <= b.end && b.start <= a.end;
}
