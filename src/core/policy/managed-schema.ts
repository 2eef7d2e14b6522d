/**
 * Chrome/Edge `managed_schema`, generated from the zod policy schema so the two
 * cannot drift (docs/policy-format.md, "The managed-storage schema", and its 1.1 addition
 * "A pushed policy is refused whole, never trimmed").
 *
 * It checks **types only**. Chrome drops a managed value that fails this schema and
 * hands the extension the rest, so any `enum`, `pattern`, `minimum`, `maximum` or
 * `required` here would let one typo silently weaken a push (a misspelt service id
 * dropped, WhatsApp falling from block to warn). Without them, a wrong value reaches
 * the extension, which validates the whole push with zod and refuses it whole
 * (resolve.ts). For the same reason every object below the top level carries
 * `additionalProperties`, so a misspelt key reaches the extension too. Chrome's subset
 * has no "any" type, so `additionalProperties` is the schema of the object's known
 * values: its only value type, or for mixed objects the type most of its keys have
 * (see `representative`). A misspelt key whose value has another type is still
 * dropped by Chrome; `validate` and `deploy` catch it before a push, as they catch
 * unknown top-level keys (which Chrome drops before the extension can see them).
 *
 * An invalid schema stops the extension from loading, so everything outside Chrome's
 * subset is an error at build time (test/core/policy/managed-schema.test.ts).
 */
import { policySchema } from './schema.ts';

export const CHROME_SCHEMA_KEYWORDS = new Set([
  'type', 'properties', 'patternProperties', 'additionalProperties', 'required', 'items',
  'enum', 'pattern', 'minimum', 'maximum', '$ref', 'id', 'title', 'description',
]);
export const CHROME_SCHEMA_TYPES = new Set(['object', 'array', 'string', 'integer', 'number', 'boolean']);

export type ChromeSchema = {
  type: string;
  properties?: Record<string, ChromeSchema>;
  additionalProperties?: ChromeSchema;
  items?: ChromeSchema;
  title?: string;
  description?: string;
};

type JsonSchema = Record<string, unknown>;

export function generateManagedSchema(): ChromeSchema {
  const source = policySchema.toJSONSchema({ io: 'input', unrepresentable: 'throw' }) as JsonSchema;
  const out = translate(source, 'policy');
  // Chrome treats each top-level key as a policy of its own and drops unknown ones
  // whatever the schema says; `additionalProperties` there would only be ignored.
  delete out.additionalProperties;
  return out;
}

function translate(node: JsonSchema, where: string): ChromeSchema {
  const given = node.type;
  if (typeof given !== 'string' || !CHROME_SCHEMA_TYPES.has(given)) {
    throw new Error(`managed schema: ${where}: type ${JSON.stringify(given)} is outside Chrome's subset`);
  }
  let type: string = given;
  // zod writes a numeric literal (schemaVersion: 1) as "number"; it is a whole number.
  if (type === 'number' && typeof node.const === 'number' && Number.isInteger(node.const)) type = 'integer';
  const out: ChromeSchema = { type };
  if (typeof node.description === 'string') out.description = node.description;
  if (typeof node.title === 'string') out.title = node.title;

  if (type === 'object') {
    const props = node.properties as Record<string, JsonSchema> | undefined;
    const names = (node.propertyNames as JsonSchema | undefined)?.enum as string[] | undefined;
    const extra = node.additionalProperties;
    out.properties = {};
    if (props) {
      for (const [key, child] of Object.entries(props)) out.properties[key] = translate(child, `${where}.${key}`);
    } else if (names && typeof extra === 'object' && extra !== null) {
      // A record keyed by catalog ids: each id is listed (so the schema documents them),
      // and any other key of the same value type still reaches the extension.
      for (const key of names) out.properties[key] = translate(extra as JsonSchema, `${where}.${key}`);
    } else if (typeof extra === 'object' && extra !== null) {
      out.additionalProperties = translate(extra as JsonSchema, `${where}.*`);
    }
    if (Object.keys(out.properties).length === 0) delete out.properties;
    out.additionalProperties ??= representative(out, where);
  }
  if (type === 'array') {
    if (typeof node.items !== 'object' || node.items === null) throw new Error(`managed schema: ${where}: array without items`);
    out.items = translate(node.items as JsonSchema, `${where}[]`);
  }
  return out;
}

/** Prefer, on a tie, the type whose misspelt key would weaken protection more if dropped. */
const TIE_ORDER = ['integer', 'number', 'string', 'array', 'object', 'boolean'];

/**
 * The schema unknown keys of an object are checked against: the schema of its first
 * known key of the most common value type. On a tie, numbers win over booleans:
 * a dropped misspelt number (`warn.bypasMinutes: 5`) silently loosens a limit, while
 * the booleans (`requireReason`, `requirePasscode`…) default to the strict side.
 */
function representative(node: ChromeSchema, where: string): ChromeSchema {
  const known = Object.values(node.properties ?? {});
  if (known.length === 0) throw new Error(`managed schema: ${where}: an object with no known keys`);
  const counts = new Map<string, number>();
  for (const k of known) counts.set(k.type, (counts.get(k.type) ?? 0) + 1);
  const best = Math.max(...counts.values());
  const type = TIE_ORDER.find((t) => counts.get(t) === best)!;
  const { description: _d, title: _t, ...schema } = known.find((k) => k.type === type)!;
  return schema;
}
