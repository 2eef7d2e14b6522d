/**
 * The DOM channel between the page-world wrapper (media-wrapper.ts) and the extension's
 * content script (media-bridge.ts). Events on `document` with a JSON string as `detail`
 * (strings cross between worlds; objects do not). A page sees and can fake every one of
 * them: nothing on this channel is trusted (docs/camera-and-microphone.md, "What a page can
 * fake"). Requests carry only what the page asked for; the background judges the origin the
 * browser gives for the frame.
 */
export const TO_BRIDGE = 'telehealth-guard:media-request';
export const TO_WRAPPER = 'telehealth-guard:media-answer';

export type WrapperMessage =
  /** A capture was asked for: may it go on? */
  | { id: number; op: 'request'; kinds: string[] }
  /** A capture started (the browser handed over a stream). */
  | { id: number; op: 'started'; kinds: string[] };

export type BridgeAnswer =
  /** Held: the person is being asked; wait. */
  | { id: number; answer: 'hold' }
  | { id: number; answer: 'allow' }
  | { id: number; answer: 'refuse' };
