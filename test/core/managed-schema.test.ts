import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHROME_SCHEMA_KEYWORDS, CHROME_SCHEMA_TYPES, generateManagedSchema, type ChromeSchema } from '../../src/core/policy/managed-schema.ts';
import { parsePolicy } from '../../src/core/policy/parse.ts';
import { policySchema } from '../../src/core/policy/schema.ts';

const schema = generateManagedSchema();

/** Every node of a schema with its path. */
function* walk(node: ChromeSchema, path = ''): Generator<[string, ChromeSchema]> {
  yield [path, node];
  for (const [k, child] of Object.entries(node.properties ?? {})) yield* walk(child, path ? `${path}.${k}` : k);
  if (node.items) yield* walk(node.items, `${path}[]`);
  if (node.additionalProperties) yield* walk(node.additionalProperties, `${path}.*`);
}

/** A validator for Chrome's subset, as Chrome applies it to managed values. */
function chromeAccepts(node: ChromeSchema, value: unknown): boolean {
  switch (node.type) {
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
      for (const req of node.required ?? []) if (!(req in value)) return false;
      for (const [k, v] of Object.entries(value)) {
        const child = node.properties?.[k] ?? node.additionalProperties;
        if (!child || !chromeAccepts(child, v)) return false;
      }
      return true;
    }
    case 'array':
      return Array.isArray(value) && value.every((v) => chromeAccepts(node.items!, v));
    case 'string':
      return typeof value === 'string' && (!node.enum || node.enum.includes(value)) && (!node.pattern || new RegExp(node.pattern).test(value));
    case 'integer':
    case 'number':
      return (
        typeof value === 'number' &&
        (node.type === 'number' || Number.isInteger(value)) &&
        (node.minimum === undefined || value >= node.minimum) &&
        (node.maximum === undefined || value <= node.maximum) &&
        (!node.enum || node.enum.includes(value))
      );
    case 'boolean':
      return typeof value === 'boolean';
    default:
      return false;
  }
}

describe("managed_schema stays inside Chrome's subset", () => {
  it('uses only the keywords and types Chrome accepts', () => {
    for (const [path, node] of walk(schema)) {
      for (const key of Object.keys(node)) expect(CHROME_SCHEMA_KEYWORDS.has(key), `${path}: ${key}`).toBe(true);
      expect(CHROME_SCHEMA_TYPES.has(node.type), `${path}: type ${node.type}`).toBe(true);
      expect(typeof node.type, path).toBe('string');
      if ('additionalProperties' in node) {
        expect(path, 'no additionalProperties at the top level').not.toBe('');
        expect(typeof node.additionalProperties).toBe('object');
      }
      if (node.pattern) expect(node.pattern, `${path}: RE2 has no look-around or back-references`).not.toMatch(/\(\?[=!<]|\\[1-9]/);
    }
    expect(schema.type).toBe('object');
    expect(schema.required).toBeUndefined();
  });
});

describe('managed_schema is in step with the zod schema', () => {
  const zodJson = policySchema.toJSONSchema({ io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;

  /** Property paths of the zod schema's JSON form, with records expanded to their keys. */
  function zodPaths(node: Record<string, any>, path = ''): string[] {
    const out = [path];
    const props = node.properties ?? (node.propertyNames?.enum ? Object.fromEntries(node.propertyNames.enum.map((k: string) => [k, node.additionalProperties])) : undefined);
    for (const [k, child] of Object.entries(props ?? {})) out.push(...zodPaths(child as Record<string, any>, path ? `${path}.${k}` : k));
    if (node.items) out.push(...zodPaths(node.items, `${path}[]`));
    return out;
  }

  it('has exactly the same fields', () => {
    const chromePaths = [...walk(schema)].map(([p]) => p).sort();
    expect(chromePaths).toEqual(zodPaths(zodJson).sort());
  });

  it('has the same enums, patterns and bounds', () => {
    const byPath = new Map(walk(schema));
    const check = (node: Record<string, any>, path = '') => {
      const c = byPath.get(path)!;
      if (node.enum) expect(c.enum, path).toEqual(node.enum);
      if (node.const !== undefined) expect(c.enum, path).toEqual([node.const]);
      expect(c.pattern, path).toBe(node.pattern);
      expect(c.minimum, path).toBe(node.minimum);
      expect(c.maximum, path).toBe(node.maximum);
      for (const [k, child] of Object.entries(node.properties ?? {})) check(child as Record<string, any>, path ? `${path}.${k}` : k);
      if (node.items) check(node.items, `${path}[]`);
    };
    check(zodJson);
  });

  it('Chrome would keep every policy the extension accepts (no valid value is silently dropped)', () => {
    const files = ['policies/default.json', ...readdirSync('policies/examples').map((f) => `policies/examples/${f}`)];
    for (const f of files) {
      const value = JSON.parse(readFileSync(f, 'utf8'));
      expect(parsePolicy(value).ok, f).toBe(true);
      expect(chromeAccepts(schema, value), f).toBe(true);
    }
  });

  it('Chrome drops what the extension rejects, field by field', () => {
    expect(chromeAccepts(schema, { schemaVersion: 2 })).toBe(false);
    expect(chromeAccepts(schema, { schemaVersion: 1, defaultAction: 'deny' })).toBe(false);
    expect(chromeAccepts(schema, { schemaVersion: 1, warn: { bypassMinutes: 0 } })).toBe(false);
    expect(chromeAccepts(schema, { schemaVersion: 1, rules: [{ match: '*.a.example', action: 'block' }] })).toBe(false);
    expect(chromeAccepts(schema, { schemaVersion: 1, meetings: { sanctioned: { teams: { tenantIds: ['x'] } } } })).toBe(false);
    expect(chromeAccepts(schema, { schemaVersion: 1, organization: { supportUrl: 'http://x.example' } })).toBe(false);
    expect(chromeAccepts(schema, { schemaVersion: 1, services: { nope: 'block' } })).toBe(false);
  });
});
