/**
 * Names shared by every component, so that the same cell renders the same names in every
 * region and a peer can compute a name without reading state.
 */
export interface CellIdentity {
  /** Application name (`dr:app`), the prefix of every global name. */
  app: string;
  /** Short cell name (`dr:cell`, defaults to the region code), in regional names. */
  cell: string;
  region: string;
  /**
   * Prefix of the cell's regional names: the RegionalCell's own name, so two cells in one
   * program do not collide. Defaults to `<app>-<cell>`, the name the shipped program gives it.
   */
  prefix?: string;
}

/** The prefix of a cell's regional names: `shop-use1`. */
export function cellPrefix(id: CellIdentity): string {
  return id.prefix ?? `${id.app}-${id.cell}`;
}

/** Name of a regional object: `shop-use1-orders`. */
export function regionalName(id: CellIdentity, role: string): string {
  return `${cellPrefix(id)}-${role}`;
}

/** Name of a global object, the same in every region: `shop-orders`. */
export function globalName(app: string, role: string): string {
  return `${app}-${role}`;
}

/** Tags on every resource of a cell; the policy pack and cost reports key on them. */
export function cellTags(
  id: CellIdentity,
  extra: Record<string, string> = {},
): Record<string, string> {
  return { "dr:app": id.app, "dr:cell": id.cell, "dr:region": id.region, ...extra };
}
