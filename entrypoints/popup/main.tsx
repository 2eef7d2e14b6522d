import { render } from 'preact';
import { PopupApp } from '../../src/ui/popup/PopupApp.tsx';

render(<PopupApp />, document.getElementById('app')!);
