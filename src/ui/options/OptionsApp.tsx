import { LogViewer } from './LogViewer.tsx';
import { PolicyPanel } from './PolicyPanel.tsx';
import './options.css';

export function OptionsApp() {
  return (
    <main class="options">
      <h1>Telehealth Guard</h1>
      <PolicyPanel />
      <LogViewer />
    </main>
  );
}
