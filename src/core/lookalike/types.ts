import type { Action } from '../actions.ts';

/** An event to write, as the background's recorder takes it (src/browser/recorder.ts). */
export interface EventIntentLike {
  type: 'data.blocked';
  url: string;
  service: string | null;
  action: Action;
  findings: string[];
  name: string;
}
