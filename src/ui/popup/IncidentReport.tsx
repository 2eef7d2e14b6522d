import type { RefObject } from 'preact';
import { useRef, useState } from 'preact/hooks';
import { INCIDENT_KINDS, INCIDENT_NOTE_MAX, type IncidentKind } from '../../core/events/types.ts';
import { incidentKey } from '../../core/i18n/names.ts';
import { ask, type IncidentReceipt } from '../../browser/protocol.ts';
import { t } from '../i18n.ts';
import { Contact, Sentence } from '../Contact.tsx';

/**
 * **Report an incident** (docs/command-line-and-pages.md 1.1): what happened and a note, recorded by the
 * background as `incident.reported` and sent to the collector at once; then whom to call
 * and what to do (the policy's incidentResponse, or the support contact). A native
 * fieldset of radio buttons and a labelled textarea, so keyboards and screen readers need
 * nothing special; focus moves to the confirmation once it is sent.
 */
export function IncidentReport({ tabUrl }: { tabUrl: string | undefined }) {
  const [open, setOpen] = useState(false);
  const [kind, setKind] = useState<IncidentKind | ''>('');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [receipt, setReceipt] = useState<IncidentReceipt | null>(null);
  const done = useRef<HTMLDivElement>(null);
  const first = useRef<HTMLInputElement>(null);
  const form = useRef<HTMLFormElement>(null);

  const send = async (e: Event) => {
    e.preventDefault();
    if (!kind || busy) return;
    setBusy(true);
    setError(null);
    try {
      const r = await ask({ kind: 'incident.report', incident: kind, note, ...(tabUrl ? { tabUrl } : {}) });
      if (r.ok) {
        setReceipt(r);
        setOpen(false);
        requestAnimationFrame(() => done.current?.focus());
      } else setError(r.error);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  if (receipt) return <Receipt receipt={receipt} focusRef={done} />;
  return (
    <section class="incident" {...(open ? { 'aria-labelledby': 'incident-heading' } : {})}>
      {!open ? (
        <button
          type="button"
          class="report"
          aria-expanded="false"
          onClick={() => {
            setOpen(true);
            // The form opens where the button was, often below a link check's result: bring
            // its heading to the top of the popup, then focus its first choice.
            requestAnimationFrame(() => {
              form.current?.scrollIntoView({ block: 'start' });
              first.current?.focus({ preventScroll: true });
            });
          }}
        >
          {t('incident_open')}
        </button>
      ) : (
        <form ref={form} onSubmit={send} class="incident-form" aria-labelledby="incident-heading">
          <h2 id="incident-heading">{t('incident_heading')}</h2>
          <fieldset>
            <legend>{t('incident_what')}</legend>
            {INCIDENT_KINDS.map((k, i) => (
              <label class="choice">
                <input ref={i === 0 ? first : undefined} type="radio" name="incident" value={k} checked={kind === k} onChange={() => setKind(k)} /> {t(incidentKey(k))}
              </label>
            ))}
          </fieldset>
          <label for="incident-note">{t('incident_note')}</label>
          <textarea id="incident-note" rows={3} maxLength={INCIDENT_NOTE_MAX} aria-describedby="incident-note-hint" value={note} onInput={(e) => setNote((e.target as HTMLTextAreaElement).value)} />
          <p id="incident-note-hint" class="hint">
            {t('incident_note_hint', { count: note.length, max: INCIDENT_NOTE_MAX })}
          </p>
          {error && <p role="alert">{error}</p>}
          <div class="buttons">
            <button type="submit" class="primary" disabled={!kind || busy}>
              {t('incident_send')}
            </button>
            <button type="button" onClick={() => setOpen(false)}>
              {t('incident_cancel')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

function Receipt({ receipt, focusRef }: { receipt: IncidentReceipt; focusRef: RefObject<HTMLDivElement | null> }) {
  const ir = receipt.incidentResponse;
  const { supportContact, supportUrl } = receipt.organization;
  const hasResponse = Boolean(ir && (ir.contact || ir.url || ir.steps?.length));
  return (
    <div class="receipt" role="status" tabIndex={-1} ref={focusRef} data-testid="incident-receipt">
      <p>
        <strong>{t(receipt.delivery === 'collector' ? 'incident_sent' : 'incident_stored')}</strong>{' '}
        <Sentence k="incident_reference" slot="reference">
          <strong class="reference">{receipt.reference}</strong>
        </Sentence>
      </p>
      {hasResponse ? (
        <>
          {ir!.contact && (
            <p>
              <Sentence k="incident_contact" slot="contact">
                <Contact text={ir!.contact} />
              </Sentence>
            </p>
          )}
          {ir!.steps && ir!.steps.length > 0 && (
            <ol class="steps" aria-label={t('incident_steps')}>
              {ir!.steps.map((s) => <li>{s}</li>)}
            </ol>
          )}
          {ir!.url && (
            <p>
              <a href={ir!.url} target="_blank" rel="noopener">
                {t('incident_guidance')}
              </a>
            </p>
          )}
        </>
      ) : supportContact || supportUrl ? (
        <p>
          {supportContact && (
            <Sentence k="incident_support" slot="contact">
              <Contact text={supportContact} />
            </Sentence>
          )}{' '}
          {supportUrl && (
            <a href={supportUrl} target="_blank" rel="noopener">
              {t('guard_guidance')}
            </a>
          )}
        </p>
      ) : (
        <p>{t('incident_no_contact')}</p>
      )}
    </div>
  );
}
