/**
 * What a shared browser scenario needs from a browser, so one scenario runs unchanged in
 * Chromium (Playwright) and Firefox ESR (puppeteer-core over WebDriver BiDi). Keep it
 * small: a scenario acts as a user would (open, read, type, press) and asks the
 * extension's own options page for its status and log.
 */
import type { PolicyStatus } from '../../../src/browser/protocol.ts';

export interface Tab {
  /** Open `url` in this tab as a user would (typed or followed link) and wait for it to settle. */
  open(url: string): Promise<void>;
  /** The address the tab shows (an extension page included). */
  url(): Promise<string>;
  /** The text of the first heading, '' while there is none. */
  heading(): Promise<string>;
  /** All visible text of the page. */
  text(): Promise<string>;
  /** Type into the text field whose accessible name is `label`. */
  fill(label: string, value: string): Promise<void>;
  /** Press the button whose accessible name is `name`. */
  press(name: string): Promise<void>;
  /** Type text, then press keys (e.g. 'Tab', 'Enter'), on the keyboard into whatever has focus, as a person would. */
  keyboard(text: string, ...keys: string[]): Promise<void>;
  /** Buttons on the page by accessible name, with whether each can be pressed. */
  buttons(): Promise<Array<{ name: string; enabled: boolean }>>;
  /** Run a function in the page (on an extension page: with the extension's APIs). */
  run<A, R>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R>;
}

export interface GuardedBrowser {
  engine: 'chromium' | 'firefox';
  newTab(): Promise<Tab>;
  /** The guard page's address as a site could learn it at best (Chromium: the per-session dynamic id). */
  guardPage(): Promise<string>;
  /** The extension's options page, where status and the log are read. */
  admin(): Promise<Tab>;
  close(): Promise<void>;
}

/** What every engine can launch: the built extension under a real managed policy. */
export interface Engine {
  name: 'chromium' | 'firefox';
  /** Why this engine cannot run here, or null. */
  unavailable(): string | null;
  /** Write the machine's managed policy the way `telehealth-guard deploy` does for this browser. */
  writePolicy(policy: object, extras?: LaunchExtras): void;
  removePolicy(): void;
  /** Start the browser with the extension; every host name reaches the test server. */
  launch(server: { port: number; proxyPort: number }, options?: LaunchExtras): Promise<GuardedBrowser>;
}

/** What a scenario may add to a launch (a fake camera, say). */
export interface LaunchExtras {
  chromiumArgs?: string[];
  firefoxPrefs?: Record<string, unknown>;
  /** Firefox's own policies beside the add-on's in policies.json (e.g. Permissions standing in for a person's saved Allow). */
  firefoxPolicies?: Record<string, unknown>;
}

export type { PolicyStatus };
