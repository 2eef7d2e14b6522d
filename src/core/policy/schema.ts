/**
 * Policy format v1 (docs/policy-format.md), as one zod schema. This is the single source of
 * truth: the extension and the command line validate with it, and the Chrome
 * managed-storage schema is generated from it (managed-schema.ts).
 *
 * Every regex here is RE2-compatible (no look-around, no back-references) because
 * it is carried over into Chrome's managed schema as a `pattern`.
 */
import { z } from 'zod';
import { ACTIONS } from '../actions.ts';
import { CATEGORY_IDS, SERVICE_IDS } from '../catalog.ts';
import { HOST_PATTERN_REGEX, parseHostPattern } from '../hosts.ts';
import { IDENTIFIER_IDS } from '../data-protection/ids.ts';
import { checkPattern, MAX_PATTERN_LENGTH, patternProblemText } from '../data-protection/pattern-syntax.ts';
import { ADJUSTABLE_FINDING_CODES } from '../meetings/types.ts';
import { escapeControls, findControl } from '../printable.ts';
import { DEFAULT_TABLE, TABLE_NAME_RE } from '../fleet/schema.ts';

export const GUID_REGEX = '^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$';
// The scheme is matched case-insensitively by hand: RE2 patterns in Chrome's schema carry no flags.
export const HTTPS_URL_REGEX = '^[Hh][Tt][Tt][Pp][Ss]://[^\\s/?#]+([/?#]\\S*)?$';
/** A DNS label: Zoom vanity subdomains and Webex site names. */
export const LABEL_REGEX = '^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$';

const HTTPS_URL_RE = new RegExp(HTTPS_URL_REGEX);
const HOST_PATTERN_RE = new RegExp(HOST_PATTERN_REGEX);

const action = z.enum(ACTIONS);

/**
 * Policy text is shown on warning pages, copied into every event and printed by the
 * command line: a control character there (an escape sequence, CR/LF, NUL) would
 * recolour a terminal, forge a log line or truncate a value, so it is refused, and the
 * message shows it escaped. Use `text()` for every free-text field.
 */
export function refuseControls(value: string, ctx: z.RefinementCtx): void {
  const found = findControl(value);
  if (found === null) return;
  const shown = escapeControls(value.length > 60 ? value.slice(0, 60) + '…' : value);
  ctx.addIssue({ code: 'custom', message: `must not contain control characters (found ${escapeControls(found.char)} at character ${found.index + 1} of "${shown}")` });
}

/** A free-text policy field: a string without control characters. */
export function text() {
  return z.string().superRefine(refuseControls);
}

const httpsUrl = z
  .string()
  .superRefine((value, ctx) => {
    // URL parsing quietly drops tabs and line breaks and trims C0 at the ends; what is
    // written is the string itself, so refuse them first.
    if (findControl(value) !== null) return refuseControls(value, ctx);
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: `"${value}" is not a valid URL` });
      return;
    }
    if (url.protocol !== 'https:') ctx.addIssue({ code: 'custom', message: `must be an https:// URL, got ${url.protocol}//` });
    // Chrome drops a managed value its schema's pattern rejects; reject it here too so
    // `validate` never passes what the browser would silently discard.
    else if (!HTTPS_URL_RE.test(value)) ctx.addIssue({ code: 'custom', message: 'must be an https:// URL without spaces' });
  })
  .meta({ pattern: HTTPS_URL_REGEX });

const hostPattern = z
  .string()
  .superRefine((value, ctx) => {
    const r = parseHostPattern(value);
    if (!r.ok) ctx.addIssue({ code: 'custom', message: r.message });
    else if (!HOST_PATTERN_RE.test(value)) ctx.addIssue({ code: 'custom', message: 'contains characters not allowed in a host pattern' });
  })
  .meta({ pattern: HOST_PATTERN_REGEX });

/** A site where capture is fine: a host (and its subdomains). The browser grants capture per origin, so a path could not be enforced. */
const captureSite = hostPattern.superRefine((value, ctx) => {
  if (value.includes('/')) ctx.addIssue({ code: 'custom', message: 'must be a host without a path: the browser allows the camera and microphone per site, not per path' });
});

const label = z.string().regex(new RegExp(LABEL_REGEX), 'must be a single host label such as "examplehealth"');
const guid = z.string().regex(new RegExp(GUID_REGEX), 'must be a GUID such as 72f988bf-86f1-41af-91ab-2d7cd011db47');

/** A DNS name of two or more labels ending in a letters-only top-level label: "examplehealth.org". */
export const DOMAIN_REGEX = '^([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]{2,63}$';
const GUID_BODY = '[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}';
/** Entra tenant restrictions v2: `<tenant GUID>:<policy GUID>`. */
export const V2_POLICY_REGEX = `^${GUID_BODY}:${GUID_BODY}$`;
/** A Microsoft tenant named by its GUID or by one of its domains. */
export const TENANT_REGEX = `^(${GUID_BODY}|${DOMAIN_REGEX.slice(1, -1)})$`;

const domain = z.string().max(253).regex(new RegExp(DOMAIN_REGEX), 'must be a domain such as "examplehealth.org" (no scheme, path or spaces)');
const tenant = z
  .string()
  .max(253)
  .regex(new RegExp(TENANT_REGEX), 'must be a tenant GUID such as 72f988bf-86f1-41af-91ab-2d7cd011db47 or a domain such as "examplehealth.onmicrosoft.com"');

/** A header's comma-joined list: at most 50 entries, none twice (case-insensitively). */
function headerList(item: z.ZodType<string>) {
  return z
    .array(item)
    .min(1)
    .max(50)
    .superRefine((list, ctx) => {
      const seen = new Set<string>();
      list.forEach((v, i) => {
        const key = v.toLowerCase();
        if (seen.has(key)) ctx.addIssue({ code: 'custom', path: [i], message: `lists "${v}" twice` });
        seen.add(key);
      });
    });
}

/**
 * Tenant restrictions (docs/policy-format.md 1.1): request headers the vendors read at sign-in;
 * see src/core/tenant-restrictions.ts for where each one is set, and README.md for what
 * each vendor must have configured on its side.
 */
const tenantRestrictions = z.strictObject({
  microsoft: z
    .strictObject({
      tenants: headerList(tenant).optional(),
      context: guid.optional(),
      v2Policy: z
        .string()
        .regex(new RegExp(V2_POLICY_REGEX), 'must be "<tenant GUID>:<policy GUID>", the two ids Entra shows for a tenant restrictions v2 policy')
        .optional(),
      blockConsumerAccounts: z.boolean().default(false),
    })
    .superRefine((m, ctx) => {
      // Microsoft ignores Restrict-Access-To-Tenants without the context naming the tenant that set it.
      if (m.tenants && !m.context) ctx.addIssue({ code: 'custom', path: ['context'], message: "is required when tenants is set: your own tenant's GUID (sent as Restrict-Access-Context)" });
      if (m.context && !m.tenants) ctx.addIssue({ code: 'custom', path: ['context'], message: 'has no effect without tenants: set tenants too, or leave context out' });
    })
    .optional(),
  google: z.strictObject({ allowedDomains: headerList(domain) }).optional(),
  webex: z.strictObject({ allowedDomains: headerList(domain) }).optional(),
});

export const DEFAULT_CATEGORIES: Record<string, z.infer<typeof action>> = {
  'consumer-video': 'warn',
  'consumer-messaging': 'warn',
};

const categoryId = z.enum(CATEGORY_IDS as [string, ...string[]]);
const serviceId = z.enum(SERVICE_IDS as [string, ...string[]]);

/** `seal` (docs/policy-format.md 1.2): SHA-256 of the canonical policy without its seal. */
export const SEAL_REGEX = '^sha256:[0-9a-f]{64}$';

export const policySchema = z.strictObject({
  schemaVersion: z.literal(1, { error: 'must be 1 (the only policy format version)' }),
  seal: z.string().regex(new RegExp(SEAL_REGEX), 'must be "sha256:" and 64 lower-case hex characters (write it with `telehealth-guard validate --seal`)').optional(),
  policyVersion: text().max(64).default(''),
  organization: z
    .strictObject({
      name: text().min(1).max(100).default('Your organisation'),
      supportContact: text().max(200).default(''),
      supportUrl: httpsUrl.optional(),
    })
    .prefault({}),
  sanctionedPlatforms: z
    .array(z.strictObject({ name: text().min(1).max(100), url: httpsUrl }))
    .max(10)
    .default([]),
  defaultAction: action.default('allow'),
  // Merged over the defaults key by key: setting one category must not silently
  // switch the other's protection off.
  categories: z
    .partialRecord(categoryId, action)
    .default({})
    .transform((given) => ({ ...DEFAULT_CATEGORIES, ...given })),
  services: z.partialRecord(serviceId, action).default({}),
  rules: z
    .array(z.strictObject({ match: hostPattern, action, label: text().min(1).max(100).optional() }))
    .max(5000)
    .default([]),
  warn: z
    .strictObject({
      requireReason: z.boolean().default(true),
      bypassMinutes: z.number().int().min(1).max(1440).default(60),
    })
    .prefault({}),
  meetings: z
    .strictObject({
      checkNavigation: z.boolean().default(true),
      scanPages: z.array(hostPattern).max(200).default([]),
      requirePasscode: z.boolean().default(true),
      requireWaitingRoom: z.boolean().default(true),
      allowPersonalRooms: z.boolean().default(false),
      allowEmbeddedPasscode: z.boolean().default(true),
      unsanctionedAction: action.default('warn'),
      // Severity of these finding codes, set by the policy (docs/meeting-links.md): lets a strict
      // hospital block a personal room or a meeting whose account the link does not show.
      findingActions: z.partialRecord(z.enum(ADJUSTABLE_FINDING_CODES), action).default({}),
      sanctioned: z
        .strictObject({
          zoom: z.strictObject({ accounts: z.array(label) }).optional(),
          teams: z.strictObject({ tenantIds: z.array(guid) }).optional(),
          webex: z.strictObject({ sites: z.array(label) }).optional(),
          meet: z.strictObject({ allowed: z.boolean() }).optional(),
          doxy: z.strictObject({ allowed: z.boolean() }).optional(),
          vsee: z.strictObject({ allowed: z.boolean() }).optional(),
          whereby: z.strictObject({ allowed: z.boolean() }).optional(),
          goto: z.strictObject({ allowed: z.boolean() }).optional(),
          ringcentral: z.strictObject({ allowed: z.boolean() }).optional(),
        })
        .optional(),
    })
    .prefault({}),
  logging: z
    .strictObject({
      retentionDays: z.number().int().min(1).max(3650).default(90),
      maxEvents: z.number().int().min(100).max(1_000_000).default(100_000),
      recordFullUrls: z.boolean().default(false),
      /** Events carry `user`: the account signed in to the browser profile, when the browser gives one. */
      recordUser: z.boolean().default(false),
      /**
       * With recordFullUrls: more query or path parameter names whose values identify someone
       * (redacted like the built-in list: MRN, SSN, names, date of birth …; docs/event-log.md).
       */
      redactParams: z
        .array(z.string().regex(/^[A-Za-z0-9_.[\]-]{1,64}$/, 'must be a parameter name: 1 to 64 letters, digits, _ . - [ ]'))
        .max(200)
        .default([]),
    })
    .prefault({}),
  // Who to call and what to do, shown when a clinician reports an incident (popup).
  incidentResponse: z
    .strictObject({
      contact: text().max(200).optional(),
      url: httpsUrl.optional(),
      steps: z.array(text().max(200)).max(10).optional(),
    })
    .optional(),
  tenantRestrictions: tenantRestrictions.optional(),
  reporting: z
    .strictObject({
      url: httpsUrl.optional(),
      format: z.enum(['ndjson', 'splunk-hec', 'clickhouse']).default('ndjson'),
      token: text().optional(),
      // 1.2 (docs/fleet.md): the ClickHouse table the `clickhouse` format inserts into.
      table: z.string().regex(TABLE_NAME_RE, 'must be a table name: letters, digits and _ (not starting with a digit), as table or database.table').default(DEFAULT_TABLE),
    })
    .optional(),
  // 1.2 (docs/policy-format.md): what IT did about private windows, so the extension warns only when nobody said.
  sideDoors: z
    .strictObject({
      incognito: z.enum(['disabled', 'allowed', 'unknown']).default('unknown'),
    })
    .prefault({}),
  // 1.2: camera, microphone and screen capture on sites that are not sanctioned.
  media: z
    .strictObject({
      action: action.default('allow'),
      allowedSites: z.array(captureSite).max(200).default([]),
      recordUse: z.boolean().default(true),
    })
    .prefault({}),
  // 1.2: patient identifiers pasted, dropped, uploaded or submitted on consumer apps.
  dataProtection: z
    .strictObject({
      action: action.default('warn'),
      identifiers: z.array(z.enum(IDENTIFIER_IDS)).default([...IDENTIFIER_IDS]),
      // Checked for what a backtracking engine can run fast and RE2 reads the same way
      // (core/data-protection/pattern-syntax.ts): a pattern that is not is refused, never skipped.
      patterns: z
        .array(
          z.strictObject({
            name: text().min(1).max(40),
            regex: z
              .string()
              .min(1)
              .max(MAX_PATTERN_LENGTH)
              .superRefine((regex, ctx) => {
                // A control character is refused as in every text field (printed by validate, shown on pages).
                if (findControl(regex) !== null) return refuseControls(regex, ctx);
                for (const p of checkPattern(regex).problems) ctx.addIssue({ code: 'custom', message: patternProblemText(p) });
              }),
            minMatches: z.number().int().min(1).max(1000).optional(),
          }),
        )
        .max(20)
        .superRefine((list, ctx) => {
          const seen = new Set<string>();
          list.forEach((p, i) => {
            if (seen.has(p.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `"${p.name}" names two patterns: each finding is recorded under its pattern's name` });
            seen.add(p.name);
          });
        })
        .default([]),
    })
    .prefault({}),
  // 1.2: look-alike hosts of sanctioned platforms, vendor sign-in hosts and the organisation's own domains.
  detection: z
    .strictObject({
      lookalikes: action.default('warn'),
      protect: z.array(domain).max(50).default([]),
    })
    .prefault({}),
  // 1.2: drills and one-minute lessons.
  awareness: z
    .strictObject({
      drills: z.array(z.strictObject({ match: hostPattern, name: text().min(1).max(100) })).max(20).default([]),
      lessons: z.boolean().default(true),
    })
    .prefault({}),
});

/** A valid policy with every default filled in. */
export type Policy = z.output<typeof policySchema>;
/** A policy as IT writes it. */
export type PolicyInput = z.input<typeof policySchema>;
export type PolicySource = 'managed' | 'local' | 'default';
