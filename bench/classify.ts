/**
 * Classifier benchmark (issue: foundation). Classifies 100,000 realistic URLs against
 * a 10,000-rule policy and, in the same run, times two baselines on the same URLs:
 * parsing only (`new URL`, the floor any classifier pays) and a naive classifier
 * (one regex per rule, first match — what a hand-rolled blocklist does).
 */
import { CATALOG } from '../src/core/catalog.ts';
import { classifyUrl, compilePolicy, isError } from '../src/core/classify.ts';
import { policySchema } from '../src/core/policy/schema.ts';
import { median, rng, timeNs } from './util.ts';

export interface ClassifyBench {
  rules: number;
  urls: number;
  compileMs: number;
  /** Hosts drawn with browsing-like skew (Zipf): what a browser sees. */
  classifyNsPerUrl: number;
  urlParseNsPerUrl: number;
  /** Hosts drawn uniformly from 10,000 rules: the cache-cold worst case. */
  classifyUniformNsPerUrl: number;
  urlParseUniformNsPerUrl: number;
  naiveRegexNsPerUrl: number;
  naiveSampleUrls: number;
}

/**
 * A picker with Zipf(1) skew over a list: the k-th item is chosen with weight 1/k,
 * the way page visits concentrate on few hosts. Items are shuffled first so the
 * popular ones are not all of one kind.
 */
function zipfPicker<T>(items: readonly T[], random: () => number): () => T {
  const order = [...items];
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const cumulative = new Float64Array(order.length);
  let total = 0;
  for (let k = 0; k < order.length; k++) cumulative[k] = total += 1 / (k + 1);
  return () => {
    const x = random() * total;
    let lo = 0;
    let hi = order.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return order[lo]!;
  };
}

const WORDS = ['care', 'health', 'med', 'clinic', 'chat', 'video', 'talk', 'meet', 'portal', 'mail', 'news', 'shop', 'cloud', 'data', 'link', 'app'];
const TLDS = ['com', 'net', 'org', 'io', 'co.uk', 'de', 'health'];

export function makeRules(n: number, random: () => number) {
  const pick = <T,>(a: readonly T[]) => a[Math.floor(random() * a.length)]!;
  const rules = [];
  for (let i = 0; i < n; i++) {
    const host = `${pick(WORDS)}${i}.${pick(WORDS)}-${pick(WORDS)}.${pick(TLDS)}`;
    const withPath = random() < 0.1;
    rules.push({ match: withPath ? `${host}/${pick(WORDS)}` : random() < 0.3 ? `${pick(WORDS)}.${host}` : host, action: pick(['allow', 'warn', 'block'] as const) });
  }
  return rules;
}

/**
 * URLs: a quarter on catalog services, 30% on hosts the rules name, the rest on other
 * sites; with `skewed`, sites are drawn with Zipf skew, else uniformly.
 */
export function makeUrls(n: number, ruleHosts: string[], random: () => number, skewed = false): string[] {
  const pick = <T,>(a: readonly T[]) => a[Math.floor(random() * a.length)]!;
  const catalogHosts = CATALOG.services.flatMap((s) => s.hosts.map((h) => h.split('/')[0]!));
  const otherHosts = Array.from({ length: 20_000 }, () => `${pick(WORDS)}${Math.floor(random() * 5000)}.${pick(WORDS)}.${pick(TLDS)}`);
  const ruleHostsOnly = ruleHosts.map((h) => h.split('/')[0]!);
  const from = <T,>(a: readonly T[]) => (skewed ? zipfPicker(a, random) : () => pick(a));
  const catalogHost = from(catalogHosts);
  const ruleHost = from(ruleHostsOnly);
  const otherHost = from(otherHosts);
  const urls: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = random();
    let host: string;
    if (r < 0.25) host = `${pick(['', 'www.', 'web.', 'app.'])}${catalogHost()}`;
    else if (r < 0.55) host = `${pick(['', 'www.', 'a.', 'login.'])}${ruleHost()}`;
    else host = `${pick(['www.', '', 'static.', 'mail.'])}${otherHost()}`;
    const path = Array.from({ length: Math.floor(random() * 4) }, () => pick(WORDS)).join('/');
    const query = random() < 0.4 ? `?patient=${Math.floor(random() * 1e6)}&session=${random().toString(36).slice(2)}` : '';
    urls.push(`https://${host}/${path}${query}`);
  }
  return urls;
}

/** The naive classifier: one regex per pattern, first match wins. */
function naiveClassifier(patterns: Array<{ match: string; action: string }>) {
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const compiled = patterns.map(({ match, action }) => {
    const slash = match.indexOf('/');
    const host = slash < 0 ? match : match.slice(0, slash);
    const path = slash < 0 ? '' : match.slice(slash);
    return { re: new RegExp(`^https?://([^/?#@]*@)?([^/?#:]*\\.)?${esc(host)}\\.?(:\\d+)?${path ? esc(path) + '(?=[/?#]|$)' : '(?=[/?#]|$)'}`, 'i'), action };
  });
  return (url: string) => compiled.find((c) => c.re.test(url))?.action ?? 'allow';
}

export function benchClassify(opts: { rules?: number; urls?: number; rounds?: number } = {}): ClassifyBench {
  const random = rng(42);
  const nRules = opts.rules ?? 10_000;
  const nUrls = opts.urls ?? 100_000;
  const rounds = opts.rounds ?? 5;
  const rules = makeRules(nRules, random);
  const urls = makeUrls(nUrls, rules.map((r) => r.match), random, true);
  const uniformUrls = makeUrls(nUrls, rules.map((r) => r.match), random, false);
  // The policy format caps rules at 5,000; the compiler is measured at twice that,
  // so the figure holds with room to spare. Every generated pattern is valid.
  const policy = { ...policySchema.parse({ schemaVersion: 1 }), rules };

  const t0 = performance.now();
  const compiled = compilePolicy(policy);
  const compileMs = performance.now() - t0;

  let sink = 0;
  const parseOf = (list: string[]) => () => {
    for (const u of list) sink += new URL(u).hostname.length;
  };
  const classifyOf = (list: string[]) => () => {
    for (const u of list) {
      const r = classifyUrl(compiled, u);
      if (!isError(r)) sink += r.action.length;
    }
  };
  const parse = parseOf(urls);
  const classify = classifyOf(urls);
  const parseUniform = parseOf(uniformUrls);
  const classifyUniform = classifyOf(uniformUrls);
  // The naive classifier needs ~10,000 regex tests per URL: a sample keeps the run short.
  const naiveSample = urls.slice(0, 300);
  const naive = naiveClassifier([...rules, ...CATALOG.services.flatMap((s) => s.hosts.map((h) => ({ match: h, action: 'warn' })))]);
  const runNaive = () => {
    for (const u of naiveSample) sink += naive(u).length;
  };

  parse();
  classify();
  parseUniform();
  classifyUniform();
  const parseNs: number[] = [];
  const classifyNs: number[] = [];
  const parseUniformNs: number[] = [];
  const classifyUniformNs: number[] = [];
  const naiveNs: number[] = [];
  for (let i = 0; i < rounds; i++) {
    parseNs.push(timeNs(parse) / urls.length);
    classifyNs.push(timeNs(classify) / urls.length);
    parseUniformNs.push(timeNs(parseUniform) / uniformUrls.length);
    classifyUniformNs.push(timeNs(classifyUniform) / uniformUrls.length);
    if (i < 2) naiveNs.push(timeNs(runNaive) / naiveSample.length);
  }
  if (sink === 42) console.log('');
  return {
    rules: nRules,
    urls: nUrls,
    compileMs,
    classifyNsPerUrl: median(classifyNs),
    urlParseNsPerUrl: median(parseNs),
    classifyUniformNsPerUrl: median(classifyUniformNs),
    urlParseUniformNsPerUrl: median(parseUniformNs),
    naiveRegexNsPerUrl: median(naiveNs),
    naiveSampleUrls: naiveSample.length,
  };
}
