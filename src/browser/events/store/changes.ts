/**
 * Open log viewers refresh when the log changes: the writer posts on this channel after
 * each commit (extension pages and the service worker share the extension's origin).
 */
export const LOG_CHANGED_CHANNEL = 'telehealth-guard-log-changed';

export function announceChange(): void {
  if (typeof BroadcastChannel === 'undefined') return;
  const channel = new BroadcastChannel(LOG_CHANGED_CHANNEL);
  channel.postMessage('changed');
  channel.close();
}

/** Call `onChange` (at most every `everyMs`) while the log changes; returns a stop function. */
export function watchLog(onChange: () => void, everyMs = 300): () => void {
  const channel = new BroadcastChannel(LOG_CHANGED_CHANNEL);
  let timer: ReturnType<typeof setTimeout> | undefined;
  channel.onmessage = () => {
    timer ??= setTimeout(() => {
      timer = undefined;
      onChange();
    }, everyMs);
  };
  return () => {
    if (timer !== undefined) clearTimeout(timer);
    channel.close();
  };
}
