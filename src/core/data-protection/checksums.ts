/**
 * The check-digit algorithms the built-in detectors use (docs/data-protection.md). Each takes
 * the identifier's digits as a string of ASCII digits, already stripped of separators.
 */

/** Luhn (ISO/IEC 7812-1): payment cards, the Australian IHI. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return digits.length > 0 && sum % 10 === 0;
}

/** The Luhn check digit that completes `body`. */
export function luhnCheckDigit(body: string): number {
  for (let d = 0; d <= 9; d++) if (luhnValid(body + d)) return d;
  throw new Error('unreachable');
}

/**
 * Modulus 11 with weights 10..2 over the first nine digits (NHS number, Scotland's CHI
 * number): 11 − (sum mod 11), 11 → 0; a result of 10 is never issued.
 */
export function mod11Check(nine: string): number | null {
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += (nine.charCodeAt(i) - 48) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 11) return 0;
  return check === 10 ? null : check;
}

export function mod11Valid(ten: string): boolean {
  return ten.length === 10 && mod11Check(ten.slice(0, 9)) === ten.charCodeAt(9) - 48;
}

/** Australian Medicare card number: weights 1,3,7,9,1,3,7,9 over the first eight digits, mod 10. */
export function auMedicareCheck(eight: string): number {
  const weights = [1, 3, 7, 9, 1, 3, 7, 9];
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += (eight.charCodeAt(i) - 48) * weights[i]!;
  return sum % 10;
}

/**
 * German health insurance number (Krankenversichertennummer, the fixed ten-character part):
 * the letter as two digits (A = 01 … Z = 26), then the eight digits; weights 1,2,1,2,…;
 * a product over 9 counts as its digit sum; the sum mod 10 is the check digit.
 */
export function kvnrCheck(letter: string, eight: string): number {
  const n = letter.charCodeAt(0) - 64;
  const digits = String(n).padStart(2, '0') + eight;
  let sum = 0;
  for (let i = 0; i < 10; i++) {
    let p = (digits.charCodeAt(i) - 48) * (i % 2 === 0 ? 1 : 2);
    if (p > 9) p = Math.floor(p / 10) + (p % 10);
    sum += p;
  }
  return sum % 10;
}

/**
 * French social security number (NIR): the key is 97 − (the 13-digit number mod 97), with
 * Corsica's departments 2A and 2B read as 19 and 18. Computed in two halves: 13 digits
 * exceed 2^53 only barely, but the halves keep it exact and cheap.
 */
export function nirKey(thirteen: string): number {
  const normal = thirteen.replace(/^(\d{5})2A/, '$119').replace(/^(\d{5})2B/, '$118');
  const hi = Number(normal.slice(0, 7));
  const lo = Number(normal.slice(7));
  const mod = ((hi % 97) * 1_000_000 + lo) % 97;
  return 97 - mod;
}

/** Spain's DNI and NIE: the control letter is this table at (number mod 23). */
export const DNI_LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';
export function dniLetter(number: number): string {
  return DNI_LETTERS[number % 23]!;
}
