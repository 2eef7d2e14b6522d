import { render } from 'preact';
import { GuardApp } from '../../src/ui/guard/GuardApp.tsx';

render(<GuardApp />, document.getElementById('app')!);
