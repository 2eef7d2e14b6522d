import { useEffect, useState } from 'preact/hooks';
import { ask, type PolicyStatus } from '../../browser/protocol.ts';
import { PolicyStatusView } from '../PolicyStatusView.tsx';

/** Policy status, and importing a local policy (small practices without device management). */
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
      setMessage('Policy imported and in force.');
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
    setMessage('Imported policy removed.');
    await refresh();
  };

  const managed = (status?.managedPresent ?? false) || status?.source === 'managed';
  return (
    <section aria-labelledby="import-heading" class="panel">
      {status && <PolicyStatusView status={status} />}
      <h2 id="import-heading">Import a policy</h2>
      {managed ? (
        <p data-testid="import-refused">
          Your organisation manages this browser, so its policy is in force and a local policy cannot be imported here. Ask your IT team to change the policy.
        </p>
      ) : (
        <form onSubmit={importPolicy} class="import">
          <p class="hint">
            For practices without device management: paste a policy file, or choose one. It is checked before it takes effect. Check it first with{' '}
            <code>npx telehealth-guard validate</code>.
          </p>
          <label for="policy-file">Policy file</label>
          <input id="policy-file" type="file" accept=".json,application/json" onChange={loadFile} />
          <label for="policy-text">Policy JSON</label>
          <textarea id="policy-text" rows={10} spellcheck={false} value={text} onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} />
          <div class="buttons">
            <button type="submit" class="primary" disabled={text.trim() === ''}>
              Import policy
            </button>
            {status?.localImported && (
              <button type="button" onClick={removeLocal}>
                Remove imported policy
              </button>
            )}
          </div>
        </form>
      )}
      {problems.length > 0 && (
        <div role="alert" class="problems" data-testid="import-problems">
          <p>The policy was not imported. Problems:</p>
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
