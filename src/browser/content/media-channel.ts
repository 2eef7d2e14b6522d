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

/**
 * A frame other than the top one has no bridge of its own (an isolated world in every frame
 * cost an allowed page with ten frames about 15% of its load time: README, "Measured"). Its
 * wrapper posts the same messages to the top window instead, as strings marked with `tg`
 * (TO_BRIDGE there, TO_WRAPPER back), and the top frame's bridge relays them. Nothing is lost
 * by it: the background judges every frame's request for the top-level site anyway
 * (src/core/media/decide.ts, judgedSite), and a frame's own bridge was as fakeable as this.
 */
export type FramePost = { tg: typeof TO_BRIDGE } & WrapperMessage;
export type FrameAnswer = { tg: typeof TO_WRAPPER } & BridgeAnswer;

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
