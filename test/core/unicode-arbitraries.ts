import fc from 'fast-check';

/** Scalar values (every code point but the surrogates, U+D800–U+DFFF): 0x10F800 of them. */
const SCALARS = 0x110000 - 0x800;

/**
 * Strings of any Unicode scalar values: the same alphabet, uniformly indexed with the
 * same small-value bias, as `fc.string({ unit: 'binary' })`, without its cost. fast-check
 * builds that unit's reverse table of all 1.1 million code points when the arbitrary is
 * created (≈ 2 s on an idle 2-core machine, over 5 s under load, which timed the test
 * out); a mapped integer needs no table. Only shrinking a counter-example is a little
 * coarser, which never hides one.
 */
export function anyUnicodeString(constraints: { maxLength?: number } = {}): fc.Arbitrary<string> {
  const unit = fc.integer({ min: 0, max: SCALARS - 1 }).map((i) => String.fromCodePoint(i < 0xd800 ? i : i + 0x800));
  return fc.string({ unit, ...constraints });
}

/**
 * `fc.webUrl` with query parameters builds the same table of every code point, once per
 * test file, when it is created: ≈ 1 s on an idle machine, 3.5–4.5 s measured on this
 * 2-core machine under load. That is the generator's set-up, not the property, so tests
 * create it in a `beforeAll` with this explicit timeout, and each test's own 5 s default
 * keeps measuring only the property it checks.
 */
export const WEB_URL_SETUP_TIMEOUT = 30_000;
