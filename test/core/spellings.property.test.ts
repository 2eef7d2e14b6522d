/**
 * Every spelling a server decodes is stopped before the request (issue 18, item 3;
 * docs/meeting-links.md, "Every spelling"): each token-carrying link of the corpus, respelt at
 * random and wrapped by each mail gateway, is sent to the guard page for every kind of
 * navigation and cancelled for every other request by the rules the browser holds (the DNR
 * simulator) — and the guard page blocks it (the core reads the same spellings), so the
 * decision is made before the request, never after.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compilePolicy } from '../../src/core/classify.ts';
import { decideNavigation } from '../../src/core/guard.ts';
import { EXTENSION_ID, guardPageUrlFor } from '../../src/core/identity.ts';
import { defaultPolicy } from '../../src/core/policy/default.ts';
import { rulesInForce } from '../../src/core/ruleset.ts';
import { simulateDnr } from './dnr-simulator.ts';
import { respeltTokenLink, tokenLinks, wrappedTokenLink } from './spellings.ts';

const GUARD = guardPageUrlFor(EXTENSION_ID);
const policy = defaultPolicy();
const rules = rulesInForce(policy, { browser: 'chromium', guardPageUrl: GUARD });
const ctx = { compiled: compilePolicy(policy), allowances: [], now: 0 };
const links = tokenLinks();
const OTHER_TYPES = ['xmlhttprequest', 'image', 'media', 'ping', 'websocket', 'script', 'stylesheet', 'font', 'other'] as const;

function stoppedEverywhere(url: string): void {
  for (const type of ['main_frame', 'sub_frame', 'object'] as const) {
    expect(simulateDnr(rules, url, type, 'keep'), `${type} ${url}`).toEqual({ type: 'redirect', to: `${GUARD}#${type === 'main_frame' ? url : url.replace(/#.*$/, '')}` });
  }
  for (const type of OTHER_TYPES) expect(simulateDnr(rules, url, type), `${type} ${url}`).toEqual({ type: 'block' });
  // …and the guard page does not let it through.
  expect(decideNavigation(url, ctx), url).toMatchObject({ kind: 'block' });
}

describe('token-carrying links in every spelling', () => {
  it('the corpus has token links to respell', () => {
    expect(links.length).toBeGreaterThanOrEqual(3);
  });

  // Each run builds a few hundred links and simulates each over 12 request types: well under a
  // second alone, a few on a loaded machine; the explicit timeout is for that load.
  it('respelt on the platform (token name, separators, path, case), every one is stopped for every request type', { timeout: 60_000 }, () => {
    fc.assert(fc.property(fc.constantFrom(...links).chain(respeltTokenLink), (url) => stoppedEverywhere(url)), { numRuns: 300 });
  });

  it('wrapped by Safe Links, Google, Proofpoint v2 and v3 and Barracuda, platform name respelt: stopped before the gateway', { timeout: 60_000 }, () => {
    fc.assert(fc.property(fc.constantFrom(...links).chain(wrappedTokenLink), (url) => stoppedEverywhere(url)), { numRuns: 300 });
  });

  it('the issue’s own examples', () => {
    for (const url of [
      'https://zoom.us/rec/share?z%61k=HOSTTOKEN',
      'https://zoom.us/launch?action=start&%7Aak=HOSTTOKEN',
      'https://zoom.us/rec/share?x=1;ZAK=HOSTTOKEN',
      'https://nam12.safelinks.protection.outlook.com/?url=https%3A%2F%2F%257Aoom.us%2Fs%2F81234567890%3Fzak%3DHOSTTOKEN&data=x',
      'https://www.google.com/url?q=https%3A%2F%2F%7Aoom.us%2Fs%2F81234567890%3Fzak%3DHOSTTOKEN&sa=D',
      'https://urldefense.proofpoint.com/v2/url?u=https-3A__-7Aoom.us_s_81234567890-3Fzak-3DHOSTTOKEN&d=DwMFAg',
      'https://urldefense.com/v3/__https://%7Aoom.us/s/81234567890?zak=HOSTTOKEN__;!!ABC!def$',
      'https://linkprotect.cudasvc.com/url?a=https%3a%2f%2f%7aoom.us%2fs%2f81234567890%3fzak%3dHOSTTOKEN&c=E,1',
    ]) {
      stoppedEverywhere(url);
    }
  });
});
