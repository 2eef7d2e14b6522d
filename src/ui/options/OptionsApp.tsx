import { LessonsPanel } from './LessonsPanel.tsx';
import { LogViewer } from './LogViewer.tsx';
import { PolicyPanel } from './PolicyPanel.tsx';
import { setPageLanguage, t } from '../i18n.ts';
import './options.css';

export function OptionsApp() {
  setPageLanguage(t('options_title'));
  return (
    <main class="options">
      <h1>Telehealth Guard</h1>
      <PolicyPanel />
      <LogViewer />
      <LessonsPanel />
    </main>
  );
}
