/**
 * The setup of a shared scenario: the loopback HTTPS server standing in for every host,
 * the engine's real managed policy, and the browser with the extension, once that
 * policy is in force. Call inside a test.describe.
 */
import { expect, test } from '@playwright/test';
import { exportedEvents } from '../extension.ts';
import { startServer, type TestServer } from '../https-server.ts';
import { requireOrSkip } from '../require.ts';
import type { Engine, GuardedBrowser, LaunchExtras, PolicyStatus, Tab } from './types.ts';

export interface EngineSession {
  server: TestServer;
  browser: GuardedBrowser;
  /** The extension's options page. */
  admin: Tab;
}

export function useEngineSession(engine: Engine, policy: { policyVersion: string } & Record<string, unknown>, extras: LaunchExtras = {}): EngineSession {
  const why = engine.unavailable();
  requireOrSkip(why === null, why ?? '');
  const session = {} as EngineSession;
  test.beforeEach(async () => {
    session.server = await startServer();
    engine.writePolicy(policy, extras);
    session.browser = await engine.launch(session.server, extras);
    session.admin = await session.browser.admin();
    await expect
      .poll(async () => {
        const s = await status(session.admin).catch(() => null);
        return s && `${s.source} ${s.policyVersion}`;
      }, { timeout: 20_000, intervals: [250] })
      .toBe(`managed ${policy.policyVersion}`);
  });
  test.afterEach(async () => {
    await session.browser?.close();
    engine.removePolicy();
    await session.server?.close();
  });
  return session;
}

export async function status(admin: Tab): Promise<PolicyStatus> {
  const r = await admin.run(() => chrome.runtime.sendMessage({ kind: 'status' }), null);
  return (r as { status: PolicyStatus }).status;
}

/** The options page's export, as the administrator downloads it. */
export async function exportLog(admin: Tab, format: 'ndjson' | 'csv' = 'ndjson'): Promise<string> {
  const r = (await admin.run((f) => chrome.runtime.sendMessage({ kind: 'log.export', format: f }), format)) as { text?: string; error?: string };
  if (r.text === undefined) throw new Error(r.error ?? 'no export');
  return r.text;
}

/** Events in the log, oldest first (the export's signature line left out). */
export async function events(admin: Tab): Promise<Array<Record<string, unknown>>> {
  return exportedEvents(await exportLog(admin));
}
