/**
 * In-page annotation of meeting links (docs/command-line-and-pages.md, "In-page annotation"; issue 5, item 5).
 *
 * A plain DOM module: no extension APIs. The content-script glue decides where it runs
 * (`meetings.scanPages`) and passes the checker, normally `(href) => analyseLink(href, policy)`.
 *
 * Public API
 * - `startAnnotating(root, check, { t })` annotates every meeting link now (synchronously,
 *   in one read pass and one write pass), then watches the document for links added later or
 *   whose `href` changes, batching the work per animation frame. Returns `{ stop, stats, flush }`.
 * - `MARKER_TAG` is the element name of a marker (`tg-link-marker`).
 *
 * Jobs kept apart: which links to look at is the core's cheap prefilter
 * (src/core/meetings/prefilter.ts, from the analyser's own tables); what a marker says, in the
 * reader's language, is the core's `markerLabel` / `markerTip` (src/core/meetings/present.ts,
 * the same words as the popup and the check window); this file only watches the document and
 * draws.
 *
 * Cost (bench/annotate.ts, `npm run bench`): analyses are cached per href; the first pass reads
 * everything, then writes every marker; later batches touch only added or changed links; one
 * set of capture-phase listeners on the document serves every marker; tooltips are built on
 * first show.
 *
 * The marker: an element inserted right after the link (never inside it, so the link's box and
 * click target are unchanged), carrying `role="img"`, `tabindex="0"` and an accessible name
 * ("Meeting link check (Zoom): Check before using — …" with every finding's name) in its own attributes, and
 * drawing a small coloured badge with a symbol (✓ ok, ! warn, ✕ block: never colour alone) in a
 * shadow root (closed by default) so the page's CSS cannot reach it and its CSS cannot leak.
 * The host element's own box is pinned by `:host { … !important }` inside the shadow tree,
 * which beats any page rule. Hovering or focusing the marker shows the findings in a tooltip
 * in the top layer (popover) so `overflow: hidden` message panes do not clip it; the tooltip
 * stays while hovered and Escape hides it. A click on the marker never reaches the page.
 *
 * Links inside editable regions (a compose window's `contenteditable` body) are never annotated:
 * a marker there would end up in the e-mail being written.
 */
import type { Translate } from '../../core/i18n/format.ts';
import { hasScheme, NO, quick, YES } from '../../core/meetings/prefilter.ts';
import { markerLabel, markerTip } from '../../core/meetings/present.ts';
import type { LinkAnalysis, Verdict } from '../../core/meetings/types.ts';


export const MARKER_TAG = 'tg-link-marker';
const MARKER_TAG_UPPER = MARKER_TAG.toUpperCase();

export interface AnnotateOptions {
  /**
   * The reader's language: markers' names and tooltips are worded through it (the content
   * script passes the extension's `t`, src/browser/i18n.ts; tests a core `translator`).
   */
  t: Translate;
  /**
   * Replaces the built-in prefilter: called with every link's resolved href (slower: the
   * browser serialises each URL). Return false to skip the link without calling `check`.
   */
  prefilter?: (href: string) => boolean;
  /** How a batch of DOM changes is scheduled; default requestAnimationFrame, else setTimeout 0. */
  schedule?: (run: () => void) => void;
  /** `closed` (default) keeps page scripts out of the marker; `open` lets tests look inside. */
  shadowMode?: ShadowRootMode;
  /** Watch for links added or changed later (default true). */
  observe?: boolean;
}

export interface AnnotateStats {
  /** Passes run (the first one, then one per batch of changes). */
  passes: number;
  /** Links looked at (including ones skipped by the prefilter). */
  linksSeen: number;
  /** Links that passed the prefilter. */
  candidates: number;
  /** Calls of `check` (hrefs not in the cache). */
  checks: number;
  /** Markers currently in the document (as far as this annotator knows). */
  markers: number;
  /** Markers inserted, updated or removed over the annotator's life. */
  inserted: number;
  updated: number;
  removed: number;
  /** Duration of the last pass and of all passes together, in ms. */
  lastPassMs: number;
  totalMs: number;
}

export interface Annotator {
  /** Stops watching and removes every marker. */
  stop(): void;
  stats(): AnnotateStats;
  /** Runs any pending batch now (for tests and for callers that need markers immediately). */
  flush(): void;
}

// ---------------------------------------------------------------------------------------
// Marker

const VERDICT_SYMBOL: Record<Verdict, string> = { ok: '✓', warn: '!', block: '✕' };

const SHADOW_CSS = `
/*
 * The host's own box, pinned with !important: an important declaration from inside the
 * shadow tree beats any from the page (CSS Cascade, "Context"), so page rules such as
 * "a + * { display: block; margin: 30px }" cannot move or grow the marker.
 */
:host {
  all: initial !important; display: inline-block !important; position: relative !important;
  font-size: inherit !important; width: 1em !important; height: 1em !important;
  margin: 0 0 0 0.25em !important; padding: 0 !important; border: 0 !important;
  vertical-align: -0.15em !important; line-height: 1 !important; float: none !important;
  visibility: visible !important; opacity: 1 !important; transform: none !important;
  cursor: help !important; contain: layout style !important;
}
:host(:focus-visible) { outline: 2px solid #0b57d0 !important; outline-offset: 2px !important; border-radius: 50% !important; }
.badge {
  box-sizing: border-box; display: block; width: 1em; height: 1em; border-radius: 50%;
  font: 700 0.72em/1 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
  font-size: 0.72em; width: 1.39em; height: 1.39em; line-height: 1.39em;
  text-align: center; user-select: none; -webkit-user-select: none;
  border: 1px solid rgba(0,0,0,.35);
}
.ok { background: #1a7f37; color: #fff; }
.warn { background: #f5b400; color: #1f1300; }
.block { background: #c62828; color: #fff; }
.tip {
  box-sizing: border-box; margin: 0; inset: auto; position: fixed; z-index: 2147483647;
  max-width: min(24rem, 90vw); padding: 8px 10px; border: 1px solid #5f6368; border-radius: 6px;
  background: #fff; color: #1b1b1b; box-shadow: 0 2px 10px rgba(0,0,0,.25);
  font: 400 13px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
  text-align: left; white-space: normal; overflow: visible;
}
.tip.hidden { display: none; }
.tip strong { display: block; margin-bottom: 4px; font-weight: 700; }
.tip ul { margin: 0; padding-left: 1.1em; }
.tip li { margin: 2px 0; }
.tip .sev { font-weight: 700; }
`;

interface MarkerParts {
  link: Element;
  host: HTMLElement;
  shadow: ShadowRoot;
  badge: HTMLElement;
  /** The tooltip, created on first show. */
  tip: HTMLElement | null;
  analysis: LinkAnalysis;
  tipBuilt: boolean;
  /** Times the marker was put back after the page removed or displaced it. */
  reinserts: number;
}

/** A page that keeps removing markers gets them back this many times, then is left alone. */
const MAX_REINSERTS = 3;

// ---------------------------------------------------------------------------------------
// Annotator

interface LinkState {
  href: string;
  marker: MarkerParts | null;
}

export function startAnnotating(
  root: Document,
  check: (href: string) => LinkAnalysis | null,
  options: AnnotateOptions,
): Annotator {
  const t = options.t;
  const t0 = now();
  // Relative links are meeting links only on a page that is itself on a meeting platform.
  const relativeMay = quick(root.baseURI ?? '', false) !== NO;
  const shadowMode: ShadowRootMode = options.shadowMode ?? 'closed';
  const view = root.defaultView as (Window & typeof globalThis) | null;
  const schedule =
    options.schedule ??
    (view !== null && typeof view.requestAnimationFrame === 'function'
      ? (run: () => void) => void view.requestAnimationFrame(() => run())
      : (run: () => void) => void setTimeout(run, 0));

  const cache = new Map<string, LinkAnalysis | null>();
  const links = new WeakMap<Element, LinkState>();
  const markers = new Set<MarkerParts>();
  const stats: AnnotateStats = {
    passes: 0, linksSeen: 0, candidates: 0, checks: 0, markers: 0,
    inserted: 0, updated: 0, removed: 0, lastPassMs: 0, totalMs: 0,
  };
  let stopped = false;

  // One stylesheet shared by every marker where constructable sheets exist; else a <style> each.
  let sheet: CSSStyleSheet | null = null;
  try {
    const Sheet = view?.CSSStyleSheet;
    if (Sheet !== undefined) {
      sheet = new Sheet();
      sheet.replaceSync(SHADOW_CSS);
    }
  } catch {
    sheet = null;
  }

  function analyse(href: string): LinkAnalysis | null {
    let a = cache.get(href);
    if (a === undefined) {
      stats.checks++;
      try {
        a = check(href);
      } catch {
        a = null;
      }
      // Not a meeting link, unless the policy judges a wrapped link it cannot see into (wrapped-unresolved).
      if (a !== null && a.platform === null && a.verdict === 'ok') a = null;
      cache.set(href, a);
    }
    return a;
  }

  /** The resolved URL (what a click would open), from the browser's URL parser. */
  function resolved(el: Element, raw: string): string {
    const h = (el as HTMLAnchorElement).href;
    return typeof h === 'string' && h !== '' ? h : raw;
  }

  /**
   * The href to check for this link, or null when it cannot be a meeting link. The raw
   * attribute is scanned first (no URL parsing for the great majority of links); only
   * candidates, and strings only the parser can read, are resolved.
   */
  function candidate(link: Element, raw: string): string | null {
    if (options.prefilter !== undefined) {
      const h = resolved(link, raw);
      return options.prefilter(h) ? h : null;
    }
    const q = quick(raw, relativeMay);
    if (q === NO) return null;
    // An absolute URL parses the same with or without the page's base: check it as written
    // (the analyser parses it), sparing the browser's href serialisation.
    if (q === YES && hasScheme(raw)) return raw;
    const h = resolved(link, raw);
    return quick(h, false) === NO ? null : h;
  }

  function editable(el: Element): boolean {
    const ce = el.closest('[contenteditable]');
    return ce !== null && ce.getAttribute('contenteditable')?.toLowerCase() !== 'false';
  }

  const labels = new WeakMap<LinkAnalysis, string>();
  /** Host element → its marker (only ours: the page's own elements never get in). */
  const byHost = new WeakMap<Element, MarkerParts>();

  function createMarker(link: Element, a: LinkAnalysis): MarkerParts {
    const host = root.createElement(MARKER_TAG);
    host.setAttribute('role', 'img');
    host.setAttribute('tabindex', '0');
    const shadow = host.attachShadow({ mode: shadowMode });
    if (sheet !== null) {
      shadow.adoptedStyleSheets = [sheet];
    } else {
      const style = root.createElement('style');
      style.textContent = SHADOW_CSS;
      shadow.append(style);
    }
    const badge = root.createElement('span');
    badge.setAttribute('aria-hidden', 'true');
    shadow.append(badge);
    const parts: MarkerParts = { link, host, shadow, badge, tip: null, analysis: a, tipBuilt: false, reinserts: 0 };
    paint(parts, a);
    byHost.set(host, parts);
    return parts;
  }

  function paint(parts: MarkerParts, a: LinkAnalysis): void {
    parts.analysis = a;
    parts.tipBuilt = false;
    let label = labels.get(a);
    if (label === undefined) {
      label = markerLabel(a, t);
      labels.set(a, label);
    }
    parts.host.setAttribute('aria-label', label);
    parts.host.setAttribute('data-verdict', a.verdict);
    parts.badge.className = `badge ${a.verdict}`;
    parts.badge.textContent = VERDICT_SYMBOL[a.verdict];
    if (parts.tip !== null && !parts.tip.classList.contains('hidden')) buildTip(parts);
  }

  function buildTip(parts: MarkerParts): HTMLElement {
    let tip = parts.tip;
    if (tip === null) {
      tip = root.createElement('div');
      tip.className = 'tip hidden';
      tip.setAttribute('aria-hidden', 'true'); // the host's accessible name already says it all
      if (typeof tip.showPopover === 'function') tip.setAttribute('popover', 'manual');
      parts.shadow.append(tip);
      parts.tip = tip;
    }
    const words = markerTip(parts.analysis, t);
    tip.textContent = '';
    const title = root.createElement('strong');
    title.textContent = words.title;
    tip.append(title);
    const list = root.createElement('ul');
    for (const line of words.lines) {
      const li = root.createElement('li');
      if (line.severity !== null) {
        const sev = root.createElement('span');
        sev.className = 'sev';
        sev.textContent = `${line.severity} `;
        li.append(sev);
      }
      li.append(line.text);
      list.append(li);
    }
    tip.append(list);
    parts.tipBuilt = true;
    return tip;
  }

  function showTip(parts: MarkerParts): void {
    const tip = parts.tip !== null && parts.tipBuilt ? parts.tip : buildTip(parts);
    tip.classList.remove('hidden');
    if (tip.hasAttribute('popover') && !tip.matches(':popover-open')) {
      try {
        tip.showPopover();
      } catch {
        // not connected any more
      }
    }
    place(parts.host, tip);
  }

  function hideTip(parts: MarkerParts): void {
    const tip = parts.tip;
    if (tip === null) return;
    if (tip.hasAttribute('popover') && tip.matches(':popover-open')) tip.hidePopover();
    tip.classList.add('hidden');
  }

  /**
   * One set of listeners for every marker, on the document in the capture phase: an event
   * from inside a marker's shadow tree is retargeted to the marker, so `target` is the host.
   */
  function markerOf(e: Event): MarkerParts | undefined {
    const t = e.target as Element | null;
    return t !== null && t.nodeType === 1 && t.tagName === MARKER_TAG_UPPER ? byHost.get(t) : undefined;
  }
  const listeners: Array<[string, (e: Event) => void]> = [
    ['mouseover', (e) => {
      const m = markerOf(e);
      if (m !== undefined) showTip(m);
    }],
    ['mouseout', (e) => {
      const m = markerOf(e);
      const to = (e as MouseEvent).relatedTarget as Node | null;
      if (m !== undefined && (to === null || !m.host.contains(to)) && root.activeElement !== m.host) hideTip(m);
    }],
    ['focusin', (e) => {
      const m = markerOf(e);
      if (m !== undefined) showTip(m);
    }],
    ['focusout', (e) => {
      const m = markerOf(e);
      if (m !== undefined) hideTip(m);
    }],
    ['keydown', (e) => {
      const m = markerOf(e);
      if (m !== undefined && (e as KeyboardEvent).key === 'Escape') hideTip(m);
    }],
    // A click on the marker shows its findings; it must not reach the page or follow the link.
    ['click', (e) => {
      const m = markerOf(e);
      if (m === undefined) return;
      e.preventDefault();
      e.stopPropagation();
      showTip(m);
    }],
  ];
  for (const [type, fn] of listeners) root.addEventListener(type, fn, true);

  function removeMarker(parts: MarkerParts): void {
    parts.host.remove();
    markers.delete(parts);
    const state = links.get(parts.link);
    if (state !== undefined && state.marker === parts) state.marker = null;
    stats.removed++;
  }

  /** Reads: which links need a marker inserted, updated or removed. Writes happen afterwards. */
  type Op =
    | { kind: 'insert'; link: Element; a: LinkAnalysis; state: LinkState }
    | { kind: 'update'; link: Element; a: LinkAnalysis; state: LinkState }
    | { kind: 'remove'; marker: MarkerParts }
    | { kind: 'move'; marker: MarkerParts };

  function plan(link: Element, ops: Op[]): void {
    stats.linksSeen++;
    const href = link.getAttribute('href') ?? '';
    const state = links.get(link);
    if (state !== undefined && state.href === href) {
      // Known link, same href: make sure its marker still follows it (the page may have moved
      // the link, or taken it out and put it back).
      const m = state.marker;
      if (m !== null) {
        if (link.nextSibling !== m.host) ops.push({ kind: 'move', marker: m });
        return;
      }
      const target = candidate(link, href);
      const cached = target === null ? null : cache.get(target);
      if (cached !== undefined && cached !== null && !editable(link)) ops.push({ kind: 'insert', link, a: cached, state });
      return;
    }
    let a: LinkAnalysis | null = null;
    const target = candidate(link, href);
    if (target !== null) {
      stats.candidates++;
      a = analyse(target);
      if (a !== null && editable(link)) a = null;
    }
    if (state === undefined) {
      // Only meeting links are remembered; any other link is looked at again only when it
      // changes or moves (and then costs one prefilter call, or a cache hit).
      if (a === null) return;
      const s: LinkState = { href, marker: null };
      links.set(link, s);
      ops.push({ kind: 'insert', link, a, state: s });
      return;
    }
    state.href = href;
    if (a === null) {
      if (state.marker !== null) ops.push({ kind: 'remove', marker: state.marker });
    } else if (state.marker === null) {
      ops.push({ kind: 'insert', link, a, state });
    } else {
      ops.push({ kind: 'update', link, a, state });
    }
  }

  function apply(ops: Op[]): void {
    for (const op of ops) {
      switch (op.kind) {
        case 'insert': {
          const m = createMarker(op.link, op.a);
          op.link.after(m.host);
          op.state.marker = m;
          markers.add(m);
          stats.inserted++;
          break;
        }
        case 'update':
          if (op.state.marker !== null) {
            paint(op.state.marker, op.a);
            if (op.link.nextSibling !== op.state.marker.host) op.link.after(op.state.marker.host);
            stats.updated++;
          }
          break;
        case 'remove':
          if (markers.has(op.marker)) removeMarker(op.marker);
          break;
        case 'move': {
          const m = op.marker;
          if (!markers.has(m)) break;
          if (m.reinserts >= MAX_REINSERTS) {
            removeMarker(m);
          } else {
            m.reinserts++;
            m.link.after(m.host);
          }
          break;
        }
      }
    }
  }

  function isMarker(n: Node): boolean {
    return n.nodeType === 1 && (n as Element).tagName === MARKER_TAG_UPPER;
  }

  function collect(node: Node, into: Set<Element>): void {
    if (node.nodeType !== 1 || isMarker(node)) return;
    const el = node as Element;
    if (el.tagName === 'A' && el.hasAttribute('href')) into.add(el);
    if (el.firstElementChild !== null) {
      const found = el.querySelectorAll('a[href]');
      for (let i = 0; i < found.length; i++) into.add(found[i]!);
    }
  }

  function timed(body: () => void): void {
    const start = now();
    body();
    stats.passes++;
    stats.lastPassMs = now() - start;
    stats.totalMs += stats.lastPassMs;
  }

  // ---- first pass: the whole document
  const MO = view?.MutationObserver ?? (globalThis as { MutationObserver?: typeof MutationObserver }).MutationObserver;
  const observer = options.observe === false || MO === undefined ? null : new MO(onMutations);
  const pending: MutationRecord[] = [];
  let scheduled = false;

  function runPass(records: MutationRecord[]): void {
    const todo = new Set<Element>();
    let sweep = false;
    for (const r of records) {
      if (r.type === 'attributes') {
        const t = r.target as Element;
        if (t.tagName === 'A' && !isMarker(t)) todo.add(t);
        continue;
      }
      if (isMarker(r.target)) continue;
      for (let i = 0; i < r.addedNodes.length; i++) collect(r.addedNodes[i]!, todo);
      if (r.removedNodes.length > 0) sweep = true;
    }
    const ops: Op[] = [];
    for (const link of todo) if (link.isConnected) plan(link, ops);
    if (sweep) {
      // Links removed with their marker, markers removed or displaced by the page.
      for (const m of markers) {
        if (todo.has(m.link)) continue; // planned above
        if (!m.link.isConnected) ops.push({ kind: 'remove', marker: m });
        else if (m.link.nextSibling !== m.host) ops.push({ kind: 'move', marker: m });
      }
    }
    apply(ops);
  }

  function pass(): void {
    scheduled = false;
    if (stopped) return;
    const records = pending.splice(0, pending.length);
    if (observer !== null) records.push(...observer.takeRecords());
    if (records.length === 0) return;
    timed(() => runPass(records));
    // Whatever was recorded during the pass came from our own writes.
    observer?.takeRecords();
    stats.markers = markers.size;
  }

  function onMutations(records: MutationRecord[]): void {
    if (stopped) return;
    for (const r of records) pending.push(r);
    if (!scheduled) {
      scheduled = true;
      schedule(pass);
    }
  }

  timed(() => {
    const ops: Op[] = [];
    const all = root.querySelectorAll('a[href]');
    for (let i = 0; i < all.length; i++) plan(all[i]!, ops);
    apply(ops);
  });
  stats.markers = markers.size;
  stats.totalMs = now() - t0;
  if (observer !== null) {
    const target = root.documentElement ?? root;
    observer.observe(target, { childList: true, subtree: true, attributes: true, attributeFilter: ['href'] });
  }

  return {
    stop() {
      if (stopped) return;
      stopped = true;
      observer?.disconnect();
      for (const [type, fn] of listeners) root.removeEventListener(type, fn, true);
      pending.length = 0;
      for (const m of [...markers]) removeMarker(m);
      stats.markers = 0;
    },
    stats() {
      return { ...stats, markers: markers.size };
    },
    flush() {
      if (!stopped) pass();
    },
  };
}

/** Positions the tooltip (fixed, in the top layer) below the marker, kept inside the viewport. */
function place(host: HTMLElement, tip: HTMLElement): void {
  if (typeof host.getBoundingClientRect !== 'function') return;
  const view = host.ownerDocument.defaultView;
  if (view === null) return;
  const r = host.getBoundingClientRect();
  const w = tip.offsetWidth;
  const h = tip.offsetHeight;
  let left = Math.min(r.left, view.innerWidth - w - 4);
  left = Math.max(4, left);
  let top = r.bottom + 4;
  if (top + h > view.innerHeight && r.top - h - 4 >= 0) top = r.top - h - 4;
  tip.style.left = `${Math.round(left)}px`;
  tip.style.top = `${Math.round(top)}px`;
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}
