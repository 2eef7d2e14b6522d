import { installMediaWrapper } from '../src/browser/content/media-wrapper.ts';

// In the page's own world, at document_start in every frame (docs/camera-and-microphone.md):
// capture requests are put to the extension first. Detection and a best effort; the
// enforcement is the browser's (content settings on Chrome/Edge, deploy's Permissions on Firefox).
export default defineContentScript({
  matches: ['<all_urls>'],
  world: 'MAIN',
  runAt: 'document_start',
  allFrames: true,
  matchAboutBlank: true,
  matchOriginAsFallback: true,
  main() {
    installMediaWrapper();
  },
});
