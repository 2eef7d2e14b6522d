import { useEffect, useState } from 'preact/hooks';
import type { LinkAnalysis } from '../../core/meetings/analyse.ts';
import { ask } from '../../browser/protocol.ts';
import { LinkAnalysisView } from '../LinkAnalysisView.tsx';
import '../popup/popup.css';

/** The context menu's "Check meeting link": the analysis of one link, in a small window. */
export function CheckApp() {
  const link = location.hash.slice(1);
  const [analysis, setAnalysis] = useState<LinkAnalysis | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    ask({ kind: 'link.check', url: link })
      .then((r) => ('error' in r ? setError(r.error) : setAnalysis(r.analysis)))
      .catch((e: Error) => setError(e.message));
  }, []);
  let host = '';
  try {
    host = new URL(link).host;
  } catch {
    /* shown as an error below */
  }
  return (
    <main class="popup">
      <h1>Meeting link check</h1>
      {host && (
        <p>
          Link to <strong>{host}</strong>
        </p>
      )}
      {error && <p role="alert">{error}</p>}
      {analysis && <LinkAnalysisView analysis={analysis} />}
      <button type="button" onClick={() => window.close()}>
        Close
      </button>
    </main>
  );
}
