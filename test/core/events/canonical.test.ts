import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../src/core/events/canonical.ts';

describe('canonicalJson', () => {
  it('sorts keys at every level, no whitespace, arrays keep order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }, 1], c: null }, A: true })).toBe('{"A":true,"a":{"c":null,"d":[3,{"y":2,"z":1},1]},"b":1}');
  });

  it('orders by UTF-16 code unit, not locale or code point', () => {
    // U+FF5E (one unit 0xFF5E) sorts after U+1F600 (surrogates 0xD83D…) by code unit,
    // though it comes before it by code point; upper case sorts before lower case.
    const o = { '\uff5e': 1, '\u{1f600}': 2, b: 3, B: 4, é: 5, e: 6, '': 7, aa: 8, a: 9 };
    expect(canonicalJson(o)).toBe('{"":7,"B":4,"a":9,"aa":8,"b":3,"e":6,"é":5,"\u{1f600}":2,"\uff5e":1}');
  });

  it('encodes strings and numbers as JSON.stringify does', () => {
    expect(canonicalJson({ s: 'a"b\\c\n\u2028\u0001\ud800', n: 1e21, f: -0.5, z: -0 })).toBe(
      '{"f":-0.5,"n":1e+21,"s":' + JSON.stringify('a"b\\c\n\u2028\u0001\ud800') + ',"z":0}',
    );
  });

  it('leaves out undefined properties; rejects what JSON cannot carry faithfully', () => {
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
    expect(() => canonicalJson({ a: NaN })).toThrow(TypeError);
    expect(() => canonicalJson({ a: Infinity })).toThrow(TypeError);
    expect(() => canonicalJson([undefined])).toThrow(TypeError);
    expect(() => canonicalJson({ a: 1n })).toThrow(TypeError);
    expect(() => canonicalJson({ a: () => 1 })).toThrow(TypeError);
  });

  it('handles a "__proto__" key from JSON.parse as an ordinary key', () => {
    expect(canonicalJson(JSON.parse('{"z":1,"__proto__":{"x":1}}'))).toBe('{"__proto__":{"x":1},"z":1}');
  });

  it('property: parses back to an equal value, and is independent of key insertion order', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const c = canonicalJson(v);
        expect(c).not.toMatch(/^\s|\s$/);
        const back: unknown = JSON.parse(c);
        expect(back).toEqual(JSON.parse(JSON.stringify(v)));
        expect(canonicalJson(back)).toBe(c);
      }),
    );
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.integer()), (d) => {
        const reversed = Object.fromEntries(Object.entries(d).reverse());
        expect(canonicalJson(reversed)).toBe(canonicalJson(d));
      }),
    );
  });
});
