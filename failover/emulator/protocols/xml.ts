/**
 * A few helpers to write the XML replies of awsQuery and REST-XML services. Replies are small
 * and their shapes are fixed by the service models, so strings beat a generic serializer:
 * each handler spells out the element names the SDK's deserializer looks for.
 */

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

type Child = string | undefined | false;

/** `<name>children</name>`; children are XML already. */
export function el(name: string, ...children: Child[]): string {
  return `<${name}>${children.filter((c): c is string => typeof c === "string").join("")}</${name}>`;
}

/** `<name>value</name>` with the value escaped; nothing when the value is undefined. */
export function leaf(name: string, value: string | number | boolean | undefined): string {
  return value === undefined ? "" : `<${name}>${escapeXml(String(value))}</${name}>`;
}

/** A wrapped list: `<name><member>item</member>...</name>`, items being XML already. */
export function list(name: string, member: string, items: string[]): string {
  return el(name, ...items.map((i) => el(member, i)));
}

/** An XML document; `xmlns` "" leaves the namespace out. */
export function document(root: string, xmlns: string, body: string): string {
  const ns = xmlns ? ` xmlns="${xmlns}"` : "";
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root}${ns}>${body}</${root}>`;
}

/** The ErrorResponse both awsQuery and REST-XML services send. */
export function errorDocument(
  xmlns: string,
  fault: { type: string; code: string; message: string },
  requestId: string,
): string {
  return document(
    "ErrorResponse",
    xmlns,
    el(
      "Error",
      leaf("Type", fault.type),
      leaf("Code", fault.code),
      leaf("Message", fault.message),
    ) + leaf("RequestId", requestId),
  );
}
