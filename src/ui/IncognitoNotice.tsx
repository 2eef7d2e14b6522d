import type { PolicyStatus } from '../browser/protocol.ts';
import { t } from './i18n.ts';

/** Said in the popup and on the options page when incognito windows escape the extension (src/browser/incognito.ts). */
export function IncognitoNotice({ status }: { status: PolicyStatus }) {
  if (status.incognitoAllowed !== false) return null;
  return (
    <p role="alert" class="problems-note" data-testid="incognito-gap">
      {t('incognito_not_allowed')}
    </p>
  );
}
