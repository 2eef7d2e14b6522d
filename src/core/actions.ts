/** What the policy says about a host or meeting. Order matters: later is stricter. */
export const ACTIONS = ['allow', 'warn', 'block'] as const;
export type Action = (typeof ACTIONS)[number];

const RANK: Record<Action, number> = { allow: 0, warn: 1, block: 2 };

export function stricter(a: Action, b: Action): Action {
  return RANK[a] >= RANK[b] ? a : b;
}

export function actionRank(a: Action): number {
  return RANK[a];
}
