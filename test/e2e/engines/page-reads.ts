/**
 * The reads a shared scenario makes inside a page, written once for both drivers: Playwright's
 * and puppeteer's `page.evaluate(fn, arg)` take the same function and argument.
 */
import type { Tab } from './types.ts';

type Evaluate = (fn: never, arg: unknown) => Promise<unknown>;

export function pageReads(evaluate: Evaluate): Pick<Tab, 'heading' | 'text' | 'buttons' | 'run'> {
  const run = <A, R>(fn: (arg: A) => R | Promise<R>, arg: A) => evaluate(fn as never, arg) as Promise<R>;
  return {
    heading: () => run(() => document.querySelector('h1')?.textContent?.trim() ?? '', null),
    text: () => run(() => document.body?.innerText ?? '', null),
    buttons: () => run(() => [...document.querySelectorAll('button')].map((b) => ({ name: (b.getAttribute('aria-label') ?? b.textContent ?? '').trim(), enabled: !b.disabled })), null),
    run,
  };
}
