import { useEffect, useState } from 'preact/hooks';
import { orgParams, viewText } from '../../core/explain.ts';
import { requestAccessHref } from '../../core/request-access.ts';
import type { LinkAnalysis } from '../../core/meetings/analyse.ts';
import { ask, type PolicyStatus, type TabVerdict } from '../../browser/protocol.ts';
import { setPageLanguage, t } from '../i18n.ts';
import { LinkAnalysisView } from '../LinkAnalysisView.tsx';
import { IncognitoNotice } from '../IncognitoNotice.tsx';
import { PolicyStatusView } from '../PolicyStatusView.tsx';
import { IncidentReport } from './IncidentReport.tsx';
import './popup.css';

export function PopupApp() {
  const [status, setStatus] = useState<PolicyStatus | null>(null);
  const [tab, setTab] = useState<TabVerdict | null>(null);
  const [tabUrl, setTabUrl] = useState<string | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  setPageLanguage('Telehealth Guard');

  useEffect(() => {
    (async () => {
      const [active] = await browser.tabs.query({ active: true, currentWindow: true });
      setTabUrl(active?.url);
      const r = await ask({ kind: 'status', ...(active?.url ? { tabUrl: active.url } : {}), ...(active?.id !== undefined ? { tabId: active.id } : {}) });
      setStatus(r.status);
      setTab(r.tab);
    })().catch((e: Error) => setError(e.message));
  }, []);

  return (
    <main class="popup">
      <header class="popup-head">
        <h1>Telehealth Guard</h1>
        {status && <p class="org">{orgParams(status.organization, t).Org}</p>}
      </header>
      {error && <p role="alert">{error}</p>}
      {status && <IncognitoNotice status={status} />}
      {tab && <TabView verdict={tab} />}
      <LinkChecker />
      <IncidentReport tabUrl={tabUrl} />
      {status && (
        <details class="policy-details">
          <summary>{t('popup_policy_summary', { version: status.policyVersion || t('policy_version_none') })}</summary>
          <PolicyStatusView status={status} />
        </details>
      )}
      {status && Object.keys(status.problems).length > 0 && <p class="problems-note" role="alert">{t('popup_policy_problems')}</p>}
      <p class="more">
        <a href={browser.runtime.getURL('/options.html')} target="_blank">
          {t('popup_options_link')}
        </a>
      </p>
    </main>
  );
}

/**
 * The active tab: what the one decision says of its site — or, on a warning or block page,
 * what was stopped, why, the reference to quote and Request access (as on the page itself).
 */
function TabView({ verdict }: { verdict: TabVerdict }) {
  const { tab, stopped, reference } = verdict;
  const what = tab.name ?? tab.host;
  const state = tab.allowanceUntil !== null ? 'bypass' : tab.verdict;
  const text =
    tab.allowanceUntil !== null
      ? t('tab_bypass', { site: what, time: new Date(tab.allowanceUntil).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) })
      : tab.verdict === 'allow'
        ? t('tab_allowed', { site: what })
        : tab.verdict === 'warn'
          ? t('tab_warned', { site: what })
          : t('tab_blocked', { site: what });
  const view = stopped ? tab.view : null;
  const access =
    view &&
    requestAccessHref(
      view.organization,
      { reference, service: view.service, host: view.host },
      { subject: t('access_subject', { host: view.host }), body: t('access_body', { reference: reference ?? '—', service: view.name ?? view.service ?? '—', host: view.host }) },
    );
  return (
    <section aria-labelledby="tab-heading" class={`tab-verdict ${state}`}>
      <h2 id="tab-heading">{view ? t('popup_stopped') : t('popup_this_site')}</h2>
      <p data-testid="tab-verdict">{text}</p>
      {view && <p data-testid="tab-why">{viewText(view.why, view, t)}</p>}
      {view && reference && (
        <p data-testid="tab-reference">
          {t('guard_reference')} <strong class="reference">{reference}</strong>
        </p>
      )}
      {access && (
        <p>
          <a class="request-access" href={access} target="_blank" rel="noopener">
            {t('guard_request_access')}
          </a>
        </p>
      )}
    </section>
  );
}

function LinkChecker() {
  const [link, setLink] = useState('');
  const [analysis, setAnalysis] = useState<{ analysis: LinkAnalysis; organization: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const check = async (e: Event) => {
    e.preventDefault();
    setError(null);
    setAnalysis(null);
    const text = link.trim();
    // People paste links without the scheme ("zoom.us/j/…"); the analyser needs one.
    const url = /^[a-z][a-z0-9+.-]*:/i.test(text) ? text : `https://${text}`;
    const r = await ask({ kind: 'link.check', url });
    if ('error' in r) setError(t('link_not_a_link'));
    else setAnalysis(r);
  };
  return (
    <section aria-labelledby="link-heading">
      <h2 id="link-heading">{t('popup_check_heading')}</h2>
      <form onSubmit={check} class="link-form">
        <label for="meeting-link">{t('popup_meeting_link')}</label>
        <div class="row">
          <input id="meeting-link" type="text" inputMode="url" spellcheck={false} autoComplete="off" value={link} onInput={(e) => setLink((e.target as HTMLInputElement).value)} />
          <button type="submit" class="primary" disabled={link.trim() === ''}>
            {t('popup_check_link')}
          </button>
        </div>
      </form>
      {error && <p role="alert">{error}</p>}
      {analysis && <LinkAnalysisView analysis={analysis.analysis} organization={analysis.organization} />}
    </section>
  );
}
