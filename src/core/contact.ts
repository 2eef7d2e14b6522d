/**
 * A contact the policy gives as free text ("Service desk x4357", "it-help@example.org",
 * "Privacy office, 0800 555 0100", an https address): the pieces a page can turn into links,
 * so a clinician reaches the desk with one click or tap. Pure: the pages render the parts.
 *
 * Linked: an e-mail address (mailto:), an https or http address (as written), and a telephone
 * number — a run of digits, spaces, dots, dashes and brackets, optionally after "+", with 7 to
 * 15 digits (ITU-T E.164's longest), dialled as its digits (tel:+441234…). An extension such
 * as "x4357" is too short to dial from outside and stays text. Everything else stays text,
 * exactly as written.
 */
export interface ContactPart {
  text: string;
  /** mailto:, tel: or the web address; absent for plain text. */
  href?: string;
}

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/y;
const WEB = /https?:\/\/[^\s<>"]+[^\s<>".,;:!?)]/y;
const PHONE = /\+?[0-9(][0-9 ().\-\u00a0]*[0-9]/y;

function phoneHref(run: string): string | null {
  // "+44 (0)20 …": the (0) is dialled only from inside the country, never after +44.
  const international = run.startsWith('+');
  const digits = (international ? run.replace(/\(0\)/g, '') : run).replace(/[^0-9]/g, '');
  if (digits.length < 7 || digits.length > 15) return null;
  return `tel:${international ? '+' : ''}${digits}`;
}

export function contactParts(text: string): ContactPart[] {
  const parts: ContactPart[] = [];
  let plain = '';
  const flush = () => {
    if (plain !== '') parts.push({ text: plain });
    plain = '';
  };
  let i = 0;
  while (i < text.length) {
    // Only at the start of a word: "abc123" is not a phone number, "a@b" inside a word not an address.
    const startOfWord = i === 0 || /[\s,;:(]/.test(text[i - 1]!);
    if (startOfWord) {
      let matched: { text: string; href: string } | null = null;
      for (const [re, href] of [
        [WEB, (m: string) => m],
        [EMAIL, (m: string) => `mailto:${m}`],
        [PHONE, phoneHref],
      ] as const) {
        re.lastIndex = i;
        const m = re.exec(text);
        if (m === null) continue;
        const h = href(m[0]);
        if (h !== null) {
          matched = { text: m[0], href: h };
          break;
        }
      }
      if (matched !== null) {
        flush();
        parts.push(matched);
        i += matched.text.length;
        continue;
      }
    }
    plain += text[i];
    i++;
  }
  flush();
  return parts;
}
