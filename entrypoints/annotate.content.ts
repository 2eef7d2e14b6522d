import { analyseLink } from '../src/core/meetings/analyse.ts';
import { pageIsScanned } from '../src/core/meetings/scan-pages.ts';
import type { Policy } from '../src/core/policy/schema.ts';
import { startAnnotating } from '../src/browser/content/annotate.ts';
import { fetchContentPolicy } from '../src/browser/content/policy-client.ts';
import { t } from '../src/browser/i18n.ts';

// Registered at run time for the hosts in meetings.scanPages only (src/browser/content-scripts.ts).
export default defineContentScript({
  registration: 'runtime',
  matches: [],
  runAt: 'document_idle',
  async main() {
    const policy = (await fetchContentPolicy()) as Policy;
    // Match patterns cannot express path segment boundaries; check precisely here.
    if (!pageIsScanned(location.href, policy.meetings.scanPages)) return;
    startAnnotating(document, (href) => {
      const analysis = analyseLink(href, policy);
      // A marker for meeting links, and for wrapped links the policy judges without seeing inside.
      return analysis.platform === null && analysis.verdict === 'ok' ? null : analysis;
    }, { t });
  },
});
