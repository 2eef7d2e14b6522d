import { useEffect, useState } from 'preact/hooks';
import { ask, type PolicyStatus } from '../../browser/protocol.ts';
import { t } from '../i18n.ts';
import { IncognitoNotice } from '../IncognitoNotice.tsx';
import { PolicyStatusView } from '../PolicyStatusView.tsx';

/**
 * Policy status and what the policy in force does (the summary `validate` prints), then
 * importing a local policy (small practices without device management), collapsed so the
 * log stays in view.
 */
export function PolicyPanel() {
  const [status, setStatus] = useState<PolicyStatus | null>(null);
  const [text, setText] = useState('');
  const [problems, setProblems] = useState<string[]>([]);
  const [message, setMessage] = useState<string | null>(null);

  const refresh = () => ask({ kind: 'status' }).then((r) => setStatus(r.status));
  useEffect(() => {
    void refresh();
    // A managed push can arrive while the page is open.
    const onChange = () => void refresh();
    browser.storage.onChanged.addListener(onChange);
    return () => browser.storage.onChanged.removeListener(onChange);
  }, []);

  const importPolicy = async (e: Event) => {
    e.preventDefault();
    setMessage(null);
    const r = await ask({ kind: 'policy.import', text });
    if (r.ok) {
      setProblems([]);
      setText('');
      setMessage(t('import_done'));
      await refresh();
    } else {
      setProblems(r.problems);
    }
  };
  const loadFile = async (e: Event) => {
    const file = (e.target as HTMLInputElement).files?.[0];
    if (file) setText(await file.text());
  };
  const removeLocal = async () => {
    await ask({ kind: 'policy.clearLocal' });
    setMessage(t('import_removed'));
    await refresh();
  };

  const managed = (status?.managedPresent ?? false) || status?.source === 'managed';
  return (
    <section aria-label={t('policy_heading')} class="panel policy">
      {status && <IncognitoNotice status={status} />}
      <div class="policy-grid">
        {status && <PolicyStatusView status={status} admin />}
        {status && status.summary.length > 0 && (
          <section aria-labelledby="summary-heading" class="policy-summary">
            <h2 id="summary-heading">{t('summary_heading')}</h2>
            <dl data-testid="policy-summary">
              {status.summary.map((l) => (
                <>
                  <dt>{l.label}</dt>
                  <dd data-summary={l.id}>{l.value}</dd>
                </>
              ))}
            </dl>
          </section>
        )}
      </div>
      {managed ? (
        // Nothing to open: say so in one line.
        <p class="import-refused" data-testid="import-refused">
          {t('import_refused')}
        </p>
      ) : (
        <details class="import-details" open={problems.length > 0}>
          <summary>
            <h2 id="import-heading">{t('import_heading')}</h2>
          </summary>
          <form onSubmit={importPolicy} class="import" aria-labelledby="import-heading">
            <p class="hint">
              {t('import_hint')} <code>npx telehealth-guard validate</code>
            </p>
            <label for="policy-file">{t('import_file')}</label>
            <input id="policy-file" type="file" accept=".json,application/json" onChange={loadFile} />
            <label for="policy-text">{t('import_json')}</label>
            <textarea id="policy-text" rows={10} spellcheck={false} value={text} onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} />
            <div class="buttons">
              <button type="submit" class="primary" disabled={text.trim() === ''}>
                {t('import_button')}
              </button>
              {status?.localImported && (
                <button type="button" onClick={removeLocal}>
                  {t('import_remove')}
                </button>
              )}
            </div>
          </form>
        </details>
      )}
      {problems.length > 0 && (
        <div role="alert" class="problems" data-testid="import-problems">
          <p>{t('import_problems')}</p>
          <ul>
            {problems.map((p) => (
              <li>
                <code>{p}</code>
              </li>
            ))}
          </ul>
        </div>
      )}
      {message && <p role="status">{message}</p>}
    </section>
  );
}
