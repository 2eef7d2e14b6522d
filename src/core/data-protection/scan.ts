/**
 * The scanner: what in a text is a patient identifier, as counts per detector
 * (`{ 'us-ssn': 3 }`). Compiled once per policy; a scan walks the text once per enabled
 * detector and organisation pattern with the browser's regex engine, and runs each
 * candidate's checksum or format rule. 100 KB in well under 5 ms (`npm run bench`,
 * "data protection"). The identifiers themselves never leave this module except to a
 * caller's `seen` callback (the content script keeps them in memory to recognise text a
 * person already chose to send); counts are what pages show and events record.
 */
import type { Policy } from '../policy/schema.ts';
import { DETECTORS, type Detector } from './detectors/index.ts';
import type { IdentifierId } from './ids.ts';

/** How many distinct values of one kind are counted at most; a count above says "1000+". */
export const MAX_COUNT = 1000;
/** The finding of a file that could not be read (not text, or larger than FILE_SCAN_LIMIT). */
export const UNSCANNED_FILE = 'file-not-scanned';
const PATTERN_PREFIX = 'pattern:';

export interface CompiledPattern {
  /** The finding's key: `pattern:<name>`. */
  key: string;
  name: string;
  regex: RegExp;
  minMatches: number;
}

export interface Detection {
  readonly detectors: readonly Detector[];
  readonly patterns: readonly CompiledPattern[];
}

/** Counts by finding key, in the order of the policy's detectors, then its patterns. */
export type Counts = Record<string, number>;

export function patternKey(name: string): string {
  return PATTERN_PREFIX + name;
}

/**
 * The policy's detection, ready to scan. The policy schema has already refused every
 * pattern checkPattern refuses, so each compiles and is cheap.
 */
export function compileDetection(dp: Pick<Policy['dataProtection'], 'identifiers' | 'patterns'>): Detection {
  const enabled = new Set<IdentifierId>(dp.identifiers);
  return {
    detectors: DETECTORS.filter((d) => enabled.has(d.id)),
    patterns: dp.patterns.map((p) => ({ key: patternKey(p.name), name: p.name, regex: new RegExp(p.regex, 'g'), minMatches: p.minMatches ?? 1 })),
  };
}

/**
 * Counts distinct identifiers by kind (the same number written twice is one). `seen`
 * receives each counted value, canonical for built-ins (separators removed) and as
 * matched for patterns.
 */
export function scanText(text: string, detection: Detection, seen?: (key: string, value: string) => void): Counts {
  const counts: Counts = {};
  if (text.length === 0) return counts;
  // Every built-in needs a digit; most of what people write in a chat has none.
  if (/\d/.test(text)) {
    for (const d of detection.detectors) {
      const values = new Set<string>();
      for (const f of d.finders) {
        const re = f.pattern;
        re.lastIndex = 0;
        if (f.keyword) {
          // This spelling counts only after its keyword: start there, or skip it.
          const k = f.keyword.exec(text);
          if (k === null) continue;
          re.lastIndex = k.index + k[0].length;
        }
        for (let m = re.exec(text); m !== null && values.size < MAX_COUNT; m = re.exec(text)) {
          const value = f.accept(m);
          if (value !== null && !values.has(value)) {
            values.add(value);
            seen?.(d.id, value);
          }
        }
      }
      if (values.size > 0) counts[d.id] = values.size;
    }
  }
  for (const p of detection.patterns) {
    const values = new Set<string>();
    const re = p.regex;
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      // checkPattern refuses patterns that can match empty text; this only guards the loop.
      if (m[0].length === 0) re.lastIndex++;
      else if (!values.has(m[0])) {
        values.add(m[0]);
        if (values.size >= MAX_COUNT) break;
      }
    }
    if (values.size >= p.minMatches) {
      counts[p.key] = values.size;
      if (seen) for (const v of values) seen(p.key, v);
    }
  }
  return counts;
}

/** Adds `more` into `into` (a paste's text and its files are one finding per kind). */
export function addCounts(into: Counts, more: Counts): Counts {
  for (const [k, n] of Object.entries(more)) into[k] = Math.min(MAX_COUNT, (into[k] ?? 0) + n);
  return into;
}

export function isEmpty(counts: Counts): boolean {
  for (const _ in counts) return false;
  return true;
}

/** Counts as event findings (docs/event-log.md 1.2): `us-ssn:3`, `pattern:Epic MRN:2`, `file-not-scanned:1`. */
export function findingsOf(counts: Counts): string[] {
  return Object.entries(counts).map(([k, n]) => `${k}:${n}`);
}

/** The keys a policy can produce: what the background accepts from a content script. */
export function knownKeys(detection: Detection): Set<string> {
  return new Set([...detection.detectors.map((d) => d.id), ...detection.patterns.map((p) => p.key), UNSCANNED_FILE]);
}

/** A pattern key's name, or null for a built-in or the unscanned-file key. */
export function patternName(key: string): string | null {
  return key.startsWith(PATTERN_PREFIX) ? key.slice(PATTERN_PREFIX.length) : null;
}
