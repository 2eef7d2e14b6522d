/**
 * Chrome/Edge `managed_schema`, generated from the zod policy schema so the two
 * cannot drift (policy-v1.md, "The managed-storage schema").
 *
 * Chrome accepts only a subset of JSON Schema, and an invalid schema stops the
 * extension from loading, so everything outside the subset is translated or left
 * out here. Length limits and unknown-key strictness are lost in translation; the
 * extension re-validates every managed value with zod anyway.
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
  required?: string[];
  items?: ChromeSchema;
  enum?: Array<string | number | boolean>;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  title?: string;
  description?: string;
};

type JsonSchema = Record<string, unknown>;

export function generateManagedSchema(): ChromeSchema {
  const source = policySchema.toJSONSchema({ io: 'input', unrepresentable: 'throw' }) as JsonSchema;
  const out = translate(source, 'policy');
  // Chrome treats each top-level key as its own policy; `required` there has no meaning.
  delete out.required;
  return out;
}

function translate(node: JsonSchema, where: string): ChromeSchema {
  let type = node.type;
  if (typeof type !== 'string' || !CHROME_SCHEMA_TYPES.has(type)) {
    throw new Error(`managed schema: ${where}: type ${JSON.stringify(type)} is outside Chrome's subset`);
  }
  const out: ChromeSchema = { type };

  if (node.const !== undefined) {
    out.enum = [node.const as string | number | boolean];
    // zod writes a numeric literal as "number"; it is a whole number.
    if (type === 'number' && Number.isInteger(node.const)) out.type = type = 'integer';
  }
  if (Array.isArray(node.enum)) out.enum = node.enum as Array<string | number | boolean>;
  if (typeof node.pattern === 'string') out.pattern = node.pattern;
  if (typeof node.minimum === 'number') out.minimum = node.minimum;
  if (typeof node.maximum === 'number') out.maximum = node.maximum;
  if (typeof node.description === 'string') out.description = node.description;
  if (typeof node.title === 'string') out.title = node.title;

  if (type === 'object') {
    const props = node.properties as Record<string, JsonSchema> | undefined;
    const names = (node.propertyNames as JsonSchema | undefined)?.enum as string[] | undefined;
    const extra = node.additionalProperties;
    if (props) {
      out.properties = {};
      for (const [key, child] of Object.entries(props)) out.properties[key] = translate(child, `${where}.${key}`);
    } else if (names && typeof extra === 'object' && extra !== null) {
      // A record keyed by catalog ids: Chrome has no propertyNames, so list each id.
      out.properties = {};
      for (const key of names) out.properties[key] = translate(extra as JsonSchema, `${where}.${key}`);
    } else if (typeof extra === 'object' && extra !== null) {
      out.additionalProperties = translate(extra as JsonSchema, `${where}.*`);
    }
    if (Array.isArray(node.required) && node.required.length > 0) out.required = node.required as string[];
  }
  if (type === 'array') {
    if (typeof node.items !== 'object' || node.items === null) throw new Error(`managed schema: ${where}: array without items`);
    out.items = translate(node.items as JsonSchema, `${where}[]`);
  }
  return out;
}
