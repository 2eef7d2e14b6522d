import { useEffect, useRef, useState } from 'preact/hooks';
import { formatReference, MIN_REASON_LENGTH, orgParams, viewText, type GuardView } from '../../core/explain.ts';
import { findingText } from '../../core/i18n/names.ts';
import type { LessonText } from '../../core/awareness/lessons.ts';
import { requestAccessHref } from '../../core/request-access.ts';
import { REASON_MAX_LENGTH } from '../../core/reason.ts';
import { ask, type GuardViewResponse } from '../../browser/protocol.ts';
import { tn } from '../../core/i18n/format.ts';
import { setPageLanguage, t } from '../i18n.ts';
import { Contact, Sentence } from '../Contact.tsx';
import './guard.css';

/**
 * The original URL rides after '#' (see core/dnr.ts); it is never shown, only its host.
 * It is the browser's canonical request URL, so it is used exactly as it came: decoding
 * it would change the link (e.g. %7B in a Teams context).
 */
export function originalUrl(): string {
  return location.hash.slice(1);
}

/** Only web addresses are ever continued to: anything else after '#' is not ours. */
export function isWebUrl(url: string): boolean {
  return /^https?:\/\//i.test(url);
}

/**
 * Framed (a blocked sub-frame, or a site embedding this page to trick someone into
 * clicking): the page informs, but offers no way through. The background decides that
 * too (src/core/guard.ts) — it answers `mayContinue` only to a top-level page it sent
 * there itself — so this is only about what to draw.
 */
const framed = window.top !== window.self;

type Page = Extract<GuardViewResponse, { show: 'page' }>;

export function GuardApp() {
  const url = originalUrl();
  const [page, setPage] = useState<Page | undefined>(undefined);
  const [failure, setFailure] = useState<string | null>(isWebUrl(url) ? null : t('guard_no_address'));
  setPageLanguage();

  useEffect(() => {
    if (!isWebUrl(url)) return;
    // The background reads the URL from this page's own address: it is never sent.
    ask({ kind: 'guard.view' })
      .then((answer) => {
        if (answer.show === 'page') setPage(answer);
        // Allowed (the policy read at start-up, a policy change, an allowance from another tab,
        // a meeting link that checks out): go on — in a frame too, once the extension sent it.
        else if (answer.show === 'go' && answer.navigate) location.replace(url);
        else if (answer.show === 'go') setFailure(t('guard_framed'));
        else setFailure(t('guard_no_address'));
      })
      .catch((e: Error) => setFailure(e.message));
  }, []);

  if (failure) return <main class="guard"><p role="alert">{t('guard_failed', { reason: failure })}</p></main>;
  // The background answers once the policy in force is read: as the browser starts, that can
  // take a few seconds (docs/enforcement.md, "In force from the first moment"). Nothing is
  // offered until then.
  if (!page)
    return (
      <main class="guard" aria-busy="true">
        <p role="status">{t('guard_waiting')}</p>
      </main>
    );
  if (page.view.drill !== undefined) return <DrillLesson view={page.view} />;
  if (framed) return <FrameNotice view={page.view} url={url} />;
  return <Guard view={page.view} url={url} mayContinue={page.mayContinue} lesson={page.lesson ?? null} />;
}

/**
 * A drill link's page (docs/awareness.md): calm, short, nothing to continue to. What
 * happened, what to check next time, and that the opening was recorded for training only.
 */
function DrillLesson({ view }: { view: GuardView }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const org = orgParams(view.organization.name, t);
  document.title = `${t('drill_title')} — Telehealth Guard`;
  return (
    <main class="guard drill">
      <p class="org">{org.Org} · Telehealth Guard</p>
      <h1 ref={heading} tabIndex={-1}>{t('drill_title')}</h1>
      <p>{t('drill_intro', org)}</p>
      <section aria-labelledby="drill-check">
        <h2 id="drill-check">{t('drill_check_title')}</h2>
        <ul class="lesson-lines">
          <li>{t('drill_check_1', org)}</li>
          <li>{t('drill_check_2', org)}</li>
          <li>{t('drill_check_3', org)}</li>
        </ul>
      </section>
      <p class="hint">{t('drill_recorded', org)}</p>
      <div class="buttons">
        <button type="button" class="primary" onClick={goBack}>
          {t('drill_close')}
        </button>
      </div>
      <Support view={view} />
    </main>
  );
}

/**
 * In a frame (an unsafe meeting or a stopped site embedded in a page): a short notice. The
 * page's choices need a tab of its own; opening it there goes through the normal check.
 */
function FrameNotice({ view, url }: { view: GuardView; url: string }) {
  const title = view.mode === 'warn' ? t('guard_title_warn') : t('guard_title_block');
  return (
    <main class={`guard framed ${view.mode}`}>
      <h1>{title}</h1>
      <p class="what">
        <strong class="host">{view.name ?? view.host}</strong>
      </p>
      <p class="hint">{t('guard_framed')}</p>
      <p>
        <a href={url} target="_blank" rel="noopener noreferrer">
          {t('guard_open_in_tab')}
        </a>
      </p>
    </main>
  );
}

/** The one-minute lesson a person gets with the first warning of its kind (docs/awareness.md). */
function Lesson({ lesson }: { lesson: LessonText }) {
  return (
    <section class="lesson" aria-labelledby="lesson-title">
      <p class="lesson-label">{t('lesson_label')}</p>
      <h2 id="lesson-title">{lesson.title}</h2>
      <ul class="lesson-lines">
        {lesson.lines.map((line) => (
          <li>{line}</li>
        ))}
      </ul>
    </section>
  );
}

function Guard({ view, url, mayContinue, lesson }: { view: GuardView; url: string; mayContinue: boolean; lesson: LessonText | null }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus();
    // For npm run bench: time from the navigation's start to the page painted.
    requestAnimationFrame(() => performance.mark('guard-painted'));
  }, []);
  const warn = view.mode === 'warn';
  const title = warn ? t('guard_title_warn') : t('guard_title_block');
  document.title = `${title} — Telehealth Guard`;

  return (
    <main class={`guard ${view.mode}`}>
      <p class="org">{orgParams(view.organization.name, t).Org} · Telehealth Guard</p>
      <h1 ref={heading} tabIndex={-1}>{title}</h1>
      <p class="what">
        {view.imitates ? (
          <>
            <strong class="not-brand">{t('guard_not_brand', { name: view.imitates })}</strong> {t('guard_lookalike_before')}
            <strong class="host">{view.host}</strong>
            {t('guard_lookalike_after', { name: view.imitates })}
          </>
        ) : view.name ? (
          <>
            {t('guard_opening_named_before')}
            <strong>{view.name}</strong>
            {t('guard_opening_named_middle')}
            <strong class="host">{view.host}</strong>
            {t('guard_opening_named_after')}
          </>
        ) : (
          <>
            {t('guard_opening_site_before')}
            <strong class="host">{view.host}</strong>
            {t('guard_opening_site_after')}
          </>
        )}
      </p>
      <p>{viewText(view.why, view, t)}</p>
      {view.findings.length > 0 && (
        <ul class="findings" aria-label={t('guard_findings_label')}>
          {view.findings.map((f) => (
            <li class={f.severity}>{findingText(f.code, t)}</li>
          ))}
        </ul>
      )}
      {view.askHost && <p class="ask-host">{viewText(view.askHost, view, t)}</p>}
      {lesson && <Lesson lesson={lesson} />}
      <p>{viewText(view.instead, view, t)}</p>
      {view.sanctionedPlatforms.length > 0 && (
        <nav aria-label={t('guard_platforms_label')}>
          <ul class="platforms">
            {view.sanctionedPlatforms.map((p) => (
              <li>
                <a href={p.url} onClick={() => void ask({ kind: 'guard.redirected', to: p.url }).catch(() => undefined)}>
                  {p.name}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      )}
      {warn && mayContinue ? (
        <Continue view={view} url={url} />
      ) : (
        <Actions />
      )}
      <Support view={view} />
    </main>
  );
}

function Continue({ view, url }: { view: GuardView; url: string }) {
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const typed = reason.trim().length;
  const ready = !view.requireReason || typed >= MIN_REASON_LENGTH;

  const proceed = async (e: Event) => {
    e.preventDefault();
    if (!ready || busy) return;
    setBusy(true);
    setError(null);
    try {
      const r = await ask({ kind: 'guard.proceed', reason: reason.trim() });
      if (r.ok) location.replace(url);
      else setError(r.error);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const once = view.scope === 'link-once';
  const allowance = once ? t('guard_allowance_link_once') : tn(t, 'guard_allowance', view.bypassMinutes, { minutes: view.bypassMinutes });
  return (
    <form class="continue" onSubmit={proceed}>
      {view.requireReason ? (
        <>
          <label for="reason">{t('guard_reason')}</label>
          <p id="reason-hint" class="hint">
            {tn(t, once ? 'guard_reason_hint_link' : 'guard_reason_hint', MIN_REASON_LENGTH, { min: MIN_REASON_LENGTH })} {allowance}
          </p>
          <textarea id="reason" rows={2} maxLength={REASON_MAX_LENGTH} aria-describedby="reason-hint reason-count" value={reason} onInput={(e) => setReason((e.target as HTMLTextAreaElement).value)} />
          <p id="reason-count" class={`counter${ready ? ' ready' : ''}`} aria-live="polite" data-testid="reason-counter">
            {ready ? t('guard_reason_ready', { count: typed, max: REASON_MAX_LENGTH }) : tn(t, 'guard_reason_more', MIN_REASON_LENGTH - typed, { more: MIN_REASON_LENGTH - typed })}
          </p>
        </>
      ) : (
        <p class="hint">{allowance}</p>
      )}
      {error && <p role="alert" class="error">{error}</p>}
      <div class="buttons">
        <Leave />
        <button type="submit" disabled={!ready || busy}>
          {once ? t('guard_continue_link_once') : t('guard_continue')}
        </button>
      </div>
    </form>
  );
}

function Actions() {
  return (
    <div class="buttons">
      <Leave />
    </div>
  );
}

/**
 * The way out: **Go back** to the page before, or **Close tab** when the tab was opened for
 * this link (a link opened in a new tab, or a webmail that opens links through a blank
 * window): going back there would land on an empty page. The tab's opener and its history
 * length tell which; until the browser answers, the history length alone does.
 */
function Leave() {
  const [way, setWay] = useState<'back' | 'close'>(history.length > 1 ? 'back' : 'close');
  useEffect(() => {
    void browser.tabs
      .getCurrent()
      .then((tab) => setWay(wayOut(history.length, tab?.openerTabId !== undefined)))
      .catch(() => undefined);
  }, []);
  return way === 'back' ? (
    <button type="button" class="primary" onClick={() => history.back()}>
      {t('guard_go_back')}
    </button>
  ) : (
    <button type="button" class="primary" onClick={() => void closeTab()}>
      {t('guard_close_tab')}
    </button>
  );
}

/** Back only to a page this tab showed before the link: not to a new tab's blank start. */
export function wayOut(historyLength: number, openedByAnotherTab: boolean): 'back' | 'close' {
  if (historyLength <= 1) return 'close';
  return openedByAnotherTab && historyLength <= 2 ? 'close' : 'back';
}

function Support({ view }: { view: GuardView }) {
  const { supportContact, supportUrl } = view.organization;
  const reference = view.reference ? formatReference(view.reference) : null;
  const facts = { reference: reference ?? '—', service: view.name ?? view.service ?? '—', host: view.host };
  const access = requestAccessHref(
    view.organization,
    { reference, service: view.service, host: view.host },
    { subject: t('access_subject', { host: view.host }), body: t('access_body', facts) },
  );
  return (
    <div class="support">
      {reference && (
        <p data-testid="guard-reference">
          {t('guard_reference')} <strong class="reference">{reference}</strong>
        </p>
      )}
      {(supportContact || supportUrl) && (
        <p>
          {t('guard_questions')}{' '}
          {supportContact && (
            <>
              <Sentence k="guard_contact" slot="contact">
                <Contact text={supportContact} />
              </Sentence>{' '}
            </>
          )}
          {supportUrl && <a href={supportUrl}>{t('guard_guidance')}</a>}
        </p>
      )}
      {access && (
        <p>
          <a class="request-access" href={access} {...(access.startsWith('mailto:') ? {} : { target: '_blank', rel: 'noopener' })}>
            {t('guard_request_access')}
          </a>
        </p>
      )}
    </div>
  );
}

/** The drill page's Close: back where the drill link was opened from, or close a tab opened for it. */
async function goBack() {
  const tab = await browser.tabs.getCurrent().catch(() => undefined);
  if (wayOut(history.length, tab?.openerTabId !== undefined) === 'back') history.back();
  else await closeTab();
}

async function closeTab() {
  const tab = await browser.tabs.getCurrent();
  if (tab?.id !== undefined) await browser.tabs.remove(tab.id);
  else window.close();
}
