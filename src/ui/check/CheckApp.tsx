import { useEffect, useState } from 'preact/hooks';
import type { LinkAnalysis } from '../../core/meetings/analyse.ts';
import { ask } from '../../browser/protocol.ts';
import { setPageLanguage, t } from '../i18n.ts';
import { LinkAnalysisView } from '../LinkAnalysisView.tsx';
import '../popup/popup.css';

/** The context menu's "Check meeting link": the analysis of one link, in a small window. */
export function CheckApp() {
  const link = location.hash.slice(1);
  const [analysis, setAnalysis] = useState<{ analysis: LinkAnalysis; organization: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  setPageLanguage(t('check_title'));
  useEffect(() => {
    ask({ kind: 'link.check', url: link })
      .then((r) => ('error' in r ? setError(t('link_not_a_link')) : setAnalysis(r)))
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
      <h1>{t('check_title')}</h1>
      {host && (
        <p>
          {t('check_link_to')} <strong>{host}</strong>
        </p>
      )}
      {error && <p role="alert">{error}</p>}
      {analysis && <LinkAnalysisView analysis={analysis.analysis} organization={analysis.organization} />}
      <button type="button" onClick={() => window.close()}>
        {t('check_close')}
      </button>
    </main>
  );
}
