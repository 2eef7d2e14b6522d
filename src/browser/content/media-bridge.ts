/**
 * The extension's side of a capture request, in the content script's isolated world
 * (media content script, document_start, the top frame only): hears the page-world wrapper
 * (media-wrapper.ts), asks the background, shows the in-page notice when the background says
 * to ask the person, and answers the wrapper.
 *
 * The background decides and records; this script never writes an event and never grants:
 * what it sends is judged again there for the origin the browser gives for this frame
 * (src/core/media/decide.ts). A person's Continue reaches the background only from the
 * notice's trusted click, with the ticket the background issued.
 */
import { installNoticeShield } from '../../ui/notice/shield.ts';
import { TO_BRIDGE, TO_WRAPPER, type BridgeAnswer, type FramePost, type WrapperMessage } from './media-channel.ts';
import { MEDIA_NOTICE, MEDIA_NOTICE_HOOK, type AskPerson, type MediaNoticeView, type MediaRequestAnswer } from '../media-protocol.ts';

export function startMediaBridge(): void {
  // Only the top frame runs this script (wxt.config.ts): other frames' wrappers post to it
  // (media-channel.ts). Before any page script: keeps the reason's keystrokes from the page
  // (shield.ts).
  if (window !== window.top) return;
  installNoticeShield();
  let notice: Promise<'allow' | 'refuse'> | null = null;

  /** One notice at a time: requests while it is open wait for the same outcome. */
  const ask = (view: MediaNoticeView): Promise<'allow' | 'refuse'> => (notice ??= askPerson(view).finally(() => (notice = null)));

  /**
   * A request or report from this frame's wrapper (`fromFrame` false) or another frame's. The
   * background judges both for this, the top frame's, site; a frame's request that needs the
   * person is refused and asked here, and the frame's next request goes through once they
   * continued — as when each frame had its own bridge.
   */
  const handle = (m: WrapperMessage, reply: (id: number, a: BridgeAnswer['answer']) => void, fromFrame: boolean) => {
    if (!m || typeof m.id !== 'number' || !Array.isArray(m.kinds)) return;
    if (m.op === 'started') {
      void reportStarted(m.kinds);
      return;
    }
    if (m.op !== 'request') return;
    const id = m.id;
    void (async () => {
      let r: MediaRequestAnswer;
      try {
        r = (await browser.runtime.sendMessage({ kind: 'media.request', kinds: m.kinds })) as MediaRequestAnswer;
      } catch {
        return; // no answer: the wrapper lets the browser decide
      }
      if (!r || 'error' in r) return;
      if (r.decision !== 'ask') return reply(id, r.decision);
      if (fromFrame) {
        reply(id, 'refuse');
        void ask(r.view);
        return;
      }
      reply(id, 'hold');
      reply(id, await ask(r.view));
    })();
  };

  document.addEventListener(TO_BRIDGE, (e) => {
    let m: WrapperMessage;
    try {
      m = JSON.parse((e as CustomEvent).detail as string) as WrapperMessage;
    } catch {
      return;
    }
    handle(m, (id, a) => document.dispatchEvent(new CustomEvent(TO_WRAPPER, { detail: JSON.stringify({ id, answer: a }) })), false);
  });

  window.addEventListener('message', (e) => {
    const from = e.source as Window | null;
    if (!from || from === window || typeof e.data !== 'string' || !e.data.startsWith('{"tg":')) return;
    let m: FramePost;
    try {
      m = JSON.parse(e.data) as FramePost;
    } catch {
      return;
    }
    if (m?.tg !== TO_BRIDGE) return;
    // An opaque origin (a sandboxed frame) can only be answered with '*'.
    const target = e.origin && e.origin !== 'null' ? e.origin : '*';
    handle(m, (id, a) => from.postMessage(JSON.stringify({ tg: TO_WRAPPER, id, answer: a }), target), true);
  });

  // A frame's request, when the background asked it in the top frame (kept for a frame that
  // still sends its own: the background answers those by sending the view here).
  browser.runtime.onMessage.addListener((message: unknown, sender: { id?: string; tab?: unknown }) => {
    const m = message as { kind?: unknown; view?: MediaNoticeView };
    if (sender.id !== browser.runtime.id || sender.tab !== undefined || m?.kind !== MEDIA_NOTICE || !m.view) return;
    void ask(m.view);
  });
}

/**
 * The notice's code is not in this script: the background injected it into this frame before
 * it answered "ask" (media-notice.ts). Without it, nobody can be asked: refuse.
 */
function askPerson(view: MediaNoticeView): Promise<'allow' | 'refuse'> {
  const ask = (globalThis as unknown as Record<string, AskPerson | undefined>)[MEDIA_NOTICE_HOOK];
  return ask ? ask(view) : Promise.resolve('refuse');
}

/**
 * A capture started, says the page world. Passed on only when the browser agrees this site
 * holds the permission (the Permissions API, asked from this isolated world): a page can
 * claim a capture it never made only where it could have made it.
 */
async function reportStarted(kinds: string[]): Promise<void> {
  const names: Record<string, string> = { camera: 'camera', microphone: 'microphone' };
  for (const k of kinds) {
    if (!(k in names)) continue;
    try {
      const status = await navigator.permissions.query({ name: names[k] as PermissionName });
      if (status.state !== 'granted') return;
    } catch {
      /* this browser cannot say (Firefox before 131): the background's limits still apply */
    }
  }
  await browser.runtime.sendMessage({ kind: 'media.used', kinds }).catch(() => undefined);
}
