/**
 * One-minute lessons (docs/awareness.md): the first warning of each kind a person meets
 * shows three short lines on why it matters, in their language, once. The kinds, their
 * texts (src/core/i18n, `lesson_<kind>_title` and `_1`…`_3`), which kind a warning is, and
 * whether one is due are decided here; the pages and notices only show them, and the
 * background records `training.lesson` (name = the lesson id) when one is shown.
 */
import type { MessageKey } from '../i18n/en.ts';
import type { Translate } from '../i18n/format.ts';
import type { Policy } from '../policy/schema.ts';

export const LESSON_IDS = ['consumer-app', 'meeting-link', 'lookalike', 'camera', 'patient-data'] as const;
export type LessonId = (typeof LESSON_IDS)[number];

export interface LessonText {
  id: LessonId;
  title: string;
  /** Exactly three lines. */
  lines: [string, string, string];
}

const key = (id: LessonId, part: 'title' | '1' | '2' | '3') => `lesson_${id.replace(/-/g, '_')}_${part}` as MessageKey;

/** Every key a lesson needs (the dictionary test checks each exists in every language). */
export function lessonKeys(): MessageKey[] {
  return LESSON_IDS.flatMap((id) => (['title', '1', '2', '3'] as const).map((p) => key(id, p)));
}

/** A lesson in the reader's language. `org`/`Org`: the organisation's name, as the pages word it. */
export function lessonText(id: LessonId, t: Translate, params: Record<string, string> = {}): LessonText {
  return { id, title: t(key(id, 'title'), params), lines: [t(key(id, '1'), params), t(key(id, '2'), params), t(key(id, '3'), params)] };
}

export function isLessonId(value: unknown): value is LessonId {
  return typeof value === 'string' && (LESSON_IDS as readonly string[]).includes(value);
}

/**
 * Which lesson a stop on the warning or block page teaches: a consumer service (by catalog
 * category), an unsafe meeting link, a look-alike host. A rule's or the default's stop has
 * none: it says nothing general about why.
 */
export function lessonForStop(by: 'site' | 'meeting' | 'lookalike' | 'drill', category: string | null): LessonId | null {
  if (by === 'lookalike') return 'lookalike';
  if (by === 'meeting') return 'meeting-link';
  if (by === 'site' && category !== null && category.startsWith('consumer-')) return 'consumer-app';
  return null;
}

/** Whether lesson `id` is due for a person who has seen `shown`. */
export function lessonDue(id: LessonId | null, shown: ReadonlySet<string>, policy: Policy): id is LessonId {
  return id !== null && policy.awareness.lessons && !shown.has(id);
}

/**
 * A lesson as paragraphs of an in-page notice (src/ui/notice: camera, patient data): "One-minute
 * lesson: <title>", then its three lines. None when there is no lesson to show.
 */
export function lessonParagraphs(lesson: LessonText | null | undefined, t: Translate): string[] {
  return lesson ? [`${t('lesson_label')}: ${lesson.title}`, ...lesson.lines] : [];
}
