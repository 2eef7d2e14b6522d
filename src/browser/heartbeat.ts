/**
 * The daily `install.heartbeat` (src/core/heartbeat.ts, docs/fleet.md "Coverage"). An
 * `alarms` alarm checks every hour whether today's is written, and so does every start of
 * the worker (engine.ts, as the policy loads): alarms outlive a stopped worker and a
 * browser restart, timers do not. The
 * day of the last one is kept in storage.local, written after the event, so a worker
 * stopped in between writes at worst a second one that day, never none.
 */
import { browserLabel, HEARTBEAT_CHECK_MINUTES, heartbeatDue, utcDay, type Brand } from '../core/heartbeat.ts';
import type { EventRecord } from '../core/events/types.ts';
import type { EngineState } from './engine.ts';
import { record } from './recorder.ts';
import { heartbeatDay } from './storage-items.ts';

export const HEARTBEAT_ALARM = 'heartbeat';

interface UserAgentData {
  brands?: Brand[];
  getHighEntropyValues?(hints: string[]): Promise<{ fullVersionList?: Brand[] }>;
}

/** This browser's name and full version. */
async function currentBrowser(): Promise<string> {
  const rt = browser.runtime as unknown as { getBrowserInfo?: () => Promise<{ name: string; version: string }> };
  if (typeof rt.getBrowserInfo === 'function') {
    try {
      return browserLabel({ info: await rt.getBrowserInfo() });
    } catch {
      /* fall through */
    }
  }
  const nav = globalThis.navigator as (Navigator & { userAgentData?: UserAgentData }) | undefined;
  const uad = nav?.userAgentData;
  let brands: Brand[] | undefined;
  try {
    brands = (await uad?.getHighEntropyValues?.(['fullVersionList']))?.fullVersionList ?? uad?.brands;
  } catch {
    brands = uad?.brands;
  }
  return browserLabel({ ...(brands ? { brands } : {}), ...(nav?.userAgent ? { userAgent: nav.userAgent } : {}) });
}

let running: Promise<EventRecord | null> = Promise.resolve(null);

/**
 * Write today's heartbeat unless it is written; calls are serialised. The engine calls it
 * as it loads (every worker start, before any page gets an answer, so the log's order
 * does not depend on timing), the alarm with the state in force.
 */
export function heartbeatIfDue(state: EngineState, now: () => Date = () => new Date()): Promise<EventRecord | null> {
  running = running.catch(() => null).then(async () => {
    const at = now();
    const last = (await heartbeatDay.getValue()) ?? undefined;
    if (!heartbeatDue(last, at)) return null;
    const event = await record({ type: 'install.heartbeat', browser: await currentBrowser() }, state, at);
    await heartbeatDay.setValue(utcDay(at));
    return event;
  });
  return running;
}

/** The hourly check, created once (an existing alarm keeps its schedule). */
export async function ensureHeartbeatAlarm(): Promise<void> {
  if (!(await browser.alarms.get(HEARTBEAT_ALARM))) {
    await browser.alarms.create(HEARTBEAT_ALARM, { periodInMinutes: HEARTBEAT_CHECK_MINUTES, delayInMinutes: HEARTBEAT_CHECK_MINUTES });
  }
}
