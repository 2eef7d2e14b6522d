import { useEffect, useMemo, useState } from 'preact/hooks';
import { exportFileName, openEventStore, type DailyCount, type EventFilter, type EventStore, type ExportFormat } from '../../browser/events/store.ts';
import { ask } from '../../browser/protocol.ts';
import { CATALOG } from '../../core/catalog.ts';
import { EVENT_TYPES, type EventRecord, type EventType } from '../../core/events/types.ts';
import { PLATFORMS } from '../../core/meetings/analyse.ts';
import { EventChart } from './EventChart.tsx';

const PAGE_SIZE = 50;

/**
 * The administrator's log viewer. It reads the store directly (the options page shares
 * the extension's IndexedDB) and never writes to it: exports are recorded by the
 * background, the log's one writer. Pages come by cursor, the chart from a per-day
 * aggregate, so 100,000 events cost no more than 100.
 */
export function LogViewer() {
  const [store, setStore] = useState<EventStore | null>(null);
  const [type, setType] = useState<EventType | ''>('');
  const [service, setService] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [events, setEvents] = useState<EventRecord[]>([]);
  const [hasOlder, setHasOlder] = useState(false);
  const [pageIndex, setPageIndex] = useState(0);
  const [cursors, setCursors] = useState<Array<number | undefined>>([undefined]);
  const [total, setTotal] = useState<number | null>(null);
  const [daily, setDaily] = useState<DailyCount[]>([]);
  const [onlyFiltered, setOnlyFiltered] = useState(false);
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const filter = useMemo<EventFilter>(
    () => ({
      ...(type ? { types: [type] } : {}),
      ...(service ? { services: [service] } : {}),
      ...(from ? { from: `${from}T00:00:00.000Z` } : {}),
      // The store's `to` is exclusive: the day after the chosen last day.
      ...(to ? { to: new Date(Date.parse(`${to}T00:00:00.000Z`) + 86_400_000).toISOString() } : {}),
    }),
    [type, service, from, to],
  );
  const filtered = Object.keys(filter).length > 0;

  useEffect(() => {
    openEventStore().then(setStore, (e: Error) => setError(`The event log could not be opened: ${e.message}`));
  }, []);

  // A new filter starts from the newest page.
  useEffect(() => {
    setCursors([undefined]);
    setPageIndex(0);
  }, [filter]);

  useEffect(() => {
    if (!store) return;
    const beforeSeq = cursors[pageIndex];
    store
      .page(filter, { limit: PAGE_SIZE, ...(beforeSeq !== undefined ? { beforeSeq } : {}) })
      .then((p) => {
        setEvents(p.events);
        setHasOlder(p.hasMore);
        // For npm run bench: the viewer's first page on screen.
        if (performance.getEntriesByName('log-viewer-rendered').length === 0) requestAnimationFrame(() => performance.mark('log-viewer-rendered'));
      })
      .catch((e: Error) => setError(e.message));
  }, [store, filter, pageIndex, cursors]);

  useEffect(() => {
    if (!store) return;
    store.count(filter).then(setTotal, () => setTotal(null));
    store.dailyCounts(filter).then(setDaily, () => setDaily([]));
  }, [store, filter]);

  const older = () => {
    const last = events.at(-1);
    if (!last) return;
    setCursors((c) => [...c.slice(0, pageIndex + 1), last.seq]);
    setPageIndex((i) => i + 1);
  };

  const download = async (format: ExportFormat) => {
    if (!store) return;
    setStatus(null);
    try {
      const scope = onlyFiltered && filtered ? filter : undefined;
      const count = await store.count(scope);
      const parts: string[] = [];
      for await (const chunk of store.export(format, scope)) parts.push(chunk);
      const name = exportFileName(format, await store.installId());
      const blob = new Blob(parts, { type: format === 'csv' ? 'text/csv;charset=utf-8' : 'application/x-ndjson' });
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = name;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      await ask({ kind: 'log.exported', format, count, filtered: scope !== undefined });
      setStatus(`Exported ${count} event${count === 1 ? '' : 's'} to ${name}.`);
    } catch (e) {
      setError(`Export failed: ${(e as Error).message}`);
    }
  };

  const services = useMemo(() => [...new Set([...CATALOG.services.map((s) => s.id), ...PLATFORMS])].sort(), []);
  const first = pageIndex * PAGE_SIZE + 1;

  return (
    <section aria-labelledby="log-heading" class="panel log">
      <h2 id="log-heading">Event log</h2>
      {error && <p role="alert">{error}</p>}
      <form class="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter events">
        <div class="field">
          <label for="filter-type">Type</label>
          <select id="filter-type" value={type} onChange={(e) => setType((e.target as HTMLSelectElement).value as EventType | '')}>
            <option value="">All types</option>
            {EVENT_TYPES.map((t) => <option value={t}>{t}</option>)}
          </select>
        </div>
        <div class="field">
          <label for="filter-service">Service</label>
          <select id="filter-service" value={service} onChange={(e) => setService((e.target as HTMLSelectElement).value)}>
            <option value="">All services</option>
            {services.map((s) => <option value={s}>{s}</option>)}
          </select>
        </div>
        <div class="field">
          <label for="filter-from">From</label>
          <input id="filter-from" type="date" value={from} onChange={(e) => setFrom((e.target as HTMLInputElement).value)} />
        </div>
        <div class="field">
          <label for="filter-to">To</label>
          <input id="filter-to" type="date" value={to} onChange={(e) => setTo((e.target as HTMLInputElement).value)} />
        </div>
      </form>

      <EventChart counts={daily} />

      <div class="exports">
        <button type="button" onClick={() => void download('ndjson')}>
          Export NDJSON
        </button>
        <button type="button" onClick={() => void download('csv')}>
          Export CSV
        </button>
        <label class="inline">
          <input type="checkbox" checked={onlyFiltered} disabled={!filtered} onChange={(e) => setOnlyFiltered((e.target as HTMLInputElement).checked)} /> Only the
          filtered events
        </label>
      </div>
      {status && <p role="status">{status}</p>}

      <p class="count" data-testid="event-count" aria-live="polite">
        {total === null ? '' : total === 0 ? 'No events.' : `Events ${first}–${first + events.length - 1} of ${total}${filtered ? ' matching the filters' : ''}, newest first.`}
      </p>
      <div class="table-wrap">
        <table class="events">
          <caption class="visually-hidden">Events, newest first</caption>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Time (UTC)</th>
              <th scope="col">Type</th>
              <th scope="col">Host</th>
              <th scope="col">Service</th>
              <th scope="col">Action</th>
              <th scope="col">Reason / findings</th>
              <th scope="col">Policy</th>
            </tr>
          </thead>
          <tbody>
            {events.map((e) => (
              <tr key={e.seq}>
                <td>{e.seq}</td>
                <td>{e.ts.slice(0, 19).replace('T', ' ')}</td>
                <td>{e.type}</td>
                <td>{e.url ?? e.host ?? ''}</td>
                <td>{e.service ?? ''}</td>
                <td>{e.action ?? ''}</td>
                <td>{e.reason ?? e.findings?.join(', ') ?? ''}</td>
                <td>
                  {e.policyVersion} ({e.policySource})
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <nav class="pager" aria-label="Pages of events">
        <button type="button" disabled={pageIndex === 0} onClick={() => setPageIndex((i) => i - 1)}>
          Newer
        </button>
        <button type="button" disabled={!hasOlder} onClick={older}>
          Older
        </button>
      </nav>
    </section>
  );
}
