import { guardPasswords } from '../src/browser/content/password-guard.ts';
import { LOOKALIKE_PASSWORD, type LookalikePasswordAnswer } from '../src/core/lookalike/password-message.ts';
import { t } from '../src/browser/i18n.ts';

// Injected by the background only into frames on a look-alike host (src/browser/navigation-watch.ts).
export default defineContentScript({
  registration: 'runtime',
  matches: [],
  allFrames: true,
  main() {
    const guard = guardPasswords(document, t('password_disabled_unnamed'), () => {
      // The background decides again for this frame's address (from the browser, not the page), records, and names it.
      void (browser.runtime.sendMessage({ kind: LOOKALIKE_PASSWORD }) as Promise<LookalikePasswordAnswer>)
        .then((answer) => answer?.name && guard.explain(t('password_disabled', { name: answer.name })))
        .catch(() => undefined);
    });
  },
});
