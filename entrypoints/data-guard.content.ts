import { startDataGuard } from '../src/browser/content/data-guard.ts';

// Patient data on consumer apps (docs/data-protection.md). Registered at run time for the
// consumer services' hosts the policy leaves reachable (src/browser/data-protection.ts), and
// put into the documents of unsanctioned meetings' web clients; no other page gets it.
export default defineContentScript({
  registration: 'runtime',
  matches: [],
  runAt: 'document_start',
  main() {
    startDataGuard();
  },
});
