import type { DailyCount } from '../../browser/events/store.ts';
import type { EventType } from '../../core/events/types.ts';
import { typeName } from '../../core/i18n/names.ts';
import { bucketCounts } from '../../core/events/buckets.ts';
import { tn } from '../../core/i18n/format.ts';
import { t, uiLanguage } from '../i18n.ts';

/**
 * Events over time by type, in plain SVG: no dependency, nothing remote. The bucket
 * follows the span (days up to two months, then weeks, then months: core/events/buckets.ts),
 * so one day and one year both read; with one or two buckets the chart is a bar per type
 * instead of one thin column. The numbers are a table for screen readers and copying.
 */
export const TYPE_COLOURS: Record<EventType, string> = {
  'navigation.blocked': '#c0262d',
  'navigation.warned': '#d97706',
  'navigation.proceeded': '#7c3aed',
  'navigation.redirected': '#1d8a4a',
  'link.checked': '#2f6fd6',
  'schedule.checked': '#0e7490',
  'policy.applied': '#6b7480',
  'policy.invalid': '#be185d',
  'log.exported': '#8b95a1',
  'log.pruned': '#a3acb6',
  'incident.reported': '#ea580c',
  'log.key': '#4b5563',
  'media.used': '#0f766e',
  'media.warned': '#b45309',
  'media.proceeded': '#6d28d9',
  'media.blocked': '#991b1b',
  'data.warned': '#a16207',
  'data.proceeded': '#5b21b6',
  'data.blocked': '#7f1d1d',
  'training.drill': '#0369a1',
  'training.lesson': '#0891b2',
  'install.heartbeat': '#9ca3af',
  'guard.gap': '#9d174d',
};

export function EventChart({ counts }: { counts: DailyCount[] }) {
  const lang = uiLanguage();
  const { unit, buckets } = bucketCounts(counts);
  const types = (Object.keys(TYPE_COLOURS) as EventType[]).filter((tp) => counts.some((c) => c.type === tp));
  const fmt = new Intl.DateTimeFormat(lang, unit === 'month' ? { month: 'short', year: 'numeric', timeZone: 'UTC' } : { day: 'numeric', month: 'short', timeZone: 'UTC' });
  const label = (start: string) => (unit === 'week' ? t('chart_week_of', { date: fmt.format(new Date(start)) }) : fmt.format(new Date(start)));
  const totals = buckets.map((b) => types.reduce((a, tp) => a + (b.byType[tp] ?? 0), 0));
  const sum = totals.reduce((a, b) => a + b, 0);
  const max = Math.max(1, ...totals);
  const summary = buckets.length
    ? tn(t, 'chart_summary', sum, { count: sum, first: label(buckets[0]!.start), last: label(buckets.at(-1)!.start), busiest: label(buckets[totals.indexOf(max)]!.start), max })
    : t('chart_empty');
  const caption = t(unit === 'day' ? 'chart_caption_day' : unit === 'week' ? 'chart_caption_week' : 'chart_caption_month');

  return (
    <figure class="chart">
      <figcaption>{buckets.length <= 2 ? t('chart_caption_types') : caption}</figcaption>
      {buckets.length === 0 ? (
        <p class="hint">{summary}</p>
      ) : buckets.length <= 2 ? (
        <ByType counts={counts} types={types} summary={summary} />
      ) : (
        <Columns buckets={buckets} types={types} totals={totals} max={max} label={label} summary={summary} />
      )}
      {buckets.length > 2 && (
        <ul class="legend" aria-label={t('chart_legend')}>
          {types.map((tp) => (
            <li title={tp}>
              <span class="swatch" style={{ background: TYPE_COLOURS[tp] }} aria-hidden="true" /> {typeName(tp, t)}
            </li>
          ))}
        </ul>
      )}
      {buckets.length > 0 && (
        <details>
          <summary>{t('chart_numbers')}</summary>
          <table class="numbers">
            <caption>{caption}</caption>
            <thead>
              <tr>
                <th scope="col">{t('chart_period')}</th>
                {types.map((tp) => (
                  <th scope="col" title={tp}>{typeName(tp, t)}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {buckets.map((b) => (
                <tr>
                  <th scope="row">{label(b.start)}</th>
                  {types.map((tp) => (
                    <td>{b.byType[tp] ?? 0}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
    </figure>
  );
}

/** One or two days: a horizontal bar per type, with its number. */
function ByType({ counts, types, summary }: { counts: DailyCount[]; types: EventType[]; summary: string }) {
  const byType = types.map((tp) => ({ tp, n: counts.filter((c) => c.type === tp).reduce((a, c) => a + c.count, 0) })).sort((a, b) => b.n - a.n);
  const max = Math.max(1, ...byType.map((x) => x.n));
  return (
    <div class="bytype" role="img" aria-label={summary} data-testid="event-chart">
      {byType.map(({ tp, n }) => (
        <div class="bytype-row" title={tp}>
          <span class="bytype-name">{typeName(tp, t)}</span>
          <span class="bytype-bar">
            <span style={{ width: `${(n / max) * 100}%`, background: TYPE_COLOURS[tp] }} />
          </span>
          <span class="bytype-n">{n}</span>
        </div>
      ))}
    </div>
  );
}

function Columns(props: { buckets: ReturnType<typeof bucketCounts>['buckets']; types: EventType[]; totals: number[]; max: number; label: (s: string) => string; summary: string }) {
  const { buckets, types, max, label, summary } = props;
  const height = 180;
  const left = 44;
  const gap = buckets.length > 60 ? 1 : 3;
  const barW = Math.max(3, Math.min(36, Math.floor((680 - left) / buckets.length) - gap));
  const width = left + buckets.length * (barW + gap) + 8;
  const ticks = [0, Math.round(max / 2), max].filter((v, i, a) => a.indexOf(v) === i);
  const labelled = new Set([0, Math.floor((buckets.length - 1) / 2), buckets.length - 1]);
  return (
    <svg viewBox={`0 0 ${width} ${height + 28}`} style={{ maxWidth: `${width}px` }} role="img" aria-label={summary} data-testid="event-chart">
      {ticks.map((v) => {
        const y = height - (v / max) * (height - 10);
        return (
          <g>
            <line x1={left} y1={y} x2={width} y2={y} stroke="currentColor" stroke-opacity={v === 0 ? 0.6 : 0.15} />
            <text x={left - 6} y={y + 4} text-anchor="end" font-size="11" fill="currentColor">
              {v}
            </text>
          </g>
        );
      })}
      {buckets.map((b, i) => {
        let y = height;
        const x = left + 4 + i * (barW + gap);
        return (
          <g key={b.start}>
            {types.map((tp) => {
              const n = b.byType[tp] ?? 0;
              if (n === 0) return null;
              const h = (n / max) * (height - 10);
              y -= h;
              return (
                <rect x={x} y={y} width={barW} height={h} fill={TYPE_COLOURS[tp]}>
                  <title>{`${label(b.start)}: ${n} × ${typeName(tp, t)}`}</title>
                </rect>
              );
            })}
            {labelled.has(i) && (
              <text x={x + barW / 2} y={height + 18} font-size="11" fill="currentColor" text-anchor={i === 0 ? 'start' : i === buckets.length - 1 ? 'end' : 'middle'}>
                {label(b.start)}
              </text>
            )}
          </g>
        );
      })}
    </svg>
  );
}
