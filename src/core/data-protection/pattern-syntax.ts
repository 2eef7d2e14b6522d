/**
 * The organisation's own identifier patterns (`dataProtection.patterns[].regex`,
 * docs/data-protection.md "Organisation patterns"): which regexes are accepted, and a
 * sample that each accepted one matches (printed by `validate`).
 *
 * A pattern runs in the browser's own backtracking regex engine on everything a person
 * pastes into a consumer app, so it must be cheap whatever the text. It is read here by a
 * small parser that accepts only a subset both JavaScript and RE2 read the same way, and
 * refuses what makes a backtracking engine slow or what the two engines read differently:
 *   - look-around and back-references (RE2 has neither; both defeat linear-time matching);
 *   - unbounded repetition (`*`, `+`, `{n,}`): an identifier has a length, so give it
 *     (`\d{6,10}`); counts above 1,000 (RE2's limit);
 *   - more than MAX_WAYS ways to match from one position (the product of the choices of
 *     alternatives and repetition counts): `(a|aa){1,30}` is bounded but still exponential;
 *   - escapes and constructs the two engines read differently (`\p{…}`, `\uFFFF`, `\A`,
 *     `\z`, `(?P<n>…)`, inline flags, POSIX classes, `[]`) and literal `{` without `\`;
 *   - anything that matches fewer than MIN_WIDTH characters: it would match ordinary text.
 * Patterns are case-sensitive and compiled with the `g` flag only.
 */

export const MAX_PATTERN_LENGTH = 200;
export const MAX_REPEAT = 1000;
/**
 * Ways to match from one starting position. Identifier formats need a handful
 * (`(?:MRN|Acct|ID)[ :#-]{0,2}\d{6,10}` has 45); a backtracking engine tries at most this
 * many paths per position, each no longer than the pattern's widest match.
 */
export const MAX_WAYS = 100;
export const MIN_WIDTH = 4;

export type PatternNode =
  | { t: 'char'; source: string }
  | { t: 'assert'; source: string }
  | { t: 'group'; alternatives: PatternNode[][] }
  | { t: 'repeat'; node: PatternNode; min: number; max: number };

export interface PatternProblem {
  /** 0-based index into the regex, or null for the pattern as a whole. */
  at: number | null;
  message: string;
}

export interface PatternReport {
  ok: boolean;
  problems: PatternProblem[];
  minWidth: number;
  maxWidth: number;
  ways: number;
}

class ParseError extends Error {
  constructor(
    readonly at: number,
    message: string,
  ) {
    super(message);
  }
}

const CLASS_ESCAPES = 'dDwWsS';
const CONTROL_ESCAPES = 'tnrfv';
// ASCII punctuation: escaping it means the character itself in both engines.
const PUNCTUATION = /^[!-/:-@[-`{-~]$/;

function parse(source: string): PatternNode {
  let i = 0;
  const peek = () => source[i];
  const fail = (at: number, message: string): never => {
    throw new ParseError(at, message);
  };

  function escape(inClass: boolean): string {
    const start = i;
    i++; // the backslash
    const c = source[i];
    if (c === undefined) fail(start, 'ends with a lone backslash');
    if (c! >= '1' && c! <= '9') fail(start, `back-reference \\${c} is not allowed (RE2 has no back-references)`);
    if (c === 'k') fail(start, 'named back-reference \\k is not allowed (RE2 has no back-references)');
    if (c === 'p' || c === 'P') fail(start, `Unicode class \\${c}{…} is not allowed: JavaScript reads it differently without the u flag; list the characters, e.g. [A-Za-z]`);
    if (c === 'u') fail(start, '\\u escapes are not allowed (RE2 has none): write the character itself');
    if (c === 'x') {
      if (!/^[0-9A-Fa-f]{2}$/.test(source.slice(i + 1, i + 3))) fail(start, '\\x needs two hex digits, e.g. \\x2D');
      i += 3;
      return source.slice(start, i);
    }
    if (c === 'b' || c === 'B') {
      if (inClass) fail(start, `\\${c} inside [...] means different things in JavaScript and RE2`);
      i++;
      return source.slice(start, i);
    }
    if (CLASS_ESCAPES.includes(c!) || CONTROL_ESCAPES.includes(c!) || PUNCTUATION.test(c!)) {
      i++;
      return source.slice(start, i);
    }
    return fail(start, `\\${c} is not an escape JavaScript and RE2 read the same way`);
  }

  function charClass(): PatternNode {
    const start = i;
    i++; // [
    if (peek() === '^') i++;
    if (peek() === ']') fail(start, 'an empty or "]"-first character class reads differently in JavaScript and RE2: write \\] for a literal ]');
    let items = 0;
    for (;;) {
      const c = peek();
      if (c === undefined) fail(start, 'character class [ is never closed');
      if (c === ']') break;
      if (c === '[' && source[i + 1] === ':') fail(i, 'POSIX classes like [:alpha:] are not allowed: list the characters, e.g. [A-Za-z]');
      if (c === '\\') escape(true);
      else i++;
      items++;
    }
    i++; // ]
    if (items === 0) fail(start, 'empty character class');
    return { t: 'char', source: source.slice(start, i) };
  }

  function group(): PatternNode {
    const start = i;
    i++; // (
    if (peek() === '?') {
      const rest = source.slice(i + 1, i + 3);
      if (rest.startsWith('=') || rest.startsWith('!')) fail(start, `look-ahead (?${rest[0]}…) is not allowed (RE2 has no look-around)`);
      if (rest === '<=' || rest === '<!') fail(start, `look-behind (?${rest}…) is not allowed (RE2 has no look-around)`);
      if (rest.startsWith(':')) i += 2;
      else if (rest.startsWith('<')) {
        const m = /^\?<([A-Za-z_][A-Za-z0-9_]*)>/.exec(source.slice(i));
        if (!m) fail(start, 'a named group is written (?<name>…)');
        i += m![0].length;
      } else if (rest.startsWith('P')) fail(start, 'write a named group as (?<name>…), which both engines read');
      else fail(start, 'inline flags such as (?i) are not allowed: patterns are case-sensitive, so list both cases, e.g. [Mm][Rr][Nn]');
    }
    const alternatives = alternation();
    if (peek() !== ')') fail(start, 'group ( is never closed');
    i++;
    return { t: 'group', alternatives };
  }

  function quantifier(node: PatternNode, atomStart: number): PatternNode {
    const c = peek();
    const at = i;
    let min: number;
    let max: number;
    if (c === '*' || c === '+') fail(at, `unbounded repetition "${c}" is not allowed: an identifier has a length, so give a maximum, e.g. {1,10}`);
    if (c === '?') {
      i++;
      min = 0;
      max = 1;
    } else if (c === '{') {
      const m = /^\{(\d{1,4})(?:(,)(\d{0,4}))?\}/.exec(source.slice(i));
      if (!m) return fail(at, 'a literal { must be written \\{ (a count is {n} or {n,m})');
      if (m[2] !== undefined && m[3] === '') fail(at, `unbounded repetition "${m[0]}" is not allowed: give a maximum, e.g. {${m[1]},${Number(m[1]) + 10}}`);
      min = Number(m[1]);
      max = m[2] !== undefined ? Number(m[3]) : min;
      if (min > max) fail(at, `${m[0]}: the minimum is larger than the maximum`);
      if (max > MAX_REPEAT) fail(at, `${m[0]}: counts above ${MAX_REPEAT} are not allowed (RE2's limit)`);
      i += m[0].length;
    } else return node;
    if (node.t === 'assert') fail(atomStart, `${node.source} cannot be repeated`);
    if (peek() === '?') i++; // lazy: the same language, the same ways
    if (peek() === '*' || peek() === '+' || peek() === '?' || peek() === '{') fail(i, 'a repetition cannot be repeated directly; put it in a group');
    return { t: 'repeat', node, min, max };
  }

  function atom(): PatternNode {
    const c = peek()!;
    const start = i;
    let node: PatternNode;
    if (c === '(') node = group();
    else if (c === '[') node = charClass();
    else if (c === '\\') {
      const s = escape(false);
      node = s === '\\b' || s === '\\B' ? { t: 'assert', source: s } : { t: 'char', source: s };
    } else if (c === '^' || c === '$') {
      i++;
      node = { t: 'assert', source: c };
    } else if (c === '*' || c === '+' || c === '?') {
      return fail(i, `"${c}" has nothing to repeat`);
    } else if (c === '{') {
      return fail(i, 'a literal { must be written \\{');
    } else {
      i++;
      // A literal character (a surrogate pair stays one character).
      const code = c.charCodeAt(0);
      if (code >= 0xd800 && code <= 0xdbff && i < source.length) i++;
      node = { t: 'char', source: source.slice(start, i) };
    }
    return quantifier(node, start);
  }

  function sequence(): PatternNode[] {
    const out: PatternNode[] = [];
    while (i < source.length && peek() !== '|' && peek() !== ')') out.push(atom());
    return out;
  }

  function alternation(): PatternNode[][] {
    const alternatives = [sequence()];
    while (peek() === '|') {
      i++;
      alternatives.push(sequence());
    }
    return alternatives;
  }

  const alternatives = alternation();
  if (i < source.length) fail(i, 'unmatched )');
  return { t: 'group', alternatives };
}

const SATURATE = 1e12;
const cap = (n: number) => Math.min(n, SATURATE);

function measure(node: PatternNode): { min: number; max: number; ways: number } {
  switch (node.t) {
    case 'char':
      return { min: 1, max: 1, ways: 1 };
    case 'assert':
      return { min: 0, max: 0, ways: 1 };
    case 'group': {
      let min = Infinity;
      let max = 0;
      let ways = 0;
      for (const seq of node.alternatives) {
        let sMin = 0;
        let sMax = 0;
        let sWays = 1;
        for (const n of seq) {
          const m = measure(n);
          sMin += m.min;
          sMax += m.max;
          sWays = cap(sWays * m.ways);
        }
        min = Math.min(min, sMin);
        max = Math.max(max, sMax);
        ways = cap(ways + sWays);
      }
      return { min, max, ways };
    }
    case 'repeat': {
      const m = measure(node.node);
      let ways = 0;
      let power = m.ways ** node.min;
      for (let k = node.min; k <= node.max && ways < SATURATE; k++) {
        ways = cap(ways + power);
        power = cap(power * m.ways);
      }
      return { min: m.min * node.min, max: m.max * node.max, ways };
    }
  }
}

/** Checks one organisation regex; `problems` is empty when it may be used. */
export function checkPattern(regex: string): PatternReport & { tree: PatternNode | null } {
  const problems: PatternProblem[] = [];
  const none = { minWidth: 0, maxWidth: 0, ways: 0 };
  if (regex.length === 0) return { ok: false, problems: [{ at: null, message: 'is empty' }], ...none, tree: null };
  if (regex.length > MAX_PATTERN_LENGTH) return { ok: false, problems: [{ at: null, message: `is ${regex.length} characters long; at most ${MAX_PATTERN_LENGTH}` }], ...none, tree: null };
  let tree: PatternNode;
  try {
    tree = parse(regex);
  } catch (e) {
    if (e instanceof ParseError) return { ok: false, problems: [{ at: e.at, message: e.message }], ...none, tree: null };
    throw e;
  }
  try {
    new RegExp(regex, 'g');
  } catch (e) {
    return { ok: false, problems: [{ at: null, message: `is not a valid regular expression (${(e as Error).message})` }], ...none, tree: null };
  }
  const m = measure(tree);
  if (m.max === 0 || m.min === 0) problems.push({ at: null, message: 'can match empty text: every position of every text would count' });
  else if (m.min < MIN_WIDTH) problems.push({ at: null, message: `can match only ${m.min} character${m.min === 1 ? '' : 's'}: a pattern must match at least ${MIN_WIDTH}, or ordinary words and numbers would count` });
  if (m.ways > MAX_WAYS)
    problems.push({
      at: null,
      message: `can match in ${m.ways >= SATURATE ? 'more than 10^12' : m.ways.toLocaleString('en-US')} ways from one position (at most ${MAX_WAYS}): the browser's engine would try each; use fixed counts such as \\d{7} and fewer optional parts or alternatives`,
    });
  return { ok: problems.length === 0, problems, minWidth: m.min, maxWidth: m.max, ways: m.ways, tree };
}

/** A problem as text: "character 5: …" or the message alone. */
export function patternProblemText(p: PatternProblem): string {
  return p.at === null ? p.message : `character ${p.at + 1}: ${p.message}`;
}

// Characters a sample is made of, most readable first: a \d reads 1234567…, a letter ABCD….
const POOLS = ['1234567890', 'ABCDEFGHJKLMNPQRSTUVWXYZ', 'abcdefghjkmnpqrstuvwxyz', '-_./:#', ' ', 'IOiloz!"$%&\'()*+,;<=>?@[\\]^`{|}~'];

/**
 * A text the pattern matches, made from its tree (the first alternative, each optional part
 * once, each count at its minimum) and checked against the compiled regex; other choices
 * are tried when that one does not match (a `\b` between two letters). Null when none of a
 * few dozen tries matches, which usually means the pattern can never match.
 */
export function samplePattern(regex: string): string | null {
  const { tree, ok } = checkPattern(regex);
  if (!ok || tree === null) return null;
  const compiled = new RegExp(regex);
  let seed = 0;
  for (let attempt = 0; attempt < 40; attempt++) {
    const used = new Map<string, number>();
    let state = attempt * 7919 + 1;
    const random = () => {
      state = (state * 1103515245 + 12345) % 2147483648;
      return state / 2147483648;
    };
    const choose = (n: number) => (attempt === 0 ? 0 : Math.floor(random() * n));
    const charFor = (source: string): string | null => {
      const re = new RegExp(`^(?:${source})$`);
      for (const pool of POOLS) {
        const fits = [...pool].filter((c) => re.test(c));
        if (fits.length === 0) continue;
        const n = used.get(pool) ?? 0;
        used.set(pool, n + 1);
        return fits[(n + (attempt === 0 ? 0 : seed++)) % fits.length]!;
      }
      for (let code = 0xa1; code < 0x2000; code++) if (re.test(String.fromCharCode(code))) return String.fromCharCode(code);
      return null;
    };
    const emit = (node: PatternNode): string | null => {
      switch (node.t) {
        case 'char':
          return charFor(node.source);
        case 'assert':
          return '';
        case 'group': {
          const seq = node.alternatives[choose(node.alternatives.length)]!;
          let out = '';
          for (const n of seq) {
            const s = emit(n);
            if (s === null) return null;
            out += s;
          }
          return out;
        }
        case 'repeat': {
          const span = node.max - node.min;
          const times = node.min === 0 ? Math.min(1, node.max) : node.min + (attempt === 0 ? 0 : choose(Math.min(span, 3) + 1));
          let out = '';
          for (let k = 0; k < times; k++) {
            const s = emit(node.node);
            if (s === null) return null;
            out += s;
          }
          return out;
        }
      }
    };
    const sample = emit(tree);
    if (sample !== null && compiled.exec(sample)?.[0] === sample) return sample;
  }
  return null;
}
