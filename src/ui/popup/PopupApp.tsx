import { useEffect, useState } from 'preact/hooks';
import { isError } from '../../core/classify.ts';
import type { LinkAnalysis } from '../../core/meetings/analyse.ts';
import { ask, type PolicyStatus, type TabVerdict } from '../../browser/protocol.ts';
import { LinkAnalysisView } from '../LinkAnalysisView.tsx';
import { PolicyStatusView } from '../PolicyStatusView.tsx';
import './popup.css';

export function PopupApp() {
  const [status, setStatus] = useState<PolicyStatus | null>(null);
  const [tab, setTab] = useState<TabVerdict | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    (async () => {
      const [active] = await browser.tabs.query({ active: true, currentWindow: true });
      const r = await ask({ kind: 'status', ...(active?.url ? { tabUrl: active.url } : {}) });
      setStatus(r.status);
      setTab(r.tab);
    })().catch((e: Error) => setError(e.message));
  }, []);

  return (
    <main class="popup">
      <h1>Telehealth Guard</h1>
      {error && <p role="alert">{error}</p>}
      {status && <PolicyStatusView status={status} />}
      {tab && <TabView tab={tab} />}
      <LinkChecker />
      <p class="more">
        <a href={browser.runtime.getURL('/options.html')} target="_blank">Policy and event log</a>
      </p>
    </main>
  );
}

function TabView({ tab }: { tab: TabVerdict }) {
  const c = tab.classification;
  if (isError(c) || !/^https?:/.test(tab.url)) return null;
  const what = c.label ?? c.host;
  const text =
    tab.bypassExpiresAt !== null
      ? `${what}: allowed after a warning until ${new Date(tab.bypassExpiresAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}.`
      : c.action === 'allow'
        ? `${what}: allowed.`
        : `${what}: ${c.action === 'warn' ? 'warned' : 'blocked'} by your organisation's policy.`;
  return (
    <section aria-labelledby="tab-heading">
      <h2 id="tab-heading">This site</h2>
      <p data-testid="tab-verdict">{text}</p>
    </section>
  );
}

function LinkChecker() {
  const [link, setLink] = useState('');
  const [analysis, setAnalysis] = useState<LinkAnalysis | null>(null);
  const [error, setError] = useState<string | null>(null);
  const check = async (e: Event) => {
    e.preventDefault();
    setError(null);
    setAnalysis(null);
    const text = link.trim();
    // People paste links without the scheme ("zoom.us/j/…"); the analyser needs one.
    const url = /^[a-z][a-z0-9+.-]*:/i.test(text) ? text : `https://${text}`;
    const r = await ask({ kind: 'link.check', url });
    if ('error' in r) setError(r.error);
    else setAnalysis(r.analysis);
  };
  return (
    <section aria-labelledby="link-heading">
      <h2 id="link-heading">Check a meeting link</h2>
      <form onSubmit={check} class="link-form">
        <label for="meeting-link">Meeting link</label>
        <input id="meeting-link" type="text" inputMode="url" spellcheck={false} autoComplete="off" value={link} onInput={(e) => setLink((e.target as HTMLInputElement).value)} />
        <button type="submit" class="primary" disabled={link.trim() === ''}>
          Check link
        </button>
      </form>
      {error && <p role="alert">{error}</p>}
      {analysis && <LinkAnalysisView analysis={analysis} />}
    </section>
  );
}
