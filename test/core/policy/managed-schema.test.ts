import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHROME_SCHEMA_KEYWORDS, CHROME_SCHEMA_TYPES, generateManagedSchema, type ChromeSchema } from '../../../src/core/policy/managed-schema.ts';
import { parsePolicy } from '../../../src/core/policy/parse.ts';
import { policySchema } from '../../../src/core/policy/schema.ts';

const schema = generateManagedSchema();

/** Every node of a schema with its path. */
function* walk(node: ChromeSchema, path = ''): Generator<[string, ChromeSchema]> {
  yield [path, node];
  for (const [k, child] of Object.entries(node.properties ?? {})) yield* walk(child, path ? `${path}.${k}` : k);
  if (node.items) yield* walk(node.items, `${path}[]`);
  if (node.additionalProperties) yield* walk(node.additionalProperties, `${path}.*`);
}

/**
 * What Chrome hands the extension for a managed value, per its schema subset: a value
 * of the wrong type, or an unknown key with no `additionalProperties`, is dropped
 * (undefined here) and the rest is kept. Enums, patterns and bounds are applied too, so
 * the test would see it if the generator let one back in.
 */
function chromeKeeps(node: ChromeSchema & Record<string, any>, value: unknown): unknown {
  switch (node.type) {
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
      for (const req of node.required ?? []) if (!(req in value)) return undefined;
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        const child = node.properties?.[k] ?? node.additionalProperties;
        const kept = child ? chromeKeeps(child, v) : undefined;
        if (kept !== undefined) out[k] = kept;
      }
      return out;
    }
    case 'array':
      if (!Array.isArray(value)) return undefined;
      return value.map((v) => chromeKeeps(node.items!, v)).filter((v) => v !== undefined);
    case 'string':
      return typeof value === 'string' && (!node.enum || node.enum.includes(value)) && (!node.pattern || new RegExp(node.pattern).test(value)) ? value : undefined;
    case 'integer':
    case 'number':
      return typeof value === 'number' &&
        (node.type === 'number' || Number.isInteger(value)) &&
        (node.minimum === undefined || value >= node.minimum) &&
        (node.maximum === undefined || value <= node.maximum) &&
        (!node.enum || node.enum.includes(value))
        ? value
        : undefined;
    case 'boolean':
      return typeof value === 'boolean' ? value : undefined;
    default:
      return undefined;
  }
}

const reachesExtensionUnchanged = (value: unknown) => expect(chromeKeeps(schema, value)).toEqual(value);

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
    }
    expect(schema.type).toBe('object');
  });

  it('checks types only: no enum, pattern, bound or required anywhere (docs/policy-format.md 1.1)', () => {
    for (const [path, node] of walk(schema)) {
      for (const key of ['enum', 'pattern', 'minimum', 'maximum', 'required']) expect(node, `${path}: ${key}`).not.toHaveProperty(key);
    }
  });

  it('every object below the top level passes unknown keys on (additionalProperties of its values\' type)', () => {
    for (const [path, node] of walk(schema)) {
      if (node.type === 'object' && path !== '') expect(node.additionalProperties, path).toBeTypeOf('object');
    }
    expect(schema.properties?.services?.additionalProperties).toEqual({ type: 'string' });
    expect(schema.properties?.meetings?.additionalProperties).toEqual({ type: 'boolean' });
    // A tie between a boolean and a number goes to the number (managed-schema.ts says why).
    expect(schema.properties?.warn?.additionalProperties).toEqual({ type: 'integer' });
  });
});

describe('managed_schema is in step with the zod schema', () => {
  const zodJson = policySchema.toJSONSchema({ io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;

  /** Property paths of the zod schema's JSON form, with records expanded to their keys, and each path's type. */
  function zodPaths(node: Record<string, any>, path = ''): Array<[string, string]> {
    const type = node.type === 'number' && Number.isInteger(node.const) ? 'integer' : node.type;
    const out: Array<[string, string]> = [[path, type]];
    const props = node.properties ?? (node.propertyNames?.enum ? Object.fromEntries(node.propertyNames.enum.map((k: string) => [k, node.additionalProperties])) : undefined);
    for (const [k, child] of Object.entries(props ?? {})) out.push(...zodPaths(child as Record<string, any>, path ? `${path}.${k}` : k));
    if (node.items) out.push(...zodPaths(node.items, `${path}[]`));
    return out;
  }

  it('has exactly the same fields, each of the same type', () => {
    const chromePaths = [...walk(schema)].filter(([p]) => !p.includes('*')).map(([p, n]) => [p, n.type]);
    const sort = (a: unknown[][]) => a.sort((x, y) => String(x[0]).localeCompare(String(y[0])));
    expect(sort(chromePaths)).toEqual(sort(zodPaths(zodJson)));
  });

  it('Chrome keeps every policy the extension accepts (no valid value is silently dropped)', () => {
    const files = ['policies/default.json', ...readdirSync('policies/examples').map((f) => `policies/examples/${f}`)];
    for (const f of files) {
      const value = JSON.parse(readFileSync(f, 'utf8'));
      expect(parsePolicy(value).ok, f).toBe(true);
      reachesExtensionUnchanged(value);
    }
  });

  // docs/policy-format.md 1.1: a wrong value must reach the extension, which refuses the push
  // whole; were Chrome to drop it, the rest would apply and protection would silently fall.
  it.each([
    ['a misspelt service id', { services: { whatsap: 'block' } }, 'services.whatsap'],
    ['an out-of-range number', { warn: { bypassMinutes: 5000 } }, 'warn.bypassMinutes'],
    ['a number below its minimum', { logging: { retentionDays: 0 } }, 'logging.retentionDays'],
    ['an action not in the enum', { defaultAction: 'deny' }, 'defaultAction'],
    ['another schema version', { schemaVersion: 2 }, 'schemaVersion'],
    ['a host pattern with a wildcard', { rules: [{ match: '*.a.example', action: 'block' }] }, 'rules[0].match'],
    ['a misspelt field in a rule', { rules: [{ match: 'a.example', acton: 'block' }] }, 'rules[0]'],
    ['a misspelt category', { categories: { 'consumer-vide': 'block' } }, 'categories.consumer-vide'],
    ['a misspelt boolean field', { meetings: { allowPersonalRoom: true } }, 'meetings.allowPersonalRoom'],
    ['a misspelt number field', { warn: { bypasMinutes: 5 } }, 'warn.bypasMinutes'],
    ['a misspelt sanctioned platform', { meetings: { sanctioned: { zom: { accounts: ['x'] } } } }, 'meetings.sanctioned.zom'],
    ['a GUID that is not one', { meetings: { sanctioned: { teams: { tenantIds: ['x'] } } } }, 'meetings.sanctioned.teams.tenantIds[0]'],
    ['an http support URL', { organization: { supportUrl: 'http://x.example' } }, 'organization.supportUrl'],
    ['an empty organisation name', { organization: { name: '' } }, 'organization.name'],
  ])('%s reaches the extension, which refuses it', (_what, fields, path) => {
    const value = { schemaVersion: 1, ...fields };
    reachesExtensionUnchanged(value);
    const r = parsePolicy(value);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems.map((p) => p.path).some((p) => p.startsWith(path)), JSON.stringify(r.problems)).toBe(true);
  });

  it('only a value of the wrong type is still dropped by Chrome (its schema subset cannot pass it on)', () => {
    expect(chromeKeeps(schema, { schemaVersion: 1, warn: { bypassMinutes: '30' } })).toEqual({ schemaVersion: 1, warn: {} });
  });
});
