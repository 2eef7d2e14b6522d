/**
 * Runs in the page's own world at document_start, before any page script (media-main
 * content script): wraps `getUserMedia` (and the legacy callback forms) and `getDisplayMedia`
 * so that a capture request is first put to the extension, held while a notice asks the
 * person, refused when the policy blocks it, and reported when it started.
 *
 * Detection and a best effort, not the enforcement: a page can get round a wrapper in its
 * own world (a fresh frame's untouched `getUserMedia`, say). On Chrome and Edge the browser's
 * own content settings refuse such a capture all the same (src/core/media/content-settings.ts);
 * on Firefox the hard floor is the `Permissions` policy `deploy` writes. The references the
 * wrapper uses are taken now, before the page can change them.
 */
import { TO_BRIDGE, TO_WRAPPER, type BridgeAnswer, type FrameAnswer } from './media-channel.ts';

/** No answer at all this soon: the extension's side is not there; the browser decides alone. */
const FIRST_ANSWER_MS = 3000;

export function installMediaWrapper(win: Window & typeof globalThis = window): void {
  const doc = win.document;
  const MediaDevicesProto = win.MediaDevices?.prototype;
  if (!MediaDevicesProto) return; // not a secure context: no capture at all
  const dispatch = win.EventTarget.prototype.dispatchEvent;
  const addListener = win.EventTarget.prototype.addEventListener;
  const Custom = win.CustomEvent;
  const stringify = win.JSON.stringify;
  const parse = win.JSON.parse;
  const DOMEx = win.DOMException;
  const setTimer = win.setTimeout.bind(win);
  const PromiseCtor = win.Promise;
  let nextId = 1;
  const waiting = new Map<number, (a: BridgeAnswer['answer'] | 'timeout') => void>();
  const holding = new Set<number>();
  const heard = (a: BridgeAnswer) => {
    if (a.answer === 'hold') return void holding.add(a.id);
    waiting.get(a.id)?.(a.answer);
  };

  // The top frame talks to its own bridge; any other frame to the top frame's (media-channel.ts).
  // `top` cannot be redefined by the page ([LegacyUnforgeable]).
  const top = win.top;
  let send: (message: object) => void;
  if (top === null || top === win) {
    addListener.call(doc, TO_WRAPPER, (e: Event) => {
      let a: BridgeAnswer;
      try {
        a = parse((e as CustomEvent).detail as string) as BridgeAnswer;
      } catch {
        return;
      }
      heard(a);
    });
    send = (message) => dispatch.call(doc, new Custom(TO_BRIDGE, { detail: stringify(message) }));
  } else {
    addListener.call(win, 'message', (e: Event) => {
      const m = e as MessageEvent;
      if (m.source !== top || typeof m.data !== 'string') return;
      let a: FrameAnswer;
      try {
        a = parse(m.data) as FrameAnswer;
      } catch {
        return;
      }
      if (a && a.tg === TO_WRAPPER && typeof a.id === 'number') heard(a);
    });
    send = (message) => top.postMessage(stringify({ tg: TO_BRIDGE, ...message }), '*');
  }

  /** Ask the extension; resolves 'allow', 'refuse', or 'timeout' when nobody answered. */
  const ask = (kinds: string[]) =>
    new PromiseCtor<string>((resolve) => {
      const id = nextId++;
      const done = (a: string) => {
        waiting.delete(id);
        holding.delete(id);
        resolve(a);
      };
      waiting.set(id, done);
      setTimer(() => {
        if (waiting.has(id) && !holding.has(id)) done('timeout');
      }, FIRST_ANSWER_MS);
      send({ id, op: 'request', kinds });
    });

  const started = (kinds: string[]) => send({ id: nextId++, op: 'started', kinds });
  const refused = () => new DOMEx('Permission denied', 'NotAllowedError');

  const userKinds = (c: unknown): string[] => {
    const o = (c ?? {}) as { video?: unknown; audio?: unknown };
    return [...(o.video ? ['camera'] : []), ...(o.audio ? ['microphone'] : [])];
  };

  const guard = <A extends unknown[]>(original: (...a: A) => Promise<MediaStream>, kindsOf: (...a: A) => string[]) =>
    async function (this: unknown, ...args: A): Promise<MediaStream> {
      const kinds = kindsOf(...args);
      if (kinds.length === 0) return original.apply(this, args);
      const answer = await ask(kinds);
      if (answer === 'refuse') throw refused();
      const stream = await original.apply(this, args);
      started(kinds);
      return stream;
    };

  const gum = MediaDevicesProto.getUserMedia;
  if (gum) MediaDevicesProto.getUserMedia = guard(gum, userKinds) as typeof gum;
  const gdm = MediaDevicesProto.getDisplayMedia;
  if (gdm) MediaDevicesProto.getDisplayMedia = guard(gdm, () => ['screen']) as typeof gdm;

  // The legacy callback forms, through the guarded promise form.
  const NavProto = win.Navigator.prototype as unknown as Record<string, unknown>;
  for (const name of ['getUserMedia', 'webkitGetUserMedia', 'mozGetUserMedia']) {
    if (typeof NavProto[name] !== 'function') continue;
    NavProto[name] = function (this: Navigator, constraints: MediaStreamConstraints, ok: (s: MediaStream) => void, fail: (e: unknown) => void) {
      MediaDevicesProto.getUserMedia.call(this.mediaDevices, constraints).then(ok, fail);
    };
  }
}
