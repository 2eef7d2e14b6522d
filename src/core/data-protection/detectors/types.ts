import type { IdentifierId } from '../ids.ts';

/**
 * One built-in detector: regexes that find candidates cheaply, and the rule (checksum,
 * issued ranges, format) that decides whether a candidate is the identifier. The table in
 * docs/data-protection.md is written from `name` and `rule`; test/core/data-protection
 * checks each with `generate`d values and with near misses.
 */
export interface Detector {
  readonly id: IdentifierId;
  /** English, singular: "US Social Security number" (the pages use the translated names). */
  readonly name: string;
  /** The rule in one line, for docs/ and `validate`. */
  readonly rule: string;
  readonly finders: readonly Finder[];
  /** Where every spelling needs a keyword earlier in the text, the one a table or form would use ("CHI"). */
  readonly keyword?: string;
  /** A valid identifier written the way people write it (tests, the bench's true positives, docs). */
  generate(random: () => number): string;
}

/**
 * One spelling of an identifier. A bare run of 9 or 10 digits is also an order number, a
 * phone number, an account: such spellings have a `keyword` and count only after it, somewhere
 * earlier in the same text (a table's "NHS number" heading names every row below it); the
 * scan starts at the keyword and skips the finder when the text has none.
 */
export interface Finder {
  /** Global (`g`): a scan walks the text once per finder. */
  readonly pattern: RegExp;
  readonly keyword?: RegExp;
  /** The identifier in one canonical spelling (separators removed) when the candidate passes the rule; null otherwise. */
  accept(m: RegExpExecArray): string | null;
}

/** Not inside a longer word, number or hyphenated code. */
export const LEFT = '(?<![\\w-])';
/** Not followed by more of a word or number (a sentence's full stop or comma is fine). */
export const RIGHT = '(?![\\w]|-\\w|\\.\\d)';

export function digitsOf(random: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += Math.floor(random() * 10);
  return s;
}

export function pick<T>(random: () => number, list: ArrayLike<T>): T {
  return list[Math.floor(random() * list.length)]!;
}
