import type { Policy } from '../src/core/policy/schema.ts';
import { guardZoomSchedule, isZoomSchedulePage } from '../src/browser/content/zoom-schedule.ts';
import { fetchContentPolicy } from '../src/browser/content/policy-client.ts';
import { SCHEDULE_CHECK, ZOOM_SCHEDULE_MATCHES, type ScheduleCheckRequest } from '../src/core/meetings/schedule.ts';
import { t } from '../src/browser/i18n.ts';

// Zoom's scheduling pages, on any Zoom host: read the form, warn before saving unsafe settings;
// the background records the check (a content script never writes the log).
export default defineContentScript({
  matches: ZOOM_SCHEDULE_MATCHES,
  runAt: 'document_idle',
  async main() {
    if (!isZoomSchedulePage(location.href)) return;
    const policy = (await fetchContentPolicy()) as Policy;
    // The page says what it read; the background decides (with the same core rules) and records.
    guardZoomSchedule(document, policy, (result) => {
      const request: ScheduleCheckRequest = { kind: SCHEDULE_CHECK, reading: result.reading, prevented: result.prevented };
      void browser.runtime.sendMessage(request).catch(() => undefined);
    }, { t });
  },
});
