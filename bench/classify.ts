/**
 * Classifier benchmark (issue 14). Classifies 100,000 realistic URLs against a
 * 10,000-rule policy (twice the policy format's limit) and, in the same run and
 * interleaved round by round, the baselines of bench/baselines.ts on the same URLs:
 * `new URL()` alone (the floor), the simple Map walk, and Ghostery's engine (request
 * building included, and match alone). Two mixes: hosts drawn with browsing-like skew,
 * and uniformly (cache-cold worst case). Heap and compile time at 1k, 5k and 10k rules,
 * each in a fresh process (bench/heap-child.ts). The naive regex-per-rule classifier
 * stays only as a footnote.
 */
import { spawnSync } from 'node:child_process';
import { CATALOG } from '../src/core/catalog.ts';
import { classifyUrl, compilePolicy, isError } from '../src/core/classify.ts';
import { lookalikeOf } from '../src/core/lookalike/decide.ts';
import { policySchema } from '../src/core/policy/schema.ts';
import { ghosteryEngine, ghosteryRequest, ghosteryStops, mapWalkClassifier } from './baselines.ts';
import { median, rng, timeNs } from './util.ts';

export interface MixFigures {
  /** ns per URL, medians of interleaved rounds. */
  urlParseNs: number;
  classifyNs: number;
  mapWalkNs: number;
  /**
   * classify and then the guard decision's look-alike check (docs/lookalikes.md), per URL: what
   * the one decision costs with look-alikes against `classifyNs` without.
   */
  lookalikeNs: number;
  /** On the Ghostery sample: classify, Ghostery with request building, Ghostery match alone. */
  sampleClassifyNs: number;
  ghosteryNs: number;
  ghosteryMatchNs: number;
}

export interface SizeFigures {
  rules: number;
  classifyCompileMs: number;
  classifyHeapMB: number;
  ghosteryCompileMs: number;
  ghosteryHeapMB: number;
}

export interface ClassifyBench {
  rules: number;
  urls: number;
  rounds: number;
  ghosteryUrls: number;
  skewed: MixFigures;
  uniform: MixFigures;
  sizes: SizeFigures[];
  /** URLs (both mixes) where the Map walk's answer (any field) differs from classify's: must be 0. */
  mapWalkDifferences: number;
  /** Sample URLs where Ghostery stops (or lets through) what classify does not: block/warn vs allow. */
  ghosteryDisagreements: number;
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

/** Heap and compile time of one structure in a fresh process (median of `runs` children). */
function measureSize(variant: 'classify' | 'ghostery', rules: number, runs = 2): { heapMB: number; compileMs: number } {
  const heap: number[] = [];
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', 'bench/heap-child.ts', variant, String(rules), '3'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`heap-child ${variant} ${rules}: ${r.stderr}`);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { heapMB: number; compileMs: number };
    heap.push(out.heapMB);
    ms.push(out.compileMs);
  }
  return { heapMB: median(heap), compileMs: median(ms) };
}

export function benchClassify(opts: { rules?: number; urls?: number; rounds?: number; ghosteryUrls?: number } = {}): ClassifyBench {
  const random = rng(42);
  const nRules = opts.rules ?? 10_000;
  const nUrls = opts.urls ?? 100_000;
  const rounds = opts.rounds ?? 7;
  const nGhostery = opts.ghosteryUrls ?? 20_000;
  const rules = makeRules(nRules, random);
  const mixes = {
    skewed: makeUrls(nUrls, rules.map((r) => r.match), random, true),
    uniform: makeUrls(nUrls, rules.map((r) => r.match), random, false),
  };
  // Through JSON, as a policy arrives. The format caps rules at 5,000; the classifier is
  // measured at twice that, so the figure holds with room to spare.
  const policy = JSON.parse(JSON.stringify({ ...policySchema.parse({ schemaVersion: 1 }), rules })) as ReturnType<typeof policySchema.parse>;
  const compiled = compilePolicy(policy);
  const mapWalk = mapWalkClassifier(compiled);
  const engine = ghosteryEngine(compiled);

  let sink = 0;
  let mapWalkDifferences = 0;
  let ghosteryDisagreements = 0;
  const figures = {} as Record<'skewed' | 'uniform', MixFigures>;
  for (const mix of ['skewed', 'uniform'] as const) {
    const urls = mixes[mix];
    const sample = urls.slice(0, nGhostery);
    const requests = sample.map(ghosteryRequest);
    for (const u of urls) {
      const r = classifyUrl(compiled, u);
      if (!isError(r) && JSON.stringify(r) !== JSON.stringify(mapWalk(u))) mapWalkDifferences++;
    }
    for (let i = 0; i < sample.length; i++) {
      const r = classifyUrl(compiled, sample[i]!);
      if (!isError(r) && (r.action !== 'allow') !== ghosteryStops(engine, requests[i]!)) ghosteryDisagreements++;
    }
    const variants: Record<keyof MixFigures, [() => void, number]> = {
      urlParseNs: [() => { for (const u of urls) sink += new URL(u).hostname.length; }, urls.length],
      classifyNs: [() => { for (const u of urls) { const r = classifyUrl(compiled, u); if (!isError(r)) sink += r.action.length; } }, urls.length],
      lookalikeNs: [() => { for (const u of urls) { const r = classifyUrl(compiled, u); if (!isError(r)) sink += r.action.length + (lookalikeOf(r, compiled) ? 1 : 0); } }, urls.length],
      mapWalkNs: [() => { for (const u of urls) sink += mapWalk(u).action.length; }, urls.length],
      sampleClassifyNs: [() => { for (const u of sample) { const r = classifyUrl(compiled, u); if (!isError(r)) sink += r.action.length; } }, sample.length],
      ghosteryNs: [() => { for (const u of sample) sink += ghosteryStops(engine, ghosteryRequest(u)) ? 1 : 0; }, sample.length],
      ghosteryMatchNs: [() => { for (const r of requests) sink += ghosteryStops(engine, r) ? 1 : 0; }, sample.length],
    };
    const names = Object.keys(variants) as Array<keyof MixFigures>;
    for (const n of names) variants[n][0](); // warm-up
    const samples = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<keyof MixFigures, number[]>;
    // Interleaved, starting each round with a different variant: a burst of load on the
    // shared machine then hits all of them, not one.
    for (let round = 0; round < rounds; round++) {
      for (let k = 0; k < names.length; k++) {
        const n = names[(round + k) % names.length]!;
        const [run, count] = variants[n];
        samples[n].push(timeNs(run) / count);
      }
    }
    figures[mix] = Object.fromEntries(names.map((n) => [n, median(samples[n])])) as unknown as MixFigures;
  }

  // The naive classifier needs ~10,000 regex tests per URL: a sample keeps the run short.
  const naiveSample = mixes.skewed.slice(0, 300);
  const naive = naiveClassifier([...rules, ...CATALOG.services.flatMap((s) => s.hosts.map((h) => ({ match: h, action: 'warn' })))]);
  const naiveNs = [0, 1].map(() => timeNs(() => { for (const u of naiveSample) sink += naive(u).length; }) / naiveSample.length);

  const sizes: SizeFigures[] = [1_000, 5_000, 10_000].map((n) => {
    const c = measureSize('classify', n);
    const g = measureSize('ghostery', n);
    return { rules: n, classifyCompileMs: c.compileMs, classifyHeapMB: c.heapMB, ghosteryCompileMs: g.compileMs, ghosteryHeapMB: g.heapMB };
  });
  if (sink === 42) console.log('');
  return {
    rules: nRules,
    urls: nUrls,
    rounds,
    ghosteryUrls: nGhostery,
    skewed: figures.skewed,
    uniform: figures.uniform,
    sizes,
    mapWalkDifferences,
    ghosteryDisagreements,
    naiveRegexNsPerUrl: median(naiveNs),
    naiveSampleUrls: naiveSample.length,
  };
}
