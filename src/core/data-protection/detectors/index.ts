/**
 * Every built-in detector, in the order of IDENTIFIER_IDS (docs/data-protection.md lists
 * them with their rules and measured false-positive rates).
 */
import { IDENTIFIER_IDS, type IdentifierId } from '../ids.ts';
import { auIhi } from './au-ihi.ts';
import { auMedicare } from './au-medicare.ts';
import { chiNumber } from './chi-number.ts';
import { deKvnr } from './de-kvnr.ts';
import { esDni } from './es-dni.ts';
import { frNir } from './fr-nir.ts';
import { medicareMbi } from './medicare-mbi.ts';
import { nhsNumber } from './nhs-number.ts';
import { paymentCard } from './payment-card.ts';
import type { Detector } from './types.ts';
import { usSsn } from './us-ssn.ts';

export type { Detector } from './types.ts';

const ALL: Record<IdentifierId, Detector> = {
  'us-ssn': usSsn,
  'nhs-number': nhsNumber,
  'medicare-mbi': medicareMbi,
  'payment-card': paymentCard,
  'chi-number': chiNumber,
  'au-medicare': auMedicare,
  'au-ihi': auIhi,
  'de-kvnr': deKvnr,
  'fr-nir': frNir,
  'es-dni': esDni,
};

export const DETECTORS: readonly Detector[] = IDENTIFIER_IDS.map((id) => ALL[id]);

export function detectorById(id: IdentifierId): Detector {
  return ALL[id];
}
