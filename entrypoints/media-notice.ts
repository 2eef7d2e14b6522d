import { installMediaNotice } from '../src/browser/content/media-notice.ts';

// The camera notice, injected by the background into a tab's top frame only when a person must
// be asked (src/browser/media.ts, ensureNotice): never in the manifest, so no page pays for it.
export default defineUnlistedScript(() => {
  installMediaNotice();
});
