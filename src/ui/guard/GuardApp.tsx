import { useEffect, useRef, useState } from 'preact/hooks';
import { MIN_REASON_LENGTH, type GuardView } from '../../core/explain.ts';
import { REASON_MAX_LENGTH } from '../../browser/events/record-request.ts';
import { ask } from '../../browser/protocol.ts';
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
 * clicking): the page informs, but offers no way through.
 */
const framed = window.top !== window.self;

export function GuardApp() {
  const url = originalUrl();
  const [view, setView] = useState<GuardView | null | undefined>(undefined);
  const [failure, setFailure] = useState<string | null>(isWebUrl(url) ? null : 'there is no web address to check.');

  useEffect(() => {
    if (!isWebUrl(url)) return;
    ask({ kind: 'guard.view', url })
      .then(({ view }) => {
        // Allowed by now (policy changed, or a bypass was granted in another tab): go on.
        if (view === null) location.replace(url);
        else setView(view);
      })
      .catch((e: Error) => setFailure(e.message));
  }, []);

  if (failure) return <main class="guard"><p role="alert">Telehealth Guard could not check this page: {failure}</p></main>;
  if (!view) return <main class="guard" aria-busy="true" />;
  return <Guard view={view} url={url} />;
}

function Guard({ view, url }: { view: GuardView; url: string }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus();
    // For npm run bench: time from the navigation's start to the page painted.
    requestAnimationFrame(() => performance.mark('guard-painted'));
  }, []);
  const warn = view.mode === 'warn';
  const title = warn ? 'Check before you continue' : 'Blocked for patient work';
  document.title = `${title} — Telehealth Guard`;

  return (
    <main class={`guard ${view.mode}`}>
      <p class="org">{view.organization.name} · Telehealth Guard</p>
      <h1 ref={heading} tabIndex={-1}>{title}</h1>
      <p class="what">
        You are opening {view.name ? <strong>{view.name}</strong> : 'a site'} at <strong class="host">{view.host}</strong>.
      </p>
      <p>{view.why}</p>
      {view.findings.length > 0 && (
        <ul class="findings" aria-label="What was found">
          {view.findings.map((f) => (
            <li class={f.severity}>{f.message}</li>
          ))}
        </ul>
      )}
      <p>{view.instead}</p>
      {view.sanctionedPlatforms.length > 0 && (
        <nav aria-label="Approved platforms">
          <ul class="platforms">
            {view.sanctionedPlatforms.map((p) => (
              <li>
                <a href={p.url} onClick={() => void ask({ kind: 'guard.redirected', url, to: p.url }).catch(() => undefined)}>
                  {p.name}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      )}
      {framed ? (
        <p class="hint">This content is shown inside another page. Open the site in its own tab to see your options.</p>
      ) : warn ? (
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
  const ready = !view.requireReason || reason.trim().length >= MIN_REASON_LENGTH;

  const proceed = async (e: Event) => {
    e.preventDefault();
    if (!ready || busy) return;
    setBusy(true);
    setError(null);
    try {
      const r = await ask({ kind: 'guard.proceed', url, reason: reason.trim() });
      if (r.ok) location.replace(url);
      else setError(r.error);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="continue" onSubmit={proceed}>
      {view.requireReason && (
        <>
          <label for="reason">Reason</label>
          <p id="reason-hint" class="hint">
            Why do you need this site? Your reason is recorded for your organisation. Access then lasts {view.bypassMinutes} minutes.
          </p>
          <textarea id="reason" rows={2} maxLength={REASON_MAX_LENGTH} aria-describedby="reason-hint" value={reason} onInput={(e) => setReason((e.target as HTMLTextAreaElement).value)} />
        </>
      )}
      {error && <p role="alert" class="error">{error}</p>}
      <div class="buttons">
        <button type="button" class="primary" onClick={goBack}>
          Go back
        </button>
        <button type="submit" disabled={!ready || busy}>
          Continue to site
        </button>
      </div>
    </form>
  );
}

function Actions() {
  return (
    <div class="buttons">
      <button type="button" class="primary" onClick={goBack}>
        Go back
      </button>
    </div>
  );
}

function Support({ view }: { view: GuardView }) {
  const { supportContact, supportUrl } = view.organization;
  if (!supportContact && !supportUrl) return null;
  return (
    <p class="support">
      Questions? {supportContact && <>Contact {supportContact}. </>}
      {supportUrl && <a href={supportUrl}>Telehealth guidance</a>}
    </p>
  );
}

async function goBack() {
  if (history.length > 1) {
    history.back();
    return;
  }
  // Opened in a fresh tab: nothing to go back to, so close it.
  const tab = await browser.tabs.getCurrent();
  if (tab?.id !== undefined) await browser.tabs.remove(tab.id);
}
