import type { Action } from '../actions.ts';
import type { EventInput } from '../events/types.ts';

/** The event input (core/events/types.ts) a look-alike's password field writes. */
export type EventIntentLike = EventInput & {
  type: 'data.blocked';
  url: string;
  service: string | null;
  action: Action;
  findings: string[];
  name: string;
};
