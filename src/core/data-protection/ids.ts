/**
 * The built-in patient-identifier detectors, by id (docs/policy-format.md 1.2,
 * `dataProtection.identifiers`). The policy schema takes its enum from here; each id's
 * rule (checksum or format) lives beside it in this folder.
 */
export const IDENTIFIER_IDS = ['us-ssn', 'nhs-number', 'medicare-mbi', 'payment-card'] as const;
export type IdentifierId = (typeof IDENTIFIER_IDS)[number];
