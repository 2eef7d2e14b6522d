/**
 * One-minute lessons, once per kind per person (docs/awareness.md). The person is the
 * profile's signed-in account when the browser names one, else the profile itself. The
 * background is the only one that marks a lesson shown and records `training.lesson`;
 * pages and in-page notices get the text to show from it.
 *
 * For notices (camera, patient data): `takeLesson('camera', state)` returns the lesson's
 * title and three lines in the browser's language the first time, and null after; add them
 * to the notice's body.
 */
import { lessonDue, lessonText, type LessonId, type LessonText } from '../core/awareness/lessons.ts';
import { orgParams } from '../core/explain.ts';
import type { EngineState } from './engine.ts';
import { t } from './i18n.ts';
import { profileUser } from './profile-user.ts';
import { record } from './recorder.ts';
import { lessonsShown } from './storage-items.ts';


/** One at a time: two warnings at once must not both show the same first lesson. */
let queue: Promise<unknown> = Promise.resolve();

export function takeLesson(id: LessonId | null, state: EngineState): Promise<LessonText | null> {
  const run = queue.then(async () => {
    const { policy } = state.resolved;
    if (id === null || !policy.awareness.lessons) return null;
    const person = (await profileUser()) ?? 'profile';
    const stored = await lessonsShown.getValue();
    const shown = new Set<LessonId>(stored[person] ?? []);
    if (!lessonDue(id, shown, policy)) return null;
    await lessonsShown.setValue({ ...stored, [person]: [...shown, id] });
    await record({ type: 'training.lesson', name: id }, state);
    return lessonText(id, t, orgParams(policy.organization.name, t));
  });
  queue = run.catch(() => undefined);
  return run;
}
