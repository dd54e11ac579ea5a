/**
 * RFC 8785 (JSON Canonicalization Scheme) for the values events hold: object members sorted by
 * their names' UTF-16 code units, no white space, strings and numbers written as ECMAScript's
 * JSON.stringify writes them (which is what RFC 8785 prescribes). Written as one loop per
 * level with string concatenation: verify and export canonicalise every event of the log.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`RFC 8785 cannot represent the number ${value}`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      out += canonicalJson(value[i] === undefined ? null : value[i]);
    }
    return `${out}]`;
  }
  if (typeof value === 'object') {
    if (value instanceof CanonicalText) return value.text;
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).sort();
    let out = '{';
    let first = true;
    for (const key of keys) {
      const member = record[key];
      if (member === undefined) continue;
      out += `${first ? '' : ','}${JSON.stringify(key)}:${canonicalJson(member)}`;
      first = false;
    }
    return `${out}}`;
  }
  throw new TypeError(`RFC 8785 cannot represent a value of type ${typeof value}`);
}

/**
 * Canonical JSON written already, which canonicalJson puts in as it is. For a long list of flat
 * records (the heads of a checkpoint that names 100,000 streams): JSON.stringify writes it as one
 * flat string, where the concatenation above first builds a rope of a million pieces (about
 * 80 MiB of heap for 13 MB of text).
 */
export class CanonicalText {
  constructor(readonly text: string) {}
}
