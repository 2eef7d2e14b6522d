/**
 * "Does this host imitate something people trust here?" (docs/lookalikes.md). Compiled once
 * per policy (`compileLookalikes`, kept in the compiled policy), then answered per host with a
 * few look-ups and no allocation for the common case (`npm run bench`, "look-alikes").
 *
 * Three forms, each against every target (targets.ts):
 * - **confusable**: the registrable label, or the whole registrable domain of an IDN host,
 *   has the same Unicode skeleton as a target's, spelt differently (`zооm.us` with Cyrillic
 *   о, `rnicrosoft.com`, `micros0ft.com`);
 * - **typo**: the registrable label is one typing slip from a target's (a letter missed,
 *   doubled, swapped with its neighbour or replaced: `microsoftonIine.com` read as
 *   `microsoftoniine.com`, `gooogle.com`, `webxe.com`); labels of four letters only
 *   under a suffix the target itself uses (`zooom.us`, not `loom.com`);
 * - **brand**: a target's brand word is a whole label or hyphen-separated part of a host
 *   elsewhere (`zoom.us.example.net`, `zoom-us.example`, `login-microsoftonline.com`), or
 *   joined to a lure word (`zoomus.com`, `microsoftlogin.com`).
 *
 * A host under a target's own domains is never judged (real hosts and their subdomains are
 * untouched), nor is the brand's exact label under another suffix (`zoom.earth`,
 * `google.de`): too many are legitimate.
 */
import { isIpHost } from '../hosts.ts';
import type { Policy } from '../policy/schema.ts';
import { decodeHost, labelSkeleton, skeleton } from './skeleton.ts';
import { MIN_LABEL, registrable, targetsFor, type Target } from './targets.ts';

export type LookalikeForm = 'confusable' | 'typo' | 'brand';

export interface Lookalike {
  /** The target's id (targets.ts). */
  id: string;
  /** What the host is not ("this is not Zoom"). */
  name: string;
  form: LookalikeForm;
}

interface TypoEntry {
  label: string;
  /** Which of a–z (bits 0–25) and anything else (bit 26) the label has. */
  mask: number;
  target: Target;
  /** For short labels: the public suffixes the target uses; other suffixes are not judged. */
  suffixes: ReadonlySet<string> | null;
}

export interface LookalikeIndex {
  readonly targets: readonly Target[];
  /** Registrable domains and exact hosts that belong to some target. */
  readonly own: ReadonlySet<string>;
  /** Skeleton of a target label → the label and its target. */
  readonly labelSkeletons: ReadonlyMap<string, { label: string; target: Target }>;
  /** Skeleton of a target's own registrable domain → the target; made on the first IDN host. */
  domainSkeletons: ReadonlyMap<string, Target> | undefined;
  readonly typos: readonly TypoEntry[];
  readonly brands: ReadonlyArray<{ word: string; target: Target }>;
  /** The brand words' skeletons; made on the first host that may hide one. */
  brandSkeletons?: ReadonlyArray<{ word: string; target: Target }>;
  /**
   * Answers already given, by host (browsing repeats hosts), in two generations: when the
   * newer is full it becomes the older and the oldest is dropped, and a host found in the
   * older moves up, so the hosts in use stay while the memory stays bounded (2 × CACHE_LIMIT).
   */
  cache: Map<string, Lookalike | null>;
  older: Map<string, Lookalike | null>;
  /** The letter masks of the target labels' skeletons (`mightBe`). */
  readonly skeletonMasks: ReadonlySet<number>;
  /** The fewest brand words that contain every brand (`mightBe`). */
  readonly brandWords: readonly string[];
}

/**
 * Words phishing hosts join to a brand (`zoomus`, `microsoftlogin`, `securewebex`). Checked
 * only as the whole rest of a registrable label, so `zoominfo` and `googletagservices` stay
 * clear.
 */
export const LURE_WORDS: ReadonlySet<string> = new Set([
  'login', 'logon', 'signin', 'signon', 'sign', 'secure', 'security', 'account', 'accounts', 'verify', 'auth', 'sso', 'id',
  'meeting', 'meetings', 'meet', 'join', 'invite', 'support', 'helpdesk', 'online', 'portal', 'mail', 'web', 'app', 'update',
  'us', 'com', 'net', 'video', 'call', 'live', 'office', 'teams',
]);

const CACHE_LIMIT = 4096;
/** Labels this short get only near slips, under a suffix the target uses (`oneSlip`). */
export const SHORT_LABEL = 5;

function letterMask(s: string): number {
  let m = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) - 97;
    m |= c >= 0 && c < 26 ? 1 << c : 1 << 26;
  }
  return m;
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/**
 * Exactly one slip apart: one letter replaced, missing, added, or swapped with its neighbour.
 * `nearOnly`: the first letter is kept, and a replaced letter must be a key next to it
 * (QWERTY, QWERTZ or AZERTY: the keyboards of the four languages here) or look like it; for
 * short labels, where any other letter makes another real name (`zoom`, `loom`, `room`;
 * `webex`, `weber`, `webfx`).
 */
export function oneSlip(a: string, b: string, nearOnly = false): boolean {
  if (a === b) return false;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > 1) return false;
  let i = 0;
  while (i < la && i < lb && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  // People read a short name by its first letter: `mail` is not `gmail`, `xoom` not `zoom`.
  if (nearOnly && i === 0) return false;
  if (la === lb) {
    // Replaced (the rest equal), or swapped with the next letter.
    if (a.slice(i + 1) === b.slice(i + 1)) return !nearOnly || near(a[i]!, b[i]!);
    return i + 1 < la && a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  // One letter missing from the shorter.
  return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

const KEY_ROWS = [
  'qwertyuiop', 'asdfghjkl', 'zxcvbnm', // QWERTY
  'qwertzuiop', 'yxcvbnm', // QWERTZ
  'azertyuiop', 'qsdfghjklm', 'wxcvbn', // AZERTY
];
const LOOKS_ALIKE = ['il', 'i1', 'l1', 'o0', 'uv', 'ce', 'nh', 'ij', 'gq'];
const NEAR: ReadonlySet<string> = (() => {
  const pairs = new Set<string>();
  for (const row of KEY_ROWS) for (let i = 1; i < row.length; i++) pairs.add(row[i - 1]! + row[i]!).add(row[i]! + row[i - 1]!);
  // Keys above and below each other, on the QWERTY rows (close enough on the others).
  const rows = KEY_ROWS.slice(0, 3);
  for (let r = 1; r < rows.length; r++) {
    for (let i = 0; i < rows[r]!.length; i++) {
      for (const j of [i, i + 1]) {
        const up = rows[r - 1]![j];
        if (up) pairs.add(up + rows[r]![i]).add(rows[r]![i] + up);
      }
    }
  }
  for (const p of LOOKS_ALIKE) pairs.add(p).add(p[1]! + p[0]!);
  return pairs;
})();

function near(a: string, b: string): boolean {
  return NEAR.has(a + b);
}

function publicSuffix(domain: string): string {
  return domain.slice(domain.indexOf('.') + 1);
}

export function compileLookalikes(policy: Policy): LookalikeIndex {
  const targets = targetsFor(policy);
  const own = new Set<string>();
  const labelSkeletons = new Map<string, { label: string; target: Target }>();
  const typos: TypoEntry[] = [];
  const brands: Array<{ word: string; target: Target }> = [];
  for (const target of targets) {
    // Kept as registrable domains: one look-up decides whether a host is under one.
    for (const d of target.own) own.add(registrable(d) ?? d);
    const suffixes = new Set(target.own.map((d) => publicSuffix(registrable(d) ?? d)));
    for (const label of target.labels) {
      const key = labelSkeleton(label);
      if (!labelSkeletons.has(key)) labelSkeletons.set(key, { label, target });
      if (!target.confusableOnly) typos.push({ label, mask: letterMask(label), target, suffixes: label.length <= SHORT_LABEL ? suffixes : null });
    }
    for (const word of target.brands) brands.push({ word, target });
  }
  const skeletonMasks = new Set([...labelSkeletons.keys(), ...brands.map((b) => labelSkeleton(b.word))].map(letterMask));
  const words = [...new Set(brands.map((b) => b.word))].sort((a, b) => a.length - b.length);
  const brandWords = words.filter((w, i) => !words.slice(0, i).some((k) => w.includes(k)));
  return { targets, own, labelSkeletons, domainSkeletons: undefined, typos, brands, cache: new Map(), older: new Map(), skeletonMasks, brandWords };
}

/** The look-alike a canonical host is, or null. */
export function detectLookalike(index: LookalikeIndex, host: string): Lookalike | null {
  const cached = index.cache.get(host);
  if (cached !== undefined) return cached;
  const old = index.older.get(host);
  const found = old !== undefined ? old : detect(index, host);
  if (index.cache.size >= CACHE_LIMIT) {
    index.older = index.cache;
    index.cache = new Map();
  }
  index.cache.set(host, found);
  return found;
}

const hit = (target: Target, form: LookalikeForm): Lookalike => ({ id: target.id, name: target.name, form });

/**
 * A cheap, allocation-free test that a host *might* be a look-alike, so most hosts are
 * answered without the public suffix list: the host contains a brand word; some label is
 * punycode, or within one slip's letters and length of a target label; or some label or
 * hyphen-separated part has exactly the letters of a target label's or brand's skeleton
 * (`z0om`, `rnicrosoft`). Every host the full check flags passes this (the unit tests and
 * the popular-hosts list run both).
 */
function mightBe(index: LookalikeIndex, host: string): boolean {
  for (const word of index.brandWords) if (host.includes(word)) return true;
  let label = 0; // where the current dot-separated label starts
  let part = 0; // where the current dot- or hyphen-separated part starts
  let raw = 0;
  let skel = 0;
  for (let i = 0; i <= host.length; i++) {
    const c = i < host.length ? host.charCodeAt(i) : 46;
    if (c === 46 || c === 45) {
      // A part whose skeleton has the letters of a target label or brand word.
      if (i - part >= MIN_LABEL - 1 && index.skeletonMasks.has(skel)) return true;
      skel = 0;
      part = i + 1;
      if (c === 45) continue;
      const len = i - label;
      if (len >= MIN_LABEL - 1) {
        if (host.startsWith('xn--', label)) return true;
        for (const e of index.typos) {
          if (Math.abs(e.label.length - len) > 1 || popcount(raw ^ e.mask) > 2) continue;
          // A short label's slip keeps its first letter (oneSlip, nearOnly).
          if (e.suffixes === null || host.charCodeAt(label) === e.label.charCodeAt(0)) return true;
        }
      }
      raw = 0;
      label = i + 1;
      continue;
    }
    const letter = c - 97;
    const bit = letter >= 0 && letter < 26 ? 1 << letter : 1 << 26;
    raw |= bit;
    // The skeleton's letters: 0 → o, 1 → l, m → r and n (ASCII_PROTOTYPES).
    skel |= c === 48 ? 1 << 14 : c === 49 ? 1 << 11 : c === 109 ? (1 << 17) | (1 << 13) : bit;
  }
  return false;
}

function detect(index: LookalikeIndex, host: string): Lookalike | null {
  if (host.length === 0 || isIpHost(host) || !mightBe(index, host)) return null;
  const apex = registrable(host);
  if (apex === null) return null;
  // A target's own host, or a subdomain of one: the real thing.
  if (index.own.has(apex)) return null;
  const label = apex.slice(0, apex.indexOf('.'));

  // Confusable: looks the same, spelt differently.
  const same = index.labelSkeletons.get(labelSkeleton(label));
  if (same && same.label !== label) return hit(same.target, 'confusable');
  if (apex.includes('xn--')) {
    const t = domainSkeletons(index).get(skeleton(decodeHost(apex)));
    if (t) return hit(t, 'confusable');
  }

  // Typo: one slip from a target's label.
  if (label.length >= MIN_LABEL - 1) {
    const mask = letterMask(label);
    for (const e of index.typos) {
      if (Math.abs(e.label.length - label.length) > 1 || popcount(mask ^ e.mask) > 2) continue;
      if (!oneSlip(label, e.label, e.suffixes !== null)) continue;
      if (e.suffixes && !e.suffixes.has(publicSuffix(apex))) continue;
      return hit(e.target, 'typo');
    }
  }

  // Brand: a target's name borrowed by a host elsewhere, spelt plainly or confusably
  // (`zоom-us.example` with a Cyrillic о; `z0om-us.example`; `zoorn-us.example`).
  const labelStart = host.length - apex.length;
  const plain = brandIn(index.brands, host, labelStart, label);
  if (plain) return hit(plain, 'brand');
  if (MAY_HIDE_BRAND.test(host)) {
    const labels = host.split('.').map(labelSkeleton);
    const skel = labels.join('.');
    const apexLabels = apex.split('.').length;
    const skelApex = labels.slice(-apexLabels).join('.');
    const found = brandIn(brandSkeletons(index), skel, skel.length - skelApex.length, labels[labels.length - apexLabels]!);
    if (found) return hit(found, 'brand');
  }
  return null;
}

/** Hosts whose skeleton can show a brand their spelling hides: IDN labels, digits that look like letters, `rn`. */
const MAY_HIDE_BRAND = /xn--|[01]|rn/;

function brandSkeletons(index: LookalikeIndex): ReadonlyArray<{ word: string; target: Target }> {
  return (index.brandSkeletons ??= index.brands.map(({ word, target }) => ({ word: labelSkeleton(word), target })));
}

/**
 * The target whose brand word `host` borrows: a whole label or hyphen-separated part in a
 * subdomain, or of a longer registrable label (`label`, starting at `labelStart`); or the
 * registrable label is the word joined to a lure word.
 */
function brandIn(brands: ReadonlyArray<{ word: string; target: Target }>, host: string, labelStart: number, label: string): Target | null {
  for (const { word, target } of brands) {
    for (let at = host.indexOf(word); at >= 0; at = host.indexOf(word, at + 1)) {
      const end = at + word.length;
      if (!boundary(host, at - 1) || !boundary(host, end)) continue;
      if (end <= labelStart || (at < labelStart + label.length && label !== word)) return target;
    }
    if (label.length - word.length >= 2) {
      if (label.startsWith(word) && LURE_WORDS.has(label.slice(word.length))) return target;
      if (label.endsWith(word) && LURE_WORDS.has(label.slice(0, label.length - word.length))) return target;
    }
  }
  return null;
}

/** Unicode's table is loaded only when an IDN host is first judged (most policies never meet one). */
function domainSkeletons(index: LookalikeIndex): ReadonlyMap<string, Target> {
  if (index.domainSkeletons) return index.domainSkeletons;
  const map = new Map<string, Target>();
  for (const target of index.targets) for (const d of target.own) if (!map.has(skeleton(d))) map.set(skeleton(d), target);
  return (index.domainSkeletons = map);
}

/** Before or after a brand word: the host's start or end, a dot or a hyphen. */
function boundary(host: string, i: number): boolean {
  if (i < 0 || i >= host.length) return true;
  const c = host.charCodeAt(i);
  return c === 46 /* . */ || c === 45 /* - */;
}
