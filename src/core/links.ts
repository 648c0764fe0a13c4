import { splitOutsideQuotes, unescapeQuoted } from './charset.ts';

/** One link of a Link header: `url` resolved against the response URL, `rel`, and every other parameter. */
export interface Link { url: string; rel?: string; [param: string]: string | undefined }

/**
 * Parses an RFC 8288 Link header: several links, `<…>` targets holding commas, quoted values with
 * commas, semicolons and escapes, RFC 8187 `title*` values, and space-separated relation types.
 * Keyed by each rel (first wins), else by url; relative targets resolve against `base`.
 */
export function parseLinks(header: string | null, base?: string): Record<string, Link> {
  // Keys and parameter names come from the server: null-prototype objects, so `rel="__proto__"` is a key
  // like any other and an absent `constructor` reads as undefined.
  const result: Record<string, Link> = Object.create(null);
  if (!header) return result;
  for (const link of splitLinks(header)) {
    const rels = link.rel ? link.rel.split(/\s+/).filter(Boolean) : [];
    // Relation types are case-insensitive (RFC 8288 §2.1.1); a URL used as the key is kept as written.
    const keys = rels.length ? rels.map((rel) => rel.toLowerCase()) : [link.url];
    for (const key of keys) if (!Object.hasOwn(result, key)) result[key] = link;
  }
  if (base) for (const link of Object.values(result)) link.url = resolve(link.url, base);
  return result;
}

function resolve(target: string, base: string): string {
  try { return new URL(target, base).href; } catch { return target; }
}

function splitLinks(header: string): Link[] {
  const links: Link[] = [];
  let rest = header;
  for (;;) {
    const open = rest.indexOf('<');
    if (open < 0) break;
    const close = rest.indexOf('>', open);
    if (close < 0) break;
    const url = rest.slice(open + 1, close).trim();
    const { params, remainder } = readParams(rest.slice(close + 1));
    links.push(Object.assign(params, { url }));
    rest = remainder;
  }
  return links;
}

// Reads `; name=value` pairs up to the comma that ends this link (not one inside quotes).
function readParams(text: string): { params: Record<string, string>; remainder: string } {
  const end = findLinkEnd(text);
  const params: Record<string, string> = Object.create(null);
  for (const part of splitOutsideQuotes(text.slice(0, end), ';')) {
    const eq = part.indexOf('=');
    const name = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase();
    if (!name) continue;
    let value = eq < 0 ? '' : part.slice(eq + 1).trim();
    if (value.startsWith('"')) value = unescapeQuoted(value.slice(1, value.endsWith('"') && value.length > 1 ? -1 : undefined));
    if (name.endsWith('*')) {
      params[name.slice(0, -1)] = decodeExtValue(value);
    } else if (!Object.hasOwn(params, name)) {
      params[name] = value;
    }
  }
  return { params, remainder: text.slice(end + 1) };
}

function findLinkEnd(text: string): number {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted && c === '\\') i++;
    else if (c === '"') quoted = !quoted;
    else if (c === ',' && !quoted) return i;
  }
  return text.length;
}

// RFC 8187: charset'language'percent-encoded (UTF-8 in practice).
function decodeExtValue(value: string): string {
  const match = /^([^']*)'[^']*'(.*)$/.exec(value);
  if (!match) return value;
  try { return decodeURIComponent(match[2]!); } catch { return match[2]!; }
}
