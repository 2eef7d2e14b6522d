import { describe, expect, it } from 'vitest';
import { LISTENER_READY_MS, MATCH_WINDOW_MS, proveSent, type ProofInputs } from '../../src/core/sent-proof.ts';

const NOW = 1_000_000;
const base: ProofInputs = {
  url: 'https://web.whatsapp.com/chat',
  sentUrl: null,
  rulesSendHere: true,
  matched: [],
  redirectRuleIds: new Set([7]),
  startupRulesetId: 'builtin-default',
  listenerReadyAt: NOW - 5_000 + LISTENER_READY_MS,
  now: NOW,
};
const match = (ruleId: number, rulesetId: string, timeStamp: number) => ({ ruleId, rulesetId, timeStamp });

describe('proof that the extension sent a tab to the guard page', () => {
  it('the ledger holds the report for exactly this URL', () => {
    expect(proveSent({ ...base, sentUrl: base.url })).toEqual({ sent: true, by: 'report' });
  });

  it('a report for another URL proves nothing, and the browser record is not asked', () => {
    expect(proveSent({ ...base, sentUrl: 'https://web.whatsapp.com/other', matched: [match(7, '_dynamic', NOW - 4_000)] })).toEqual({ sent: false, why: 'another-url' });
  });

  it('with nothing known: a redirect rule of ours that matched before the listener was in place stands in', () => {
    expect(proveSent({ ...base, matched: [match(7, '_dynamic', NOW - 4_500), match(7, '_dynamic', NOW - 4_000)] })).toEqual({ sent: true, by: 'matched-rules', at: NOW - 4_000 });
    expect(proveSent({ ...base, matched: [match(1, 'builtin-default', NOW - 4_000)] })).toEqual({ sent: true, by: 'matched-rules', at: NOW - 4_000 });
  });

  it('not for a URL the rules do not stop', () => {
    expect(proveSent({ ...base, rulesSendHere: false, matched: [match(7, '_dynamic', NOW - 4_000)] })).toEqual({ sent: false, why: 'not-stopped' });
  });

  it('not for a rule that is not a redirect of ours, another ruleset, a match too old or one after the listener was ready', () => {
    for (const m of [
      match(8, '_dynamic', NOW - 4_000),
      match(7, '_session', NOW - 4_000),
      match(7, 'another-ruleset', NOW - 4_000),
      match(7, '_dynamic', NOW - MATCH_WINDOW_MS - 1),
      match(7, '_dynamic', base.listenerReadyAt + 1),
    ]) {
      expect(proveSent({ ...base, matched: [m] }), JSON.stringify(m)).toEqual({ sent: false, why: 'no-match' });
    }
  });
});
