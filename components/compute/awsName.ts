/**
 * Fits a physical name into an AWS length limit (32 for load balancers and target groups)
 * without losing uniqueness: names that fit are kept; longer ones are cut and given a short,
 * stable hash of the full name, so every deploy and every peer computes the same result.
 */
export function boundedName(name: string, max: number): string {
  if (name.length <= max) return name;
  const hash = fnv1a(name).toString(36).padStart(7, "0").slice(0, 7);
  // ELB names may not end in a hyphen before the suffix's own.
  const head = name.slice(0, max - hash.length - 1).replace(/-+$/, "");
  return `${head}-${hash}`;
}

function fnv1a(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
  return h;
}
