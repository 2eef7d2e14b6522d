import { startMediaBridge } from '../src/browser/content/media-bridge.ts';

// The extension's side of capture requests (docs/camera-and-microphone.md): asks the
// background, shows the in-page notice. At document_start, so the notice's shield is in
// place before any page script can listen for keys.
export default defineContentScript({
  matches: ['<all_urls>'],
  runAt: 'document_start',
  allFrames: true,
  matchAboutBlank: true,
  matchOriginAsFallback: true,
  main() {
    startMediaBridge();
  },
});
