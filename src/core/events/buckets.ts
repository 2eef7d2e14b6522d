/**
 * Per-day counts regrouped for a chart that reads from one day to a year: days up to
 * two months, weeks (starting Monday) up to a year, months beyond. Buckets run from the
 * first to the last with no gaps, so quiet periods show as gaps in the bars, not as
 * missing time.
 */
export type BucketUnit = 'day' | 'week' | 'month';

export interface Bucket {
  /** First day of the bucket, YYYY-MM-DD (UTC). */
  start: string;
  byType: Record<string, number>;
}

const DAY_MS = 86_400_000;
const dayMs = (day: string) => Date.parse(`${day}T00:00:00.000Z`);
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function unitFor(spanDays: number): BucketUnit {
  return spanDays <= 62 ? 'day' : spanDays <= 371 ? 'week' : 'month';
}

export function bucketStart(day: string, unit: BucketUnit): string {
  if (unit === 'day') return day;
  if (unit === 'month') return `${day.slice(0, 7)}-01`;
  const ms = dayMs(day);
  const weekday = (new Date(ms).getUTCDay() + 6) % 7; // Monday 0
  return iso(ms - weekday * DAY_MS);
}

function next(start: string, unit: BucketUnit): string {
  if (unit === 'day') return iso(dayMs(start) + DAY_MS);
  if (unit === 'week') return iso(dayMs(start) + 7 * DAY_MS);
  const d = new Date(dayMs(start));
  return iso(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
}

export function bucketCounts(counts: ReadonlyArray<{ day: string; type: string; count: number }>): { unit: BucketUnit; buckets: Bucket[] } {
  if (counts.length === 0) return { unit: 'day', buckets: [] };
  const days = counts.map((c) => c.day).sort();
  const first = days[0]!;
  const last = days.at(-1)!;
  const unit = unitFor(Math.round((dayMs(last) - dayMs(first)) / DAY_MS) + 1);
  const buckets = new Map<string, Bucket>();
  for (let s = bucketStart(first, unit); s <= last; s = next(s, unit)) buckets.set(s, { start: s, byType: {} });
  for (const c of counts) {
    const b = buckets.get(bucketStart(c.day, unit))!;
    b.byType[c.type] = (b.byType[c.type] ?? 0) + c.count;
  }
  return { unit, buckets: [...buckets.values()] };
}
