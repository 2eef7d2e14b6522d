import { render } from 'preact';
import { OptionsApp } from '../../src/ui/options/OptionsApp.tsx';

render(<OptionsApp />, document.getElementById('app')!);
