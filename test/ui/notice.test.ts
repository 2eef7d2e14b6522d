// @vitest-environment happy-dom
/**
 * The in-page notice (src/ui/notice) in happy-dom: structure, names and roles, the reason
 * rule, focus in and back, untrusted events ignored, removal never granting, the shield.
 * happy-dom has no trusted events (its `isTrusted` is undefined, as a page's synthetic events
 * are false): a person's click is stood in for by an event marked trusted here. The same flows
 * with real key presses and clicks run in Chromium (test/e2e/media.spec.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { LANGUAGES, translator, type Language } from '../../src/core/i18n/format.ts';
import { installNoticeShield, NOTICE_TAG, REATTACH_LIMIT, showNotice, type NoticeOptions } from '../../src/ui/notice/index.ts';

const en = translator('en');
// A platform link opens a new tab in a browser; happy-dom would fetch it.
(window as unknown as { happyDOM: { settings: { navigation: Record<string, boolean> } } }).happyDOM.settings.navigation.disableChildPageNavigation = true;
const shown: Array<{ close(): void }> = [];
function show(o: NoticeOptions) {
  const n = showNotice(o);
  shown.push(n);
  return n;
}
const base: NoticeOptions = {
  title: 'Not an approved platform',
  body: ['example.net is not approved for patient video.', 'Use an approved platform.'],
  platforms: [
    { name: 'Example Zoom', url: 'https://examplehealth.zoom.us/' },
    { name: 'Bad', url: 'javascript:alert(1)' },
  ],
  proceed: { minLength: 3, allowance: 'Continuing allows this site for 60 minutes.', continueLabel: 'Continue with camera' },
  dismissLabel: "Don't use the camera",
  translate: en,
  shadowMode: 'open',
};

function trusted<E extends Event>(e: E): E {
  Object.defineProperty(e, 'isTrusted', { value: true });
  return e;
}
const hostOf = () => document.querySelector(NOTICE_TAG) as HTMLElement | null;
const inside = () => hostOf()!.shadowRoot!;
const byText = (text: string) => [...inside().querySelectorAll('button')].find((b) => b.textContent === text) as HTMLButtonElement;
const reasonBox = () => inside().querySelector('textarea') as HTMLTextAreaElement;
function type(text: string) {
  reasonBox().value = text;
  reasonBox().dispatchEvent(new Event('input', { bubbles: true, composed: true }));
}
const flush = () => new Promise((r) => setTimeout(r, 0));

afterEach(() => {
  for (const n of shown.splice(0)) n.close();
  document.body.innerHTML = '';
});

describe('in-page notice', () => {
  it('is a dialog named by its title and described by its body, with the platforms as links', () => {
    const n = show(base);
    const dialog = inside().querySelector('dialog')!;
    expect(dialog.open).toBe(true);
    const title = inside().getElementById(dialog.getAttribute('aria-labelledby')!)!;
    expect(title.textContent).toBe('Not an approved platform');
    const body = inside().getElementById(dialog.getAttribute('aria-describedby')!)!;
    expect([...body.querySelectorAll('p')].map((p) => p.textContent)).toEqual(base.body);
    const links = [...inside().querySelectorAll('a')];
    // Only https links: a javascript: URL from anywhere is never rendered.
    expect(links.map((a) => [a.textContent, a.getAttribute('href')])).toEqual([['Example Zoom', 'https://examplehealth.zoom.us/']]);
    expect(links[0]!.getAttribute('rel')).toContain('noopener');
    const label = inside().querySelector('label')!;
    expect(label.textContent).toBe('Reason');
    expect(label.getAttribute('for')).toBe(reasonBox().id);
    n.close();
  });

  it('is in a closed shadow root by default: the page gets no reference inside', () => {
    const n = show({ ...base, shadowMode: undefined });
    expect(hostOf()).not.toBeNull();
    expect(hostOf()!.shadowRoot).toBeNull();
    n.close();
  });

  it('needs a reason of the minimum length before Continue works, and gives the reason normalised', async () => {
    const n = show(base);
    const go = byText('Continue with camera');
    expect(go.disabled).toBe(true);
    type(' a\n');
    expect(go.disabled).toBe(true);
    expect(inside().querySelector('.counter')!.textContent).toBe('2 more characters needed.');
    go.dispatchEvent(trusted(new MouseEvent('click', { bubbles: true })));
    type('Patient  has\nno other device');
    expect(go.disabled).toBe(false);
    go.dispatchEvent(trusted(new MouseEvent('click', { bubbles: true })));
    expect(await n.result).toEqual({ outcome: 'continue', reason: 'Patient has no other device' });
    expect(hostOf()).toBeNull();
  });

  it('ignores a click the page made (untrusted), on Continue and on dismiss', async () => {
    const n = show(base);
    type('a good reason');
    byText('Continue with camera').click();
    byText('Continue with camera').dispatchEvent(new MouseEvent('click', { bubbles: true }));
    byText("Don't use the camera").click();
    inside().querySelector('a')!.click();
    inside().querySelector('dialog')!.dispatchEvent(new Event('cancel', { cancelable: true }));
    await flush();
    expect(n.open).toBe(true);
    byText("Don't use the camera").dispatchEvent(trusted(new MouseEvent('click', { bubbles: true })));
    expect(await n.result).toEqual({ outcome: 'dismiss' });
  });

  it('Escape (the dialog’s trusted cancel) dismisses', async () => {
    const n = show(base);
    inside().querySelector('dialog')!.dispatchEvent(trusted(new Event('cancel', { cancelable: true })));
    expect(await n.result).toEqual({ outcome: 'dismiss' });
  });

  it('a platform link ends the notice as a choice of that platform', async () => {
    const n = show(base);
    const a = inside().querySelector('a')!;
    a.dispatchEvent(trusted(new MouseEvent('click', { bubbles: true, cancelable: true })));
    expect(await n.result).toEqual({ outcome: 'platform', url: 'https://examplehealth.zoom.us/' });
  });

  it('moves focus into the reason box and gives it back when it closes', async () => {
    const button = document.createElement('button');
    document.body.append(button);
    button.focus();
    const n = show(base);
    expect(inside().activeElement).toBe(reasonBox());
    n.close();
    expect(await n.result).toEqual({ outcome: 'closed' });
    expect(document.activeElement).toBe(button);
  });

  it('without a way through: no reason box, focus on the dismiss button', () => {
    const n = show({ ...base, proceed: undefined });
    expect(inside().querySelector('textarea')).toBeNull();
    expect(inside().querySelectorAll('button')).toHaveLength(1);
    expect(inside().activeElement).toBe(byText("Don't use the camera"));
    n.close();
  });

  it('a page that removes it gets it back, and one that keeps removing it gets `removed` — never a grant', async () => {
    const n = show(base);
    type('a good reason');
    for (let i = 0; i < REATTACH_LIMIT; i++) {
      hostOf()!.remove();
      await flush();
      expect(hostOf(), `re-attached after removal ${i + 1}`).not.toBeNull();
      expect(n.open).toBe(true);
    }
    // The typed reason survived (same elements).
    expect(reasonBox().value).toBe('a good reason');
    hostOf()!.remove();
    expect(await n.result).toEqual({ outcome: 'removed' });
  });

  it('the shield stops the typing events aimed at a notice before the page’s window listeners, and no others', () => {
    installNoticeShield(window);
    const seen: string[] = [];
    window.addEventListener('keydown', (e) => seen.push(`window:${(e as KeyboardEvent).key}`), true);
    document.addEventListener('input', () => seen.push('document:input'), true);
    const n = show(base);
    hostOf()!.dispatchEvent(new KeyboardEvent('keydown', { key: 's', bubbles: true, composed: true }));
    hostOf()!.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    hostOf()!.dispatchEvent(new Event('paste', { bubbles: true, composed: true }));
    expect(seen).toEqual([]);
    document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'x', bubbles: true }));
    expect(seen).toEqual(['window:x']);
    n.close();
  });

  it.each(Object.keys(LANGUAGES) as Language[])('built-in texts in %s', (lang) => {
    const t = translator(lang);
    const n = show({ ...base, translate: t, continueLabel: undefined, dismissLabel: undefined, proceed: { minLength: 3, allowance: 'x' } } as NoticeOptions);
    expect(byText(t('notice_continue'))).toBeDefined();
    expect(byText(t('notice_dismiss'))).toBeDefined();
    expect(inside().querySelector('label')!.textContent).toBe(t('guard_reason'));
    expect(inside().querySelector('.hint')!.textContent).toBe(`${t('notice_reason_hint', { min: 3 })} x`);
    n.close();
  });
});
