/**
 * Every key the extension keeps in `storage.local` and `storage.session`, defined once with its
 * type and its value when absent (WXT's typed storage items). Code reads and writes an item
 * (`await tabs.getValue()`, `await tabs.setValue(next)`), never a raw key with a cast: a key
 * spelled twice, or read as another type than it was written, cannot compile.
 *
 * local: kept across browser restarts. session: emptied when the browser closes (the
 * service worker's memory between wakes). The key strings are what the browser holds: keep
 * them, or an update forgets what an install had stored. Storage names are tested in
 * test/repo/storage-items.test.ts (no raw key outside this file, one definition per key).
 */
import { storage } from 'wxt/utils/storage';
import type { LessonId } from '../core/awareness/lessons.ts';
import type { DataTicket } from '../core/data-protection/decide.ts';
import type { CaptureSetting } from '../core/media/content-settings.ts';
import type { MediaAllowance, MediaLedger, MediaTicket } from '../core/media/decide.ts';
import type { Platform } from '../core/meetings/types.ts';
import type { TabRecord } from './tab-ledger.ts';

// ---- local

/** The UTC day (YYYY-MM-DD) of the last `install.heartbeat` (heartbeat.ts). */
export const heartbeatDay = storage.defineItem<string>('local:heartbeatDay');
/** The canonical JSON of the policy last recorded as `policy.applied` (policy-events.ts). */
export const appliedPolicy = storage.defineItem<string>('local:appliedPolicyFingerprint');
/** Per source, the problems of the broken push last recorded as `policy.invalid`. */
export const reportedInvalid = storage.defineItem<Record<string, string>>('local:reportedInvalidFingerprints', { fallback: {} });
/** One-minute lessons already shown, per person (awareness.ts). */
export const lessonsShown = storage.defineItem<Record<string, LessonId[]>>('local:lessonsShown', { fallback: {} });
/** What the media events' rate limits have let through (media.ts, core/media/decide.ts). */
export const mediaLedger = storage.defineItem<MediaLedger>('local:mediaLedger');
/** The camera and microphone content settings this extension wrote, to undo them exactly. */
export const captureSettingsApplied = storage.defineItem<Record<string, CaptureSetting>>('local:captureSettingsApplied', { fallback: {} });

// ---- session

/** What the extension knows of each tab, by tab id (tab-ledger.ts). */
export const tabs = storage.defineItem<Record<string, TabRecord>>('session:tabs', { fallback: {} });
/** `guard.gap` for incognito recorded since the browser started (incognito.ts). */
export const incognitoGapReported = storage.defineItem<boolean>('session:incognitoGapReported', { fallback: false });
/** Capture allowed after a person's Continue, until it expires (media.ts). */
export const mediaAllowances = storage.defineItem<MediaAllowance[]>('session:mediaAllowances', { fallback: [] });
/** One-use tickets for a capture notice's Continue, by ticket id. */
export const mediaTickets = storage.defineItem<Record<string, MediaTicket>>('session:mediaTickets', { fallback: {} });
/** One-use tickets for a patient-data warning's Continue, by ticket id (data-protection.ts). */
export const dataTickets = storage.defineItem<Record<string, DataTicket>>('session:dataTickets', { fallback: {} });
/** Recent data checks per sender, for the rate limit. */
export const dataRecent = storage.defineItem<Record<string, number[]>>('session:dataRecent', { fallback: {} });
/** Meeting documents the data script was put into, by `${tabId}:${frameId}`. */
export const dataMeetingDocs = storage.defineItem<Record<string, { documentId: string; platform: Platform }>>('session:dataMeetingDocs', { fallback: {} });
