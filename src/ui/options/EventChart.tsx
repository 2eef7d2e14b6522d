import type { DailyCount } from '../../browser/events/store.ts';
import type { EventType } from '../../core/events/types.ts';

/**
 * Events per day by type, as a stacked bar chart in plain SVG: a few dozen lines, no
 * dependency, nothing remote. The same numbers are available as a table for screen
 * readers and for copying.
 */
export const TYPE_COLOURS: Record<EventType, string> = {
  'navigation.blocked': '#a4161a',
  'navigation.warned': '#b45309',
  'navigation.proceeded': '#7c3aed',
  'navigation.redirected': '#1d6b38',
  'link.checked': '#1f5fbf',
  'schedule.checked': '#0e7490',
  'policy.applied': '#4a535e',
  'policy.invalid': '#be185d',
  'log.exported': '#6b7280',
  'log.pruned': '#9ca3af',
  'incident.reported': '#c2410c',
  'log.key': '#374151',
};

export function EventChart({ counts, maxDays = 60 }: { counts: DailyCount[]; maxDays?: number }) {
  const days = [...new Set(counts.map((c) => c.day))].sort().slice(-maxDays);
  const types = (Object.keys(TYPE_COLOURS) as EventType[]).filter((t) => counts.some((c) => c.type === t));
  const byDay = new Map(days.map((d) => [d, new Map<EventType, number>()]));
  for (const c of counts) byDay.get(c.day)?.set(c.type, (byDay.get(c.day)!.get(c.type) ?? 0) + c.count);
  const totals = days.map((d) => [...byDay.get(d)!.values()].reduce((a, b) => a + b, 0));
  const max = Math.max(1, ...totals);
  const width = 720;
  const height = 200;
  const left = 40;
  const barW = days.length ? Math.max(2, Math.min(24, (width - left) / days.length - 2)) : 0;
  const summary = days.length
    ? `${totals.reduce((a, b) => a + b, 0)} events over ${days.length} day${days.length === 1 ? '' : 's'}, from ${days[0]} to ${days.at(-1)}; busiest day ${days[totals.indexOf(max)]} with ${max}.`
    : 'No events in this range.';

  return (
    <figure class="chart">
      <figcaption>Events per day by type</figcaption>
      <svg viewBox={`0 0 ${width} ${height + 24}`} role="img" aria-label={summary} data-testid="event-chart">
        <line x1={left} y1={height} x2={width} y2={height} stroke="#6b7480" />
        <text x={left - 6} y={12} text-anchor="end" font-size="11">{max}</text>
        <text x={left - 6} y={height} text-anchor="end" font-size="11">0</text>
        {days.map((day, i) => {
          let y = height;
          const x = left + 2 + i * (barW + 2);
          return (
            <g key={day}>
              {types.map((t) => {
                const n = byDay.get(day)!.get(t) ?? 0;
                if (n === 0) return null;
                const h = (n / max) * (height - 10);
                y -= h;
                return (
                  <rect x={x} y={y} width={barW} height={h} fill={TYPE_COLOURS[t]}>
                    <title>{`${day}: ${n} ${t}`}</title>
                  </rect>
                );
              })}
            </g>
          );
        })}
        {days.length > 0 && (
          <>
            <text x={left} y={height + 16} font-size="11">{days[0]}</text>
            {days.length > 1 && <text x={width} y={height + 16} font-size="11" text-anchor="end">{days.at(-1)}</text>}
          </>
        )}
      </svg>
      <ul class="legend" aria-label="Event types">
        {types.map((t) => (
          <li>
            <span class="swatch" style={{ background: TYPE_COLOURS[t] }} aria-hidden="true" /> {t}
          </li>
        ))}
      </ul>
      <details>
        <summary>Show the numbers</summary>
        <table class="numbers">
          <caption>Events per day by type</caption>
          <thead>
            <tr>
              <th scope="col">Day</th>
              {types.map((t) => <th scope="col">{t}</th>)}
            </tr>
          </thead>
          <tbody>
            {days.map((d) => (
              <tr>
                <th scope="row">{d}</th>
                {types.map((t) => <td>{byDay.get(d)!.get(t) ?? 0}</td>)}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
