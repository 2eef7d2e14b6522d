/**
 * The in-page notice (shadow DOM, closed): see notice.ts for how to use it and what a page
 * cannot do to it; shield.ts for keeping the reason's keystrokes from the page.
 */
export { NOTICE_TAG, REATTACH_LIMIT, showNotice, type NoticeHandle, type NoticeOptions, type NoticePlatform, type NoticeProceed, type NoticeResult } from './notice.ts';
export { installNoticeShield, SHIELDED_EVENTS } from './shield.ts';
