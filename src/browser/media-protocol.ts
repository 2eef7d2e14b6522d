/**
 * Messages about capture between the content script (media-bridge.ts) and the background
 * (media.ts). Content scripts may send `media.request`, `media.proceed` and `media.used`
 * (protocol.ts, MAY_SEND); every one is judged for the origin the browser gives for the sender.
 */
import type { NoticePlatform } from '../ui/notice/index.ts';
import type { LessonText } from '../core/awareness/lessons.ts';

/** Background → the top frame of a tab: show the notice for a frame's request. */
export const MEDIA_NOTICE = 'media.notice';

/**
 * The notice's script (content/media-notice.ts, entrypoints/media-notice.content.ts), which the
 * background injects into a top frame only when a person must be asked, leaves its one
 * function here, on the global of the extension's isolated world, for the bridge to call.
 */
export const MEDIA_NOTICE_HOOK = '__telehealthGuardMediaNotice';
export const MEDIA_NOTICE_SCRIPT = '/media-notice.js';
export type AskPerson = (view: MediaNoticeView) => Promise<'allow' | 'refuse'>;

/** What the notice shows; `ticket` is what its Continue must carry back. */
export interface MediaNoticeView {
  ticket: string;
  host: string;
  organization: string;
  platforms: NoticePlatform[];
  bypassMinutes: number;
  /** Characters the reason needs (0 when the policy asks none). */
  minReason: number;
  /** The camera lesson, the first time this person meets this warning (docs/awareness.md); shown once. */
  lesson?: LessonText | null;
}

export type MediaRequestAnswer = { decision: 'allow' } | { decision: 'refuse' } | { decision: 'ask'; view: MediaNoticeView } | { error: string };

export type MediaContentRequest = { kind: 'media.request'; kinds: unknown } | { kind: 'media.proceed'; ticket: unknown; reason: unknown } | { kind: 'media.used'; kinds: unknown };
