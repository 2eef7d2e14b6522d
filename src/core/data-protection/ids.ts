/**
 * The built-in patient-identifier detectors, by id (docs/data-protection.md, the table of
 * detectors; policy field `dataProtection.identifiers`). The policy schema takes its enum
 * from here; each id's rule (checksum or format) is a file in ./detectors/. Adding an id is
 * a compatible change (older policies that list ids keep their meaning; a policy that
 * leaves the field out gets every built-in).
 */
export const IDENTIFIER_IDS = [
  // The first four since 1.2's schema; the rest added with their detectors (docs/data-protection.md).
  'us-ssn',
  'nhs-number',
  'medicare-mbi',
  'payment-card',
  'chi-number',
  'au-medicare',
  'au-ihi',
  'de-kvnr',
  'fr-nir',
  'es-dni',
] as const;
export type IdentifierId = (typeof IDENTIFIER_IDS)[number];
