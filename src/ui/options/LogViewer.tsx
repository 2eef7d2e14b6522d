import { useEffect, useId, useMemo, useState } from 'preact/hooks';
import { exportFileName, openEventStore, watchLog, type DailyCount, type EventFilter, type EventStore, type ExportFormat, type Facets } from '../../browser/events/store.ts';
import { ask } from '../../browser/protocol.ts';
import type { EventRecord, EventType } from '../../core/events/types.ts';
import { findingText, incidentKey, serviceName, typeName } from '../../core/i18n/names.ts';
import { tn } from '../../core/i18n/format.ts';
import { formatDay, parseDay } from '../../core/i18n/dates.ts';
import { t, uiLanguage } from '../i18n.ts';
import { EventChart } from './EventChart.tsx';

const PAGE_SIZE = 50;
const ACTION_KEYS = { allow: 'action_allow', warn: 'action_warn', block: 'action_block' } as const;
const SOURCE_SHORT = { managed: 'source_short_managed', local: 'source_short_local', default: 'source_short_default' } as const;

/**
 * The administrator's log viewer. It reads the store directly (the options page shares
 * the extension's IndexedDB) and never writes to it: exports are recorded by the
 * background, the log's one writer. Pages come by cursor, the chart from a per-day
 * aggregate, so 100,000 events cost no more than 100. It refreshes while open: the store
 * announces each commit (watchLog).
 */
export function LogViewer() {
  const [store, setStore] = useState<EventStore | null>(null);
  const [type, setType] = useState<EventType | ''>('');
  const [service, setService] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [search, setSearch] = useState('');
  const [text, setText] = useState('');
  const [events, setEvents] = useState<EventRecord[]>([]);
  const [hasOlder, setHasOlder] = useState(false);
  const [pageIndex, setPageIndex] = useState(0);
  const [cursors, setCursors] = useState<Array<number | undefined>>([undefined]);
  const [total, setTotal] = useState<number | null>(null);
  const [daily, setDaily] = useState<DailyCount[]>([]);
  const [facets, setFacets] = useState<Facets>({ types: [], services: [] });
  const [version, setVersion] = useState(0);
  const [onlyFiltered, setOnlyFiltered] = useState(false);
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  // Typing in the search box filters once the typing pauses.
  useEffect(() => {
    const timer = setTimeout(() => setText(search.trim()), 250);
    return () => clearTimeout(timer);
  }, [search]);

  const filter = useMemo<EventFilter>(
    () => ({
      ...(type ? { types: [type] } : {}),
      ...(service ? { services: [service] } : {}),
      ...(from ? { from: `${from}T00:00:00.000Z` } : {}),
      // The store's `to` is exclusive: the day after the chosen last day.
      ...(to ? { to: new Date(Date.parse(`${to}T00:00:00.000Z`) + 86_400_000).toISOString() } : {}),
      ...(text ? { text } : {}),
    }),
    [type, service, from, to, text],
  );
  const filtered = Object.keys(filter).length > 0;

  useEffect(() => {
    openEventStore().then(setStore, (e: Error) => setError(t('log_open_failed', { reason: e.message })));
    // An event recorded while the page is open shows up without a reload.
    return watchLog(() => setVersion((v) => v + 1));
  }, []);

  // A new filter starts from the newest page.
  useEffect(() => {
    setCursors([undefined]);
    setPageIndex(0);
  }, [filter]);

  // Each query's answer is used only while its filter, page and version are still the ones on
  // screen: a slower answer to an earlier query (a live update racing a filter change) would
  // otherwise overwrite a newer one ("Events 1–8 of 2 matching the filters", seen in CI).
  useEffect(() => {
    if (!store) return;
    let current = true;
    const beforeSeq = cursors[pageIndex];
    store
      .page(filter, { limit: PAGE_SIZE, ...(beforeSeq !== undefined ? { beforeSeq } : {}) })
      .then((p) => {
        if (!current) return;
        setEvents(p.events);
        setHasOlder(p.hasMore);
        // For npm run bench: the viewer's first page on screen.
        if (performance.getEntriesByName('log-viewer-rendered').length === 0) requestAnimationFrame(() => performance.mark('log-viewer-rendered'));
      })
      .catch((e: Error) => {
        if (current) setError(e.message);
      });
    return () => {
      current = false;
    };
  }, [store, filter, pageIndex, cursors, version]);

  useEffect(() => {
    if (!store) return;
    let current = true;
    const only = <T,>(set: (v: T) => void) => (v: T) => {
      if (current) set(v);
    };
    store.count(filter).then(only(setTotal), () => only(setTotal)(null));
    store.dailyCounts(filter).then(only(setDaily), () => only(setDaily)([]));
    return () => {
      current = false;
    };
  }, [store, filter, version]);

  useEffect(() => {
    if (store) store.facets().then(setFacets, () => undefined);
  }, [store, version]);

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
      setStatus(tn(t, 'log_exported', count, { count, file: name }));
    } catch (e) {
      setError(t('log_export_failed', { reason: (e as Error).message }));
    }
  };

  // Only what occurs in the log (and the current choice, even if it no longer does).
  const typeOptions = useMemo(() => [...new Set([...facets.types, ...(type ? [type] : [])])].sort((a, b) => typeName(a, t).localeCompare(typeName(b, t))), [facets, type]);
  const serviceOptions = useMemo(() => [...new Set([...facets.services, ...(service ? [service] : [])])].sort((a, b) => serviceName(a).localeCompare(serviceName(b))), [facets, service]);
  const first = pageIndex * PAGE_SIZE + 1;
  const time = useMemo(() => new Intl.DateTimeFormat(uiLanguage(), { dateStyle: 'medium', timeStyle: 'short' }), []);

  return (
    <section aria-labelledby="log-heading" class="panel log">
      <h2 id="log-heading">{t('log_heading')}</h2>
      {error && <p role="alert">{error}</p>}
      <form class="filters" onSubmit={(e) => e.preventDefault()} aria-label={t('log_filters')}>
        <div class="field search">
          <label for="filter-text">{t('log_search')}</label>
          <input id="filter-text" type="search" value={search} placeholder={t('log_search_placeholder')} onInput={(e) => setSearch((e.target as HTMLInputElement).value)} />
        </div>
        <div class="field">
          <label for="filter-type">{t('log_type')}</label>
          <select id="filter-type" value={type} onChange={(e) => setType((e.target as HTMLSelectElement).value as EventType | '')}>
            <option value="">{t('log_all_types')}</option>
            {typeOptions.map((v) => (
              <option value={v}>{typeName(v, t)}</option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="filter-service">{t('log_service')}</label>
          <select id="filter-service" value={service} onChange={(e) => setService((e.target as HTMLSelectElement).value)}>
            <option value="">{t('log_all_services')}</option>
            {serviceOptions.map((s) => (
              <option value={s}>{serviceName(s)}</option>
            ))}
          </select>
        </div>
        <DateField id="filter-from" label={t('log_from')} onDay={setFrom} />
        <DateField id="filter-to" label={t('log_to')} onDay={setTo} />
      </form>

      <EventChart counts={daily} />

      <div class="exports">
        <button type="button" onClick={() => void download('ndjson')}>
          {t('log_export', { format: 'NDJSON' })}
        </button>
        <button type="button" onClick={() => void download('csv')}>
          {t('log_export', { format: 'CSV' })}
        </button>
        <label class="inline">
          <input type="checkbox" checked={onlyFiltered} disabled={!filtered} onChange={(e) => setOnlyFiltered((e.target as HTMLInputElement).checked)} /> {t('log_only_filtered')}
        </label>
      </div>
      {status && <p role="status">{status}</p>}

      <p class="count" data-testid="event-count" aria-live="polite">
        {total === null
          ? ''
          : total === 0
            ? t('log_no_events')
            : t(filtered ? 'log_count_filtered' : 'log_count', { first, last: first + events.length - 1, total })}
      </p>
      <div class="table-wrap">
        <table class="events">
          <caption class="visually-hidden">{t('log_caption')}</caption>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">{t('log_col_time')}</th>
              <th scope="col">{t('log_col_type')}</th>
              <th scope="col">{t('log_col_site')}</th>
              <th scope="col">{t('log_col_service')}</th>
              <th scope="col">{t('log_col_action')}</th>
              <th scope="col">{t('log_col_details')}</th>
              <th scope="col">{t('log_col_policy')}</th>
            </tr>
          </thead>
          <tbody>
            {events.map((e) => (
              <tr key={e.seq}>
                <td>{e.seq}</td>
                <td>
                  <time dateTime={e.ts} title={`${e.ts.slice(0, 19).replace('T', ' ')} UTC`}>
                    {time.format(new Date(e.ts))}
                  </time>
                </td>
                <td title={e.type}>{typeName(e.type, t)}</td>
                <td>{e.url ?? e.host ?? ''}</td>
                <td title={e.service ?? ''}>{serviceName(e.service)}</td>
                <td>{e.action ? t(ACTION_KEYS[e.action]) : ''}</td>
                <td>
                  <Details event={e} />
                </td>
                <td>
                  {e.policyVersion || "—"} ({t(SOURCE_SHORT[e.policySource])})
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <nav class="pager" aria-label={t('log_pages')}>
        <button type="button" disabled={pageIndex === 0} onClick={() => setPageIndex((i) => i - 1)}>
          {t('log_newer')}
        </button>
        <button type="button" disabled={!hasOlder} onClick={older}>
          {t('log_older')}
        </button>
      </nav>
    </section>
  );
}

/** Reason, findings (plain names, codes on hover) or the incident reported. */
function Details({ event: e }: { event: EventRecord }) {
  if (e.reason) return <>{e.reason}</>;
  if (e.incident) return <>{t(incidentKey(e.incident))}{e.note ? `: ${e.note}` : ''}</>;
  if (e.findings?.length) {
    return (
      <ul class="cell-list">
        {e.findings.map((f) => (
          <li title={f}>{findingText(f, t)}</li>
        ))}
      </ul>
    );
  }
  return null;
}

/** The browser's locale for dates (de-AT, en-GB…), which may be finer than the texts' language. */
const dateLocale = (): string => (typeof navigator !== 'undefined' && navigator.language) || uiLanguage();

/**
 * A day typed as the reader writes dates (src/core/i18n/dates.ts), with an example in that
 * form; `onDay` gets "YYYY-MM-DD", or '' when the field is empty. A text that is not a date
 * keeps the last filter and says how to write one.
 */
function DateField({ id, label, onDay }: { id: string; label: string; onDay: (day: string) => void }) {
  const [text, setText] = useState('');
  const [invalid, setInvalid] = useState(false);
  const hintId = `${id}-hint-${useId()}`;
  const example = formatDay('2026-12-31', dateLocale());
  const read = (value: string) => {
    setText(value);
    if (value.trim() === '') {
      setInvalid(false);
      onDay('');
      return;
    }
    const day = parseDay(value, dateLocale());
    setInvalid(day === null);
    if (day !== null) onDay(day);
  };
  return (
    <div class="field date">
      <label for={id}>{label}</label>
      <input
        id={id}
        type="text"
        inputMode="numeric"
        autoComplete="off"
        placeholder={example}
        value={text}
        aria-describedby={hintId}
        aria-invalid={invalid ? 'true' : undefined}
        // Kept in state as typed, so a re-render (the log refreshing) never puts back an older text.
        onInput={(e) => setText((e.target as HTMLInputElement).value)}
        onChange={(e) => read((e.target as HTMLInputElement).value)}
      />
      <span id={hintId} class={invalid ? 'hint invalid' : 'hint'} {...(invalid ? { role: 'alert' } : {})}>
        {invalid ? t('log_date_invalid', { date: example }) : t('log_date_example', { date: example })}
      </span>
    </div>
  );
}
