import type { Policy } from '../src/core/policy/schema.ts';
import { guardZoomSchedule, isZoomSchedulePage } from '../src/browser/content/zoom-schedule.ts';
import { fetchContentPolicy } from '../src/browser/content/policy-client.ts';
import { recordEventRequest } from '../src/browser/events/record-request.ts';

// Zoom's scheduling pages, on any Zoom host: read the form, warn before saving unsafe settings.
export default defineContentScript({
  matches: ['*://zoom.us/meeting/*', '*://*.zoom.us/meeting/*', '*://zoomgov.com/meeting/*', '*://*.zoomgov.com/meeting/*', '*://zoom-x.de/meeting/*', '*://*.zoom-x.de/meeting/*'],
  runAt: 'document_idle',
  async main() {
    if (!isZoomSchedulePage(location.href)) return;
    const policy = (await fetchContentPolicy()) as Policy;
    guardZoomSchedule(document, policy, (result) => {
      const worst = result.findings.some((f) => f.severity === 'critical') ? 'block' : result.findings.some((f) => f.severity === 'warn') ? 'warn' : 'allow';
      void browser.runtime.sendMessage(
        recordEventRequest({ type: 'schedule.checked', url: location.href, service: 'zoom', action: worst, findings: result.findings.map((f) => f.code) }),
      );
    });
  },
});
