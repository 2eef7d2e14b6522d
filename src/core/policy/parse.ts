/**
 * Turning policy JSON into a valid Policy, or into every problem as `path: message`
 * (docs/command-line-and-pages.md). The same function serves `telehealth-guard validate`, the
 * extension's managed/local/default policy loading, and the options-page import.
 */
import type { z } from 'zod';
import { policySchema, type Policy } from './schema.ts';
import { parseJson } from './json.ts';

export interface PolicyProblem {
  /** `rules[3].match`, `categories.consumer-video`, or `` for the whole document. */
  path: string;
  message: string;
}

export type PolicyResult = { ok: true; policy: Policy } | { ok: false; problems: PolicyProblem[] };

export function formatProblem(p: PolicyProblem): string {
  return p.path ? `${p.path}: ${p.message}` : p.message;
}

export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

/** Validate an already-parsed value (managed storage hands us objects, not text). */
export function parsePolicy(value: unknown): PolicyResult {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, problems: [{ path: '', message: 'a policy must be a JSON object ({ … })' }] };
  }
  const r = policySchema.safeParse(value);
  if (r.success) return { ok: true, policy: r.data };
  return { ok: false, problems: r.error.issues.flatMap((issue) => describeIssue(issue, value)) };
}

/** Enough duplicates to see the pattern; 100,000 lines would bury every other problem. */
export const MAX_DUPLICATES_LISTED = 20;

/** Validate policy text: JSON syntax (with line and column), duplicate keys, then the schema. */
export function parsePolicyText(text: string): PolicyResult {
  const json = parseJson(text);
  if (!json.ok) {
    const { line, column, message } = json.problem;
    return { ok: false, problems: [{ path: '', message: line === undefined ? message : `invalid JSON at line ${line}, column ${column}: ${message}` }] };
  }
  const dupes: PolicyProblem[] = json.duplicates.slice(0, MAX_DUPLICATES_LISTED).map((d) => ({ path: d.path, message: `${d.message} (line ${d.line}, column ${d.column})` }));
  const unlisted = json.duplicateCount - dupes.length;
  if (unlisted > 0) dupes.push({ path: '', message: `… and ${unlisted.toLocaleString('en-US')} more duplicate keys` });
  const r = parsePolicy(json.value);
  if (r.ok && dupes.length === 0) return r;
  return { ok: false, problems: [...dupes, ...(r.ok ? [] : r.problems)] };
}

function describeIssue(issue: z.core.$ZodIssue, root: unknown): PolicyProblem[] {
  const path = formatPath(issue.path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = knownKeysAt(issue.path);
      return issue.keys.map((key) => {
        const hint = closest(key, known);
        const what = RECORD_NOUNS[path] ?? 'field';
        return {
          path: formatPath([...issue.path, key]),
          message: `unknown ${what}${hint ? ` (did you mean "${hint}"?)` : ''}${known.length ? `; allowed: ${known.join(', ')}` : ''}`,
        };
      });
    }
    case 'invalid_type': {
      const got = valueAt(root, issue.path);
      if (got === undefined) return [{ path, message: 'is required' }];
      return [{ path, message: `must be ${article(issue.expected)}, not ${kindOf(got)}` }];
    }
    case 'invalid_value': {
      const got = valueAt(root, issue.path);
      if (got === undefined) return [{ path, message: 'is required' }];
      if (issue.values.length === 1) return [{ path, message: `must be ${JSON.stringify(issue.values[0])}, not ${JSON.stringify(got)}` }];
      return [{ path, message: `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, not ${JSON.stringify(got)}` }];
    }
    case 'too_big':
      return [{ path, message: boundMessage('at most', issue.origin, issue.maximum) }];
    case 'too_small':
      return [{ path, message: boundMessage('at least', issue.origin, issue.minimum) }];
    default:
      return [{ path, message: issue.message }];
  }
}

/** Objects whose keys are ids from the catalog, not field names. */
const RECORD_NOUNS: Record<string, string> = { categories: 'catalog category', services: 'catalog service id' };

function boundMessage(word: string, origin: string, bound: number | bigint): string {
  if (origin === 'string') return `must be ${word} ${bound} characters long`;
  if (origin === 'array') return `must have ${word} ${bound} item${Number(bound) === 1 ? '' : 's'}`;
  return `must be ${word} ${bound}`;
}

function article(type: string): string {
  if (type === 'int') return 'a whole number';
  // zod's "record" (categories, services, findingActions) is a JSON object to the person writing it.
  if (type === 'record') return 'an object';
  if (type === 'object' || type === 'array' || type === 'integer') return `an ${type}`;
  return `a ${type}`;
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'number' && !Number.isInteger(v)) return `the number ${v}`;
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)}`;
  return `${typeof v === 'object' ? 'an' : 'a'} ${typeof v}${typeof v === 'object' ? '' : ` (${String(v)})`}`;
}

function valueAt(root: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let v: unknown = root;
  for (const key of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

/** The keys the schema allows at a path, for "did you mean" hints. */
function knownKeysAt(path: ReadonlyArray<PropertyKey>): string[] {
  // Walk the schema's JSON Schema form: it already unwraps defaults, optionals and arrays.
  let node: JsonNode | undefined = policyJsonSchema();
  for (const key of path) {
    if (!node) return [];
    if (typeof key === 'number') node = node.items;
    else node = node.properties?.[String(key)];
  }
  if (!node) return [];
  if (node.properties) return Object.keys(node.properties);
  if (node.propertyNames?.enum) return node.propertyNames.enum;
  return [];
}

interface JsonNode {
  properties?: Record<string, JsonNode>;
  items?: JsonNode;
  propertyNames?: { enum?: string[] };
}

let cachedJsonSchema: JsonNode | undefined;
function policyJsonSchema(): JsonNode {
  cachedJsonSchema ??= policySchema.toJSONSchema({ io: 'input', unrepresentable: 'any' }) as JsonNode;
  return cachedJsonSchema;
}

/** The known key nearest to a misspelt one (edit distance ≤ 2, or ≤ a third of its length). */
export function closest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}
