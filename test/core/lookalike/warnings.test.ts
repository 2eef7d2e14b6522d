/** validate's warnings (src/core/lookalike/warnings.ts): look-alike rules and mixed-script hosts. */
import { describe, expect, it } from 'vitest';
import { labelScripts, mixedScriptLabel, policyWarnings } from '../../../src/core/lookalike/warnings.ts';
import { policySchema, type PolicyInput } from '../../../src/core/policy/schema.ts';

const warn = (input: Omit<PolicyInput, 'schemaVersion'>) => policyWarnings(policySchema.parse({ schemaVersion: 1, ...input }));

describe('policyWarnings', () => {
  it('a rule whose host looks like a catalog service, a sign-in host or a sanctioned platform', () => {
    const w = warn({
      sanctionedPlatforms: [{ name: 'CareConnect', url: 'https://video.careconnect-health.net/' }],
      rules: [
        { match: 'whatsаpp.com', action: 'allow' }, // Cyrillic а: the example
        { match: 'zoom-us.meeting-join.com/j', action: 'warn' },
        { match: 'careconnect-heаlth.net', action: 'allow' },
        { match: 'rnicrosoft.com', action: 'block' }, // blocking an imitation is fine
        { match: 'business.whatsapp.com', action: 'allow' }, // the real service's host
        { match: 'intranet.example.org', action: 'allow' },
      ],
    });
    expect(w.filter((x) => /looks like/.test(x.message)).map((x) => [x.path, x.message.match(/looks like ([^(]+) \(/)?.[1]])).toEqual([
      ['rules[0].match', 'WhatsApp'],
      ['rules[1].match', 'Zoom'],
      ['rules[2].match', 'CareConnect'],
    ]);
    expect(w.find((x) => x.path === 'rules[0].match' && /looks like/.test(x.message))!.message).toContain('"whatsаpp.com (xn--whatspp-6fg.com)"');
    expect(w.find((x) => x.path === 'rules[0].match' && /looks like/.test(x.message))!.message).toContain('allowing it lets an imitation through');
  });

  it('any host in the policy that mixes scripts in one label', () => {
    const w = warn({
      rules: [{ match: 'pаypal.example', action: 'block' }],
      meetings: { scanPages: ['оutlook.office.com'] },
      media: { allowedSites: ['ehr.exаmple.org'] },
      detection: { protect: ['xn--exmple-4nf.org'] },
      awareness: { drills: [{ match: 'zооm-drill.example', name: 'Q1' }] },
    });
    expect(w.filter((x) => /mixes/.test(x.message)).map((x) => x.path)).toEqual(['rules[0].match', 'meetings.scanPages[0]', 'media.allowedSites[0]', 'detection.protect[0]', 'awareness.drills[0].match']);
  });

  it('nothing for a clean policy, single-script IDNs and Japanese names', () => {
    expect(warn({ rules: [{ match: 'bücher.example', action: 'allow' }, { match: 'пример.рф', action: 'allow' }, { match: '日本語テスト.jp', action: 'allow' }, { match: 'example.org', action: 'allow' }] })).toEqual([]);
  });

  it('scripts per label', () => {
    expect([...labelScripts('zооm')].sort()).toEqual(['Cyrillic', 'Latin']);
    expect(mixedScriptLabel('xn--zm-fmca.us')).toBe('zооm');
    expect(mixedScriptLabel('zoom.us')).toBeNull();
    expect(mixedScriptLabel('abc-123.example')).toBeNull();
  });
});
