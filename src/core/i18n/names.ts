/**
 * Plain-language names for the codes people would otherwise read raw: event types,
 * meeting-link findings, actions, incident kinds, catalog categories. The code stays available (tooltips,
 * exports, the command line's --json); these are for reading.
 */
import { EVENT_TYPES, type EventType } from '../events/types.ts';
import { FINDING_CODES, PLATFORM_NAMES, type Platform } from '../meetings/analyse.ts';
import { CATEGORY_IDS, serviceById } from '../catalog.ts';
import { describeFinding } from '../data-protection/describe.ts';
import type { MessageKey } from './en.ts';
import type { Translate } from './format.ts';
import { INCOGNITO_GAP_FINDING } from '../side-doors.ts';
import { POLICY_UNSEALED_FINDING } from '../policy/seal.ts';

/** Findings of the guard's own events (guard.gap, policy.applied), named like meeting findings. */
export const GUARD_FINDING_CODES = [INCOGNITO_GAP_FINDING, POLICY_UNSEALED_FINDING] as const;
const NAMED_FINDINGS: readonly string[] = [...FINDING_CODES, ...GUARD_FINDING_CODES];

const keyOf = (prefix: string, code: string) => `${prefix}_${code.replace(/[.-]/g, '_')}` as MessageKey;

export const typeKey = (type: EventType | string): MessageKey => keyOf('type', type);
export const findingKey = (code: string): MessageKey => keyOf('finding', code);
export const incidentKey = (kind: string): MessageKey => keyOf('incident', kind);
export const categoryKey = (id: string): MessageKey => keyOf('category', id);

/** Every key this module can ask for (the dictionary test checks each exists). */
export function namedKeys(incidentKinds: readonly string[]): MessageKey[] {
  return [...EVENT_TYPES.map(typeKey), ...NAMED_FINDINGS.map(findingKey), ...incidentKinds.map(incidentKey), ...CATEGORY_IDS.map(categoryKey)];
}

export function typeName(type: EventType | string, t: Translate): string {
  return (EVENT_TYPES as readonly string[]).includes(type) ? t(typeKey(type)) : type;
}

/** A finding's plain name (a data finding with its count: "3 US Social Security numbers"); an unknown code (a newer extension's log) is shown as is. */
export function findingText(code: string, t: Translate): string {
  if (NAMED_FINDINGS.includes(code)) return t(findingKey(code));
  return describeFinding(code, t) ?? code;
}

/** A catalog category's plain name; an unknown id as it is. */
export function categoryName(id: string, t: Translate): string {
  return CATEGORY_IDS.includes(id) ? t(categoryKey(id)) : id;
}

/** A catalog service or meeting platform by its display name; unknown ids as they are. */
export function serviceName(id: string | null | undefined): string {
  if (!id) return '';
  return serviceById(id)?.name ?? PLATFORM_NAMES[id as Platform] ?? id;
}
