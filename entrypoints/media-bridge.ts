import { startMediaBridge } from '../src/browser/content/media-bridge.ts';

// The extension's side of capture requests (docs/camera-and-microphone.md): asks the
// background and answers the page-world wrapper; the notice's code comes only when needed
// (media-notice.ts). At document_start in every frame, so the notice's shield is in place
// before any page script can listen for keys.
//
// An unlisted script declared in wxt.config.ts rather than a WXT content script: WXT wraps
// those in a context that posts a message naming the extension's id into every page and frame
// at start, which would cost every allowed page a message and tell it the extension is there.
export default defineUnlistedScript(() => {
  startMediaBridge();
});
