import type { PolicyStatus } from '../browser/protocol.ts';
import { t } from './i18n.ts';

/**
 * Said in the popup and on the options page when incognito windows escape the extension and the
 * policy does not say IT turned them off (src/core/side-doors.ts).
 */
export function IncognitoNotice({ status }: { status: PolicyStatus }) {
  if (!status.incognitoGap) return null;
  return (
    <p role="alert" class="problems-note" data-testid="incognito-gap">
      {t('incognito_not_allowed')}
    </p>
  );
}
