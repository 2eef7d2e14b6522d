/**
 * Token-carrying meeting links in every spelling a server decodes (issue 18, item 3): the
 * links of the corpus that carry a Zoom host token, respelt at random — the token's name and
 * the platform's name with letters percent-encoded (once or twice, as gateways do), either
 * case, `;` for `&`, on another path — and wrapped by each mail gateway the gate knows, whose
 * own parameter names are respelt too. Shared by the property test
 * (test/core/spellings.property.test.ts) and its sample in real Chromium
 * (test/e2e/seams.spec.ts), so both try the same links.
 */
import fc from 'fast-check';
import { analyseLink } from '../../src/core/meetings/analyse.ts';
import { defaultPolicy } from '../../src/core/policy/default.ts';
import { meetingCorpus } from './meetings/fixtures.ts';

/** Links of the corpus that carry Zoom's host token in a query (what must never leave the browser). */
export function tokenLinks(): string[] {
  const policy = defaultPolicy();
  return meetingCorpus().filter((u) => {
    if (!/^https:\/\/[^/?#]*zoom[^/?#]*\/[^#]*[?&]zak=/i.test(u)) return false;
    return analyseLink(u, policy).findings.some((f) => f.code === 'start-link');
  });
}

/** A letter as a server reads it, written one of several ways. */
const letter = (c: string) =>
  fc.constantFrom(
    c,
    c.toUpperCase(),
    `%${c.charCodeAt(0).toString(16)}`,
    `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
    `%25${c.charCodeAt(0).toString(16)}`,
  );
/** A word, each letter respelt independently. */
export const respelt = (word: string): fc.Arbitrary<string> => fc.tuple(...[...word].map(letter)).map((parts) => parts.join(''));
/** A word respelt in a way a server decodes in one pass (no double encoding): for names a server itself reads. */
const respeltOnce = (word: string) =>
  fc.tuple(...[...word].map((c) => fc.constantFrom(c, c.toUpperCase(), `%${c.charCodeAt(0).toString(16)}`, `%${c.charCodeAt(0).toString(16).toUpperCase()}`))).map((p) => p.join(''));

const paths = fc.constantFrom('/s/81234567890', '/rec/share', '/launch', '/j/81234567890', '/wc/81234567890/start', '/', '/profile', '//s/81234567890', '/x/y/z');

/** A token link with its token name, separators and path respelt. */
export function respeltTokenLink(link: string): fc.Arbitrary<string> {
  const u = new URL(link);
  const params = [...u.search.slice(1).split('&')];
  return fc
    .record({
      path: fc.oneof(fc.constant(u.pathname), paths),
      zak: respeltOnce('zak'),
      sep: fc.constantFrom('&', ';'),
      order: fc.boolean(),
    })
    .map(({ path, zak, sep, order }) => {
      const renamed = params.map((p) => p.replace(/^zak=/i, `${zak}=`));
      const list = order ? renamed : [...renamed].reverse();
      return `${u.protocol}//${u.host}${path}?${list.join(sep)}`;
    });
}

/** The inner link with its platform's host name respelt (the URL parser decodes a host: %7Aoom.us is zoom.us). */
function respeltHost(link: string): fc.Arbitrary<string> {
  const u = new URL(link);
  const labels = u.hostname.split('.');
  const zoomAt = labels.findIndex((l) => l.startsWith('zoom'));
  return respelt(labels[zoomAt] ?? labels[0]!).map((label) => {
    const out = [...labels];
    out[zoomAt < 0 ? 0 : zoomAt] = label;
    return link.replace(u.hostname, out.join('.'));
  });
}

export const GATEWAYS = ['safelinks', 'google', 'proofpoint-v2', 'proofpoint-v3', 'barracuda'] as const;
export type Gateway = (typeof GATEWAYS)[number];

/** Wrap `inner` as `gateway` writes it, its own parameter name respelt with `name`. */
export function wrap(gateway: Gateway, inner: string, name: string): string {
  switch (gateway) {
    case 'safelinks':
      return `https://nam12.safelinks.protection.outlook.com/?${name}=${encodeURIComponent(inner)}&data=05%7C02%7Cdr%40example.org%7C72f988bf-86f1-41af-91ab-2d7cd011db47&reserved=0`;
    case 'google':
      return `https://www.google.com/url?${name}=${encodeURIComponent(inner)}&sa=D&source=calendar`;
    case 'proofpoint-v2':
      // Proofpoint's encoding: percent-encode, then `-` for `%` and `_` for `/`.
      return `https://urldefense.proofpoint.com/v2/url?${name}=${encodeURIComponent(inner).replace(/%2F/gi, '/').replace(/%/g, '-').replace(/\//g, '_')}&d=DwMFAg&c=abc&r=def&m=ghi&s=jkl&e=`;
    case 'proofpoint-v3':
      return `https://urldefense.com/v3/__${inner}__;!!ABCdef!GHIjkl$`;
    case 'barracuda':
      return `https://linkprotect.cudasvc.com/url?${name}=${encodeURIComponent(inner)}&c=E,1,abc&typo=1`;
  }
}

const WRAPPER_PARAM: Record<Gateway, string> = { safelinks: 'url', google: 'q', 'proofpoint-v2': 'u', 'proofpoint-v3': '', barracuda: 'a' };

/** A token link, respelt, with its platform's name respelt, wrapped by a gateway whose parameter name is respelt too. */
export function wrappedTokenLink(link: string): fc.Arbitrary<string> {
  return fc
    .tuple(respeltTokenLink(link).chain(respeltHost), fc.constantFrom(...GATEWAYS))
    .chain(([inner, gateway]) => respeltOnce(WRAPPER_PARAM[gateway] || 'x').map((name) => wrap(gateway, inner, name)));
}
