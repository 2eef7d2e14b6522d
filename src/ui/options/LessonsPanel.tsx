import { LESSON_IDS, lessonText } from '../../core/awareness/lessons.ts';
import { t } from '../i18n.ts';

/**
 * Every one-minute lesson, to read again (docs/awareness.md). Each is shown once with the first
 * warning of its kind; here they are all, in the browser's language. "Your organisation" stands
 * in for the organisation's name (the pages use the name in force).
 */
export function LessonsPanel() {
  const org = { org: t('org_default_mid'), Org: t('org_default_start') };
  return (
    <section aria-labelledby="lessons-heading" class="panel lessons">
      <h2 id="lessons-heading">{t('options_lessons_title')}</h2>
      <p>{t('options_lessons_intro')}</p>
      {LESSON_IDS.map((id) => {
        const lesson = lessonText(id, t, org);
        return (
          <article aria-labelledby={`lesson-${id}`} data-lesson={id}>
            <h3 id={`lesson-${id}`}>{lesson.title}</h3>
            <ul>
              {lesson.lines.map((line) => (
                <li>{line}</li>
              ))}
            </ul>
          </article>
        );
      })}
    </section>
  );
}
