import { startBackground } from '../src/browser/background.ts';

export default defineBackground(() => startBackground());
