/**
 * Every property test has a time budget (README, "Testing"): on a busy machine a property
 * checks fewer random cases rather than failing on the clock. Each property still runs up to
 * its own `numRuns`; after PROPERTY_BUDGET_MS it stops, and passes only if none of the cases
 * it did check failed. Budget and the test timeout (vitest.config.ts) together: a property
 * finishes inside its test's time whatever the load. A failure found is always reported
 * (tried: its shrinking may stop at the budget, leaving a larger counterexample).
 */
import fc from 'fast-check';

export const PROPERTY_BUDGET_MS = 20_000;

fc.configureGlobal({ ...fc.readConfigureGlobal(), interruptAfterTimeLimit: PROPERTY_BUDGET_MS });
