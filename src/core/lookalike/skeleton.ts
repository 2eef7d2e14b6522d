/**
 * What a host label *looks like* (docs/lookalikes.md, "The three forms"): Unicode's own answer,
 * the skeleton of UTS #39 §4 — decompose (NFD), replace every character by its prototype in
 * Unicode's confusables table, decompose again — lower-cased, since hosts compare
 * case-insensitively (the table maps `0` to `O`). Two labels that look alike have the same
 * skeleton: `zооm` (Cyrillic о) and `zoom`, `rnicrosoft` and `microsoft`.
 *
 * The table is Unicode's confusables.txt as the `unhomoglyph` package ships it (nodeca, the
 * markdown-it authors; regenerated from unicode.org with each Unicode release). It is read
 * into a Map once, on first use, so a host that needs no skeleton costs nothing.
 */
import table from 'unhomoglyph/data.json' with { type: 'json' };
import punycode from 'punycode/punycode.js';

let prototypes: Map<string, string> | undefined;

function prototypeMap(): Map<string, string> {
  return (prototypes ??= new Map(Object.entries(table as Record<string, string>)));
}

/** The skeleton of a string (already decoded from punycode). */
export function skeleton(text: string): string {
  const map = prototypeMap();
  let out = '';
  for (const ch of text.normalize('NFD')) out += map.get(ch) ?? ch;
  return out.normalize('NFD').toLowerCase();
}

/**
 * The table's entries for the characters a canonical ASCII host label can hold (`0`→`O`,
 * `1`→`l`, `m`→`rn`; upper case never reaches a host), lower-cased: so a plain label's
 * skeleton needs neither the table in memory nor a pass over it
 * (test/core/lookalike/detect.test.ts holds this to the table).
 */
export const ASCII_PROTOTYPES: Readonly<Record<string, string>> = { '0': 'o', '1': 'l', m: 'rn' };
const ASCII_SOURCES = /[01m]/g;

/** The skeleton of one canonical (lower-case, punycode) host label; cheap for plain labels. */
export function labelSkeleton(label: string): string {
  if (label.startsWith('xn--')) return skeleton(decodeLabel(label));
  return label.replace(ASCII_SOURCES, (c) => ASCII_PROTOTYPES[c]!);
}

/** A punycode label as the person sees it; the label itself when it does not decode. */
export function decodeLabel(label: string): string {
  if (!label.startsWith('xn--')) return label;
  try {
    return punycode.toUnicode(label);
  } catch {
    return label;
  }
}

/** A whole canonical host as the person sees it (`xn--zm-ekea.us` → `zооm.us`). */
export function decodeHost(host: string): string {
  return host.includes('xn--') ? host.split('.').map(decodeLabel).join('.') : host;
}
