import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CATALOG } from '../../src/core/catalog.ts';
import { parseHostPattern } from '../../src/core/hosts.ts';
import { formatProblem, parsePolicyText } from '../../src/core/policy/parse.ts';

const policyFiles = ['policies/default.json', ...readdirSync('policies/examples').filter((f) => f.endsWith('.json')).map((f) => `policies/examples/${f}`)];

describe('policies/', () => {
  it.each(policyFiles)('%s is a valid policy', (file) => {
    const r = parsePolicyText(readFileSync(file, 'utf8'));
    expect(r.ok ? [] : r.problems.map(formatProblem)).toEqual([]);
  });

  it('has at least a strict hospital and a small practice example', () => {
    expect(policyFiles).toContain('policies/examples/strict-hospital.json');
    expect(policyFiles).toContain('policies/examples/small-practice.json');
  });

  const REQUIRED: Record<string, [string, string[]]> = {
    whatsapp: ['consumer-messaging', ['whatsapp.com', 'wa.me']],
    telegram: ['consumer-messaging', ['telegram.org', 't.me', 'telegram.me']],
    messenger: ['consumer-messaging', ['messenger.com', 'm.me', 'msngr.com']],
    signal: ['consumer-messaging', ['signal.me', 'signal.group']],
    wechat: ['consumer-messaging', ['wechat.com', 'wx.qq.com']],
    discord: ['consumer-messaging', ['discord.com', 'discord.gg']],
    facetime: ['consumer-video', ['facetime.apple.com']],
    skype: ['consumer-video', ['skype.com']],
    'teams-consumer': ['consumer-video', ['teams.live.com']],
    'jitsi-public': ['consumer-video', ['meet.jit.si']],
  };

  it.each(Object.entries(REQUIRED))('catalog has %s with its category and hosts', (id, [category, hosts]) => {
    const s = CATALOG.services.find((x) => x.id === id);
    expect(s, id).toBeDefined();
    expect(s!.category).toBe(category);
    expect(s!.name.length).toBeGreaterThan(0);
    for (const h of hosts) expect(s!.hosts).toContain(h);
  });

  it('catalog entries are well-formed and unique', () => {
    const ids = new Set<string>();
    const patterns = new Set<string>();
    for (const s of CATALOG.services) {
      expect(ids.has(s.id), s.id).toBe(false);
      ids.add(s.id);
      expect(Object.keys(CATALOG.categories)).toContain(s.category);
      for (const h of s.hosts) {
        const p = parseHostPattern(h);
        expect(p.ok, `${s.id}: ${h}`).toBe(true);
        expect(patterns.has(h), `${h} listed twice`).toBe(false);
        patterns.add(h);
      }
    }
    // Enterprise platforms are judged per meeting link, never listed as consumer services.
    for (const h of patterns) expect(h).not.toMatch(/(^|\.)(zoom\.us|teams\.microsoft\.com|webex\.com|meet\.google\.com|doxy\.me|vsee\.com)$/);
  });
});
