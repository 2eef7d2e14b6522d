/**
 * The setup most browser tests share: a loopback HTTPS server standing in for every
 * host, a real managed policy, and Chromium with the extension, waiting until that
 * policy is in force. Call inside a test.describe; the returned object is filled in
 * before each test and torn down after it.
 */
import { test, type Page } from '@playwright/test';
import { launchWithExtension } from './browser.ts';
import { extensionPage, waitForPolicy } from './extension.ts';
import { startServer, type TestServer } from './https-server.ts';
import { canWriteManagedPolicy, POLICY_DIR, removeManagedPolicy, writeManagedPolicy } from './managed-policy.ts';
import { requireOrSkip } from './require.ts';

export interface ManagedSession {
  server: TestServer;
  browser: Awaited<ReturnType<typeof launchWithExtension>>;
  /** The options page, for status, events and exports. */
  admin: Page;
}

export function useManagedSession(policy: { policyVersion: string } & Record<string, unknown>, setup?: (server: TestServer) => void): ManagedSession {
  requireOrSkip(canWriteManagedPolicy(), `needs write access to the managed policy folder ${POLICY_DIR} (root, as in CI)`);
  const session = {} as ManagedSession;
  test.beforeEach(async () => {
    session.server = await startServer();
    setup?.(session.server);
    writeManagedPolicy(policy);
    session.browser = await launchWithExtension({ args: session.server.resolverArgs() });
    session.admin = await extensionPage(session.browser.context, session.browser.extensionId);
    await waitForPolicy(session.admin, (s) => s.source === 'managed' && s.policyVersion === policy.policyVersion);
  });
  test.afterEach(async () => {
    await session.browser?.close();
    removeManagedPolicy();
    await session.server?.close();
  });
  return session;
}
