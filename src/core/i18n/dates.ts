/**
 * Dates as the reader writes them: the log viewer's From and To fields take and show a day in
 * the browser's locale ("31.12.2026" in German, "31/12/2026" in British English, "12/31/2026"
 * in American English). Chromium's own date field followed the build's locale, not the
 * browser's language, and showed mm/dd/yyyy to a German reader.
 *
 * Pure: a day is "YYYY-MM-DD" (the filter's form); the locale's order and separator come from
 * Intl, so no table of formats is kept here.
 */

export type DatePart = 'day' | 'month' | 'year';

const formats = new Map<string, Intl.DateTimeFormat>();
function numeric(locale: string): Intl.DateTimeFormat {
  let f = formats.get(locale);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat(locale, { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: 'UTC' });
    } catch {
      f = new Intl.DateTimeFormat('en', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: 'UTC' });
    }
    formats.set(locale, f);
  }
  return f;
}

/** The order of day, month and year in the locale's numeric dates. */
export function dateOrder(locale: string): DatePart[] {
  return numeric(locale)
    .formatToParts(new Date(Date.UTC(2026, 11, 31)))
    .filter((p): p is Intl.DateTimeFormatPart & { type: DatePart } => p.type === 'day' || p.type === 'month' || p.type === 'year')
    .map((p) => p.type);
}

/** "YYYY-MM-DD" as the locale writes it ("31.12.2026"); '' for ''. */
export function formatDay(day: string, locale: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (m === null) return day;
  return numeric(locale).format(new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))));
}

/**
 * A day typed in the locale's order, with any of . / - or spaces between the numbers (and the
 * ISO form "2026-12-31" always), as "YYYY-MM-DD"; null when it is not a real date.
 */
export function parseDay(text: string, locale: string): string | null {
  const t = text.trim();
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(t);
  const numbers = iso ? [iso[1]!, iso[2]!, iso[3]!] : t.split(/[./\-\s]+/).filter(Boolean);
  if (numbers.length !== 3 || !numbers.every((n) => /^\d{1,4}$/.test(n))) return null;
  const order: DatePart[] = iso ? ['year', 'month', 'day'] : dateOrder(locale);
  const at = (part: DatePart) => numbers[order.indexOf(part)]!;
  if (at('year').length !== 4) return null;
  const [y, mo, d] = [Number(at('year')), Number(at('month')), Number(at('day'))];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  return `${String(y).padStart(4, '0')}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}
