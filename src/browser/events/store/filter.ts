/** The viewer's filter, normalised once, and the test of one event against it. */
import type { EventRecord } from '../../../core/events/types.ts';
import type { EventFilter } from './types.ts';

export const DAY_MS = 86_400_000;
export const MIDNIGHT = 'T00:00:00.000Z';

export interface NormFilter {
  types: ReadonlySet<string> | null;
  services: ReadonlySet<string> | null;
  text: string | null;
  from?: string;
  to?: string;
}

/** An ISO bound normalised to `YYYY-MM-DDTHH:mm:ss.sssZ` (so it compares with stored ts as a string). */
function normaliseBound(value: string | undefined, name: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new RangeError(`filter.${name} is not a date: ${value}`);
  return new Date(t).toISOString();
}

export function nextDay(day: string): string {
  return new Date(Date.parse(day + MIDNIGHT) + DAY_MS).toISOString().slice(0, 10);
}

export function normaliseFilter(f: EventFilter = {}): NormFilter {
  return {
    types: f.types && f.types.length > 0 ? new Set(f.types) : null,
    services: f.services && f.services.length > 0 ? new Set(f.services) : null,
    text: f.text?.trim() ? f.text.trim().toLowerCase() : null,
    from: normaliseBound(f.from, 'from'),
    to: normaliseBound(f.to, 'to'),
  };
}

export function matches(e: EventRecord, f: NormFilter): boolean {
  if (f.types && !f.types.has(e.type)) return false;
  if (f.services && (e.service === null || !f.services.has(e.service))) return false;
  if (f.from !== undefined && e.ts < f.from) return false;
  if (f.to !== undefined && e.ts >= f.to) return false;
  if (f.text !== null && ![e.host, e.service, e.reason, e.note].some((v) => v?.toLowerCase().includes(f.text!))) return false;
  return true;
}

export function hasTsBounds(f: NormFilter): boolean {
  return f.from !== undefined || f.to !== undefined;
}

/** No filter at all: the whole log. */
export function isUnfiltered(f: NormFilter): boolean {
  return !f.types && !f.services && !f.text && !hasTsBounds(f);
}

export function dayAligned(f: NormFilter): boolean {
  return (f.from === undefined || f.from.endsWith(MIDNIGHT)) && (f.to === undefined || f.to.endsWith(MIDNIGHT));
}
