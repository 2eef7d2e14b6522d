import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, MAX_POLICY_BYTES, parseJson } from '../../../src/core/policy/json.ts';
import { IDENTIFIER_IDS } from '../../../src/core/data-protection/ids.ts';
import { MAX_DUPLICATES_LISTED, formatProblem, parsePolicy, parsePolicyText } from '../../../src/core/policy/parse.ts';

const problems = (value: unknown) => {
  const r = typeof value === 'string' ? parsePolicyText(value) : parsePolicy(value);
  if (r.ok) throw new Error('accepted: ' + JSON.stringify(value));
  return r.problems.map(formatProblem);
};
const valid = (value: object) => {
  const r = parsePolicy(value);
  if (!r.ok) throw new Error(r.problems.map(formatProblem).join('\n'));
  return r.policy;
};

describe('policy v1 defaults', () => {
  it('fills every default of the spec', () => {
    const p = valid({ schemaVersion: 1 });
    expect(p).toEqual({
      schemaVersion: 1,
      policyVersion: '',
      organization: { name: 'Your organisation', supportContact: '' },
      sanctionedPlatforms: [],
      defaultAction: 'allow',
      categories: { 'consumer-video': 'warn', 'consumer-messaging': 'warn' },
      services: {},
      rules: [],
      warn: { requireReason: true, bypassMinutes: 60 },
      meetings: {
        checkNavigation: true,
        scanPages: [],
        requirePasscode: true,
        requireWaitingRoom: true,
        allowPersonalRooms: false,
        allowEmbeddedPasscode: true,
        unsanctionedAction: 'warn',
        findingActions: {},
      },
      logging: { retentionDays: 90, maxEvents: 100000, recordFullUrls: false, recordUser: false, redactParams: [] },
      // 1.2
      sideDoors: { incognito: 'unknown' },
      media: { action: 'allow', allowedSites: [], recordUse: true },
      dataProtection: { action: 'warn', identifiers: [...IDENTIFIER_IDS], patterns: [] },
      detection: { lookalikes: 'warn', protect: [] },
      awareness: { drills: [], lessons: true },
    });
  });

  it('merges a partial categories object over the defaults (one setting never switches the other off)', () => {
    expect(valid({ schemaVersion: 1, categories: { 'consumer-video': 'block' } }).categories).toEqual({
      'consumer-video': 'block',
      'consumer-messaging': 'warn',
    });
  });

  it('accepts the example policy of the spec', () => {
    const p = valid({
      schemaVersion: 1,
      policyVersion: '2026-11-a',
      organization: { name: 'St Example Health', supportContact: 'Service desk x4357', supportUrl: 'https://intranet.example.org/telehealth' },
      sanctionedPlatforms: [{ name: 'Example Health Zoom', url: 'https://examplehealth.zoom.us/' }],
      categories: { 'consumer-video': 'block', 'consumer-messaging': 'warn' },
      services: { telegram: 'block' },
      rules: [
        { match: 'business.whatsapp.com', action: 'allow' },
        { match: 'chat.example-consumer.com', action: 'block', label: 'Example Chat' },
      ],
      meetings: {
        scanPages: ['outlook.office.com', 'calendar.google.com'],
        sanctioned: { zoom: { accounts: ['examplehealth'] }, teams: { tenantIds: ['72f988bf-86f1-41af-91ab-2d7cd011db47'] } },
      },
      logging: { retentionDays: 180 },
    });
    expect(p.logging).toEqual({ retentionDays: 180, maxEvents: 100000, recordFullUrls: false, recordUser: false, redactParams: [] });
    expect(p.meetings.sanctioned?.zoom?.accounts).toEqual(['examplehealth']);
  });
});

describe('policy v1 problems, each named by path', () => {
  it.each<[string, unknown, string]>([
    ['schemaVersion missing', {}, 'schemaVersion: is required'],
    ['schemaVersion wrong', { schemaVersion: 2 }, 'schemaVersion: must be 1, not 2'],
    ['schemaVersion as string', { schemaVersion: '1' }, 'schemaVersion: must be 1, not "1"'],
    ['policyVersion too long', { schemaVersion: 1, policyVersion: 'x'.repeat(65) }, 'policyVersion: must be at most 64 characters long'],
    ['organization.name too long', { schemaVersion: 1, organization: { name: 'x'.repeat(101) } }, 'organization.name: must be at most 100 characters long'],
    ['supportContact too long', { schemaVersion: 1, organization: { supportContact: 'x'.repeat(201) } }, 'organization.supportContact: must be at most 200 characters long'],
    ['supportUrl http', { schemaVersion: 1, organization: { supportUrl: 'http://intranet.example.org' } }, 'organization.supportUrl: must be an https:// URL, got http://'],
    ['supportUrl not a URL', { schemaVersion: 1, organization: { supportUrl: 'intranet' } }, 'organization.supportUrl: "intranet" is not a valid URL'],
    ['sanctionedPlatforms > 10', { schemaVersion: 1, sanctionedPlatforms: Array.from({ length: 11 }, (_, i) => ({ name: `P${i}`, url: 'https://a.example' })) }, 'sanctionedPlatforms: must have at most 10 items'],
    ['sanctionedPlatforms url', { schemaVersion: 1, sanctionedPlatforms: [{ name: 'Z', url: 'ftp://a.example' }] }, 'sanctionedPlatforms[0].url: must be an https:// URL, got ftp://'],
    ['sanctionedPlatforms name missing', { schemaVersion: 1, sanctionedPlatforms: [{ url: 'https://a.example' }] }, 'sanctionedPlatforms[0].name: is required'],
    ['defaultAction', { schemaVersion: 1, defaultAction: 'deny' }, 'defaultAction: must be one of "allow", "warn", "block", not "deny"'],
    ['categories unknown id', { schemaVersion: 1, categories: { 'consumer-chat': 'block' } }, 'categories.consumer-chat: unknown catalog category'],
    ['categories bad action', { schemaVersion: 1, categories: { 'consumer-video': 'stop' } }, 'categories.consumer-video: must be one of "allow", "warn", "block", not "stop"'],
    ['services unknown id', { schemaVersion: 1, services: { whatsap: 'block' } }, 'services.whatsap: unknown catalog service id (did you mean "whatsapp"?)'],
    ['rules > 5000', { schemaVersion: 1, rules: Array.from({ length: 5001 }, (_, i) => ({ match: `h${i}.example`, action: 'block' })) }, 'rules: must have at most 5000 items'],
    ['rule with scheme', { schemaVersion: 1, rules: [{ match: 'a.example', action: 'block' }, { match: 'https://b.example', action: 'block' }] }, 'rules[1].match: write the host only'],
    ['rule with wildcard', { schemaVersion: 1, rules: [{ match: '*.b.example', action: 'block' }] }, 'rules[0].match: wildcards are not allowed'],
    ['rule with port', { schemaVersion: 1, rules: [{ match: 'b.example:8080', action: 'block' }] }, 'rules[0].match: must not contain a port'],
    ['rule with query', { schemaVersion: 1, rules: [{ match: 'b.example/x?y', action: 'block' }] }, 'rules[0].match: must not contain a query'],
    ['rule action missing', { schemaVersion: 1, rules: [{ match: 'b.example' }] }, 'rules[0].action: is required'],
    ['rule unknown key', { schemaVersion: 1, rules: [{ match: 'b.example', action: 'block', lable: 'x' }] }, 'rules[0].lable: unknown field (did you mean "label"?)'],
    ['warn.requireReason type', { schemaVersion: 1, warn: { requireReason: 'yes' } }, 'warn.requireReason: must be a boolean, not the string "yes"'],
    ['warn.bypassMinutes 0', { schemaVersion: 1, warn: { bypassMinutes: 0 } }, 'warn.bypassMinutes: must be at least 1'],
    ['warn.bypassMinutes 1441', { schemaVersion: 1, warn: { bypassMinutes: 1441 } }, 'warn.bypassMinutes: must be at most 1440'],
    ['warn.bypassMinutes fraction', { schemaVersion: 1, warn: { bypassMinutes: 1.5 } }, 'warn.bypassMinutes: must be a whole number'],
    ['scanPages > 200', { schemaVersion: 1, meetings: { scanPages: Array.from({ length: 201 }, (_, i) => `h${i}.example`) } }, 'meetings.scanPages: must have at most 200 items'],
    ['scanPages wildcard', { schemaVersion: 1, meetings: { scanPages: ['ok.example', '*.google.com'] } }, 'meetings.scanPages[1]: wildcards are not allowed'],
    ['unsanctionedAction', { schemaVersion: 1, meetings: { unsanctionedAction: 'deny' } }, 'meetings.unsanctionedAction: must be one of'],
    ['teams tenant not a GUID', { schemaVersion: 1, meetings: { sanctioned: { teams: { tenantIds: ['contoso'] } } } }, 'meetings.sanctioned.teams.tenantIds[0]: must be a GUID'],
    ['zoom accounts missing', { schemaVersion: 1, meetings: { sanctioned: { zoom: {} } } }, 'meetings.sanctioned.zoom.accounts: is required'],
    ['zoom account with dots', { schemaVersion: 1, meetings: { sanctioned: { zoom: { accounts: ['examplehealth.zoom.us'] } } } }, 'meetings.sanctioned.zoom.accounts[0]: must be a single host label'],
    ['unknown platform', { schemaVersion: 1, meetings: { sanctioned: { gotomeeting: { allowed: true } } } }, 'meetings.sanctioned.gotomeeting: unknown field'],
    ['meet.allowed type', { schemaVersion: 1, meetings: { sanctioned: { meet: { allowed: 'true' } } } }, 'meetings.sanctioned.meet.allowed: must be a boolean'],
    ['retentionDays 0', { schemaVersion: 1, logging: { retentionDays: 0 } }, 'logging.retentionDays: must be at least 1'],
    ['retentionDays 3651', { schemaVersion: 1, logging: { retentionDays: 3651 } }, 'logging.retentionDays: must be at most 3650'],
    ['maxEvents 99', { schemaVersion: 1, logging: { maxEvents: 99 } }, 'logging.maxEvents: must be at least 100'],
    ['maxEvents 1000001', { schemaVersion: 1, logging: { maxEvents: 1_000_001 } }, 'logging.maxEvents: must be at most 1000000'],
    ['recordFullUrls type', { schemaVersion: 1, logging: { recordFullUrls: 1 } }, 'logging.recordFullUrls: must be a boolean'],
    ['reporting.url http', { schemaVersion: 1, reporting: { url: 'http://siem.example' } }, 'reporting.url: must be an https:// URL'],
    ['reporting.format', { schemaVersion: 1, reporting: { url: 'https://siem.example', format: 'syslog' } }, 'reporting.format: must be one of "ndjson", "splunk-hec"'],
    ['misspelt top-level key', { schemaVersion: 1, defaultActon: 'block' }, 'defaultActon: unknown field (did you mean "defaultAction"?)'],
    ['misspelt nested key', { schemaVersion: 1, meetings: { requireWaitingroom: false } }, 'meetings.requireWaitingroom: unknown field (did you mean "requireWaitingRoom"?)'],
    ['not an object', [], 'a policy must be a JSON object'],
    // 1.2: data protection (docs/data-protection.md)
    ['dataProtection.action', { schemaVersion: 1, dataProtection: { action: 'ask' } }, 'dataProtection.action: must be one of "allow", "warn", "block"'],
    ['unknown identifier', { schemaVersion: 1, dataProtection: { identifiers: ['us-ssn', 'uk-nino'] } }, 'dataProtection.identifiers[1]: must be one of'],
    ['pattern with look-ahead', { schemaVersion: 1, dataProtection: { patterns: [{ name: 'MRN', regex: '(?=M)MRN\\d{6}' }] } }, 'dataProtection.patterns[0].regex: character 1: look-ahead (?=…) is not allowed'],
    ['pattern unbounded', { schemaVersion: 1, dataProtection: { patterns: [{ name: 'MRN', regex: 'MRN\\d{6}' }, { name: 'Acct', regex: 'ACCT\\d+' }] } }, 'dataProtection.patterns[1].regex: character 7: unbounded repetition "+"'],
    ['pattern too long', { schemaVersion: 1, dataProtection: { patterns: [{ name: 'MRN', regex: 'M'.repeat(201) }] } }, 'dataProtection.patterns[0].regex: must be at most 200 characters long'],
    ['pattern name twice', { schemaVersion: 1, dataProtection: { patterns: [{ name: 'MRN', regex: 'MRN\\d{6}' }, { name: 'MRN', regex: 'MR\\d{7}' }] } }, 'dataProtection.patterns[1].name: "MRN" names two patterns'],
    ['more than 20 patterns', { schemaVersion: 1, dataProtection: { patterns: Array.from({ length: 21 }, (_, i) => ({ name: `P${i}`, regex: 'MRN\\d{6}' })) } }, 'dataProtection.patterns: must have at most 20 items'],
  ])('%s', (_name, value, expected) => {
    const list = problems(value);
    expect(list.some((p) => p.startsWith(expected)), list.join('\n')).toBe(true);
  });

  it('reports every problem at once, not just the first', () => {
    const list = problems({ schemaVersion: 1, defaultAction: 'x', warn: { bypassMinutes: 0 }, rules: [{ match: '*.a', action: 'block' }] });
    expect(list).toHaveLength(3);
  });
});

describe('policy JSON text', () => {
  it('names line and column of a syntax error', () => {
    const text = '{\n  "schemaVersion": 1,\n  "rules": [\n    { "match": "a.example", "action": "block" },\n  ]\n}';
    expect(problems(text)).toEqual(['invalid JSON at line 4, column 48: trailing comma before "]" is not allowed in JSON']);
    expect(problems('{"schemaVersion": 1 "x": 2}')[0]).toBe('invalid JSON at line 1, column 21: expected "," or "}" after a property value but found """');
    expect(problems('{\n// comment\n"schemaVersion": 1}')[0]).toMatch(/^invalid JSON at line 2, column 1: comments are not allowed/);
    expect(problems("{'schemaVersion': 1}")[0]).toMatch(/line 1, column 2: strings must use double quotes/);
    expect(problems('{1: 2}')[0]).toMatch(/line 1, column 2: expected a property name in double quotes but found "1"/);
    expect(problems('{"schemaVersion": 1')[0]).toMatch(/line 1, column 20: expected "," or "}" after a property value but found end of file/);
    expect(problems('')[0]).toMatch(/the file is empty/);
    expect(problems('{"a": "x\ny"}')[0]).toMatch(/line 1, column 9: control character/);
    expect(problems('{} {}')[0]).toMatch(/after the end of the JSON value/);
  });

  it('reports a duplicate key, which JSON.parse would silently drop', () => {
    expect(problems('{"schemaVersion": 1, "defaultAction": "block",\n "defaultAction": "allow"}')).toEqual([
      'defaultAction: duplicate key "defaultAction" (only the last one would count) (line 2, column 2)',
    ]);
    expect(problems('{"schemaVersion":1,"rules":[{"match":"a.example","action":"block","action":"allow"}]}')[0]).toMatch(/^rules\[0\]\.action: duplicate key/);
  });

  it('accepts a byte-order mark and any whitespace', () => {
    expect(parsePolicyText('\uFEFF {\r\n\t"schemaVersion" : 1 }\n').ok).toBe(true);
  });
});

/**
 * The limits, as the options page's import sees them: it calls the same parsePolicyText,
 * so these are also the messages a practice manager reads there.
 */
describe('policy JSON text: limits (the same for validate and the options import)', () => {
  it('nesting is capped before recursing: 10,000 and 1,000,000 deep give one message, not a stack overflow', () => {
    for (const depth of [65, 10_000, 1_000_000]) {
      expect(problems('['.repeat(depth) + ']'.repeat(depth))).toEqual([
        `invalid JSON at line 1, column ${MAX_JSON_DEPTH + 1}: objects and arrays are nested more than 64 levels deep (the limit; a policy needs at most 5)`,
      ]);
      const objects = '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
      expect(problems(objects)[0]).toMatch(objects.length > MAX_POLICY_BYTES ? /limit for a policy file/ : /nested more than 64 levels deep/);
    }
    expect(parseJson('['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH)).ok).toBe(true);
  });

  it('size is capped: over the limit is one line naming it, whatever the content', () => {
    expect(problems(' '.repeat(MAX_POLICY_BYTES + 1))).toEqual(['the file is larger than the 4 MB limit for a policy file (4,194,304 bytes); a real policy is well under 1 MB']);
    // Counted in UTF-8 bytes: 1.5 M three-byte characters are 4.5 MB.
    expect(problems(`{"schemaVersion":1,"policyVersion":"${'日'.repeat(1_500_000)}"}`)[0]).toMatch(/limit for a policy file/);
    // Just under the limit is parsed (and then judged on its content).
    const under = `{"schemaVersion":1,"policyVersion":"${'x'.repeat(MAX_POLICY_BYTES - 100)}"}`;
    expect(problems(under)).toEqual(['policyVersion: must be at most 64 characters long']);
  });

  it('a realistic large policy (5,000 rules with labels, pretty-printed) is well within the limits', () => {
    const rules = Array.from({ length: 5000 }, (_, i) => ({ match: `host-${i}.clinic-partner.example/portal`, action: 'block', label: `Partner portal number ${i} (blocked by IT)` }));
    const text = JSON.stringify({ schemaVersion: 1, rules }, null, 2);
    expect(text.length).toBeLessThan(MAX_POLICY_BYTES / 2);
    expect(parsePolicyText(text).ok).toBe(true);
  });

  it('duplicates are found in one pass and listed up to a cap, then counted', () => {
    const text = '{"schemaVersion":1,\n' + Array.from({ length: 100_000 }, () => '"defaultAction":"block"').join(',\n') + '}';
    // CPU time, not wall time: a stall burns CPU, waiting for a core on a loaded machine does not.
    const started = process.cpuUsage();
    const list = problems(text);
    const used = process.cpuUsage(started);
    expect((used.user + used.system) / 1000).toBeLessThan(2000);
    expect(list).toHaveLength(MAX_DUPLICATES_LISTED + 1);
    expect(list[0]).toBe('defaultAction: duplicate key "defaultAction" (only the last one would count) (line 3, column 1)');
    expect(list[19]).toBe('defaultAction: duplicate key "defaultAction" (only the last one would count) (line 22, column 1)');
    expect(list[20]).toBe('… and 99,979 more duplicate keys');
  });

  it('UTF-16 is named, as read by a UTF-8 decoder (Node readFile, the browser File.text())', () => {
    const policy = '{"schemaVersion":1}';
    const decode = (bytes: Buffer) => new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
    const le = Buffer.from(policy, 'utf16le');
    for (const bytes of [Buffer.concat([Buffer.from([0xff, 0xfe]), le]), le, Buffer.from(le).swap16(), Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(le).swap16()])]) {
      expect(problems(decode(bytes))).toEqual(['the file is encoded as UTF-16, not UTF-8; save it as UTF-8 (Notepad: Save as, Encoding "UTF-8"; PowerShell: Out-File -Encoding utf8)']);
    }
    expect(problems('\uFFFD{"schemaVersion":1}')[0]).toMatch(/^the file is not valid UTF-8 text; save it as UTF-8/);
    // A UTF-8 byte-order mark is fine (Notepad writes one; Chrome's policy reader skips it).
    expect(parsePolicyText('\uFEFF' + policy).ok).toBe(true);
  });

  it('a stray character is named by code point, never echoed raw', () => {
    expect(problems('{"schemaVersion":1}\u001b[2J')).toEqual(['invalid JSON at line 1, column 20: unexpected the character U+001B after the end of the JSON value']);
  });
});

describe('policy text fields refuse control characters', () => {
  const cases: Array<[string, object]> = [
    ['policyVersion', { policyVersion: '\u001b[2J\u001b[31mPWNED' }],
    ['policyVersion', { policyVersion: 'a\r\nb' }],
    ['organization.name', { organization: { name: 'St\u0000Example' } }],
    ['organization.supportContact', { organization: { supportContact: 'x4357\u0000' } }],
    ['organization.supportUrl', { organization: { supportUrl: 'https://help.example/\u001b[2J' } }],
    ['sanctionedPlatforms[0].name', { sanctionedPlatforms: [{ name: 'Zoom\u009b', url: 'https://zoom.us/' }] }],
    ['sanctionedPlatforms[0].url', { sanctionedPlatforms: [{ name: 'Zoom', url: 'https://zoom.us/\t' }] }],
    ['rules[0].label', { rules: [{ match: 'a.example', action: 'block', label: 'line\u2028break' }] }],
    ['reporting.token', { reporting: { url: 'https://siem.example/', token: 'abc\u007f' } }],
  ];
  for (const [path, fields] of cases) {
    it(`${path}: refused with the character shown escaped`, () => {
      const list = problems({ schemaVersion: 1, ...fields });
      expect(list).toHaveLength(1);
      expect(list[0]!.startsWith(`${path}: must not contain control characters (found \\u`)).toBe(true);
      // eslint-disable-next-line no-control-regex
      expect(list[0]).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028]/);
    });
  }

  it('plain non-ASCII text stays allowed', () => {
    expect(valid({ schemaVersion: 1, organization: { name: 'Hôpital Saint-Éloi — 日本 🏥', supportContact: 'Tél. 4357' } }).organization.name).toBe('Hôpital Saint-Éloi — 日本 🏥');
  });
});
