/**
 * The in-page notice for a capture request (docs/camera-and-microphone.md), in a script of its
 * own: the background injects it into a tab's top frame (the extension's isolated world) only
 * when a person must be asked, so the small bridge that runs in every frame of every page
 * (media-bridge.ts) carries none of the notice's code (issue 25: allowed pages at the browser's
 * speed). It hands the bridge one function, on that world's own global (never the page's).
 *
 * The shield that keeps the reason's keystrokes from the page is not here: it must be in place
 * before any page script, so the bridge installs it at document_start (ui/notice/shield.ts).
 */
import { orgParams } from '../../core/explain.ts';
import { lessonParagraphs } from '../../core/awareness/lessons.ts';
import { tn } from '../../core/i18n/format.ts';
import { showNotice } from '../../ui/notice/index.ts';
import { t } from '../i18n.ts';
import { MEDIA_NOTICE_HOOK, type AskPerson, type MediaNoticeView } from '../media-protocol.ts';

export function installMediaNotice(): void {
  (globalThis as unknown as Record<string, AskPerson>)[MEDIA_NOTICE_HOOK] = askPerson;
}

async function askPerson(view: MediaNoticeView): Promise<'allow' | 'refuse'> {
  const org = orgParams(view.organization, t);
  const instead = view.platforms.length === 0 ? 'media_notice_instead_ask' : view.platforms.length === 1 ? 'media_notice_instead_one' : 'media_notice_instead_many';
  const notice = showNotice({
    title: t('media_notice_title'),
    body: [t('media_notice_body', { host: view.host, ...org }), t(instead, org), ...lessonParagraphs(view.lesson, t)],
    platforms: view.platforms,
    proceed: { minLength: view.minReason, allowance: tn(t, 'media_notice_allowance', view.bypassMinutes, { minutes: view.bypassMinutes }), continueLabel: t('media_notice_continue') },
    dismissLabel: t('media_notice_dismiss'),
  });
  const result = await notice.result;
  if (result.outcome !== 'continue') return 'refuse';
  try {
    const r = (await browser.runtime.sendMessage({ kind: 'media.proceed', ticket: view.ticket, reason: result.reason })) as { ok?: boolean };
    return r?.ok === true ? 'allow' : 'refuse';
  } catch {
    return 'refuse';
  }
}
