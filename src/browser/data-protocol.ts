/**
 * Messages about patient data between the content script (content/data-guard.ts) and the
 * background (data-protection.ts). Content scripts may send the three kinds below
 * (protocol.ts, MAY_SEND); the background judges each for the page the browser says sent it.
 */
import type { IdentifierId } from '../core/data-protection/ids.ts';
import type { NoticePlatform } from '../ui/notice/index.ts';

export type DataContentRequest =
  | { kind: 'data.config' }
  /** Counts per kind (never the text) and how the data was leaving the page. */
  | { kind: 'data.check'; channel: unknown; counts: unknown }
  /** A person's Continue from the notice: the ticket of that warning and the reason typed. */
  | { kind: 'data.proceed'; ticket: unknown; reason: unknown };

/** What a page's script needs to scan and to word the notice. */
export interface DataConfig {
  action: 'warn' | 'block';
  identifiers: IdentifierId[];
  patterns: Array<{ name: string; regex: string; minMatches?: number }>;
  /** The service's name ("WhatsApp") or the host, for the notice. */
  site: string;
  organization: string;
  platforms: NoticePlatform[];
  minReason: number;
}

export type DataConfigAnswer = { inScope: false } | { inScope: true; config: DataConfig };

export type DataCheckAnswer =
  /** Not (or no longer) a page where data is checked: let the action go. */
  | { action: 'allow' }
  | {
      action: 'warn';
      ticket: string;
      /**
       * The one-minute lesson (docs/awareness.md), in the reader's language, shown under the
       * warning: set by the background for the first data warning a person meets.
       */
      lesson?: string[];
    }
  | { action: 'block'; lesson?: string[] }
  | { error: string };

export type DataProceedAnswer = { ok: true } | { ok: false; error: string };
