/*
 * Where a cell's Firehose writes in its bucket. Pure, so the manifest sample and the policy
 * fixtures compute the same prefixes without loading the component.
 */

/** The lake prefixes of a cell: its own region's partition, so replicas never collide. */
export function lakePrefixes(
  prefix: string,
  region: string,
): { prefix: string; errorPrefix: string } {
  const time =
    "year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/hour=!{timestamp:HH}/";
  const root = prefix.replace(/\/$/, "");
  return {
    prefix: `${root}/region=${region}/${time}`,
    // Firehose requires !{firehose:error-output-type} in the error prefix once the prefix uses
    // expressions; errors stay outside the lake prefix so readers of the lake never see them.
    errorPrefix: `${root}-errors/region=${region}/!{firehose:error-output-type}/${time}`,
  };
}
