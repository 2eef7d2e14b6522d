import { render } from 'preact';
import { CheckApp } from '../../src/ui/check/CheckApp.tsx';

render(<CheckApp />, document.getElementById('app')!);
