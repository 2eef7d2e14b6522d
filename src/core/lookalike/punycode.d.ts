/** punycode.js (RFC 3492) ships no types; the one function used here. */
declare module 'punycode/punycode.js' {
  const punycode: { toUnicode(domain: string): string; toASCII(domain: string): string };
  export default punycode;
}
