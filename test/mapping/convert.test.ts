import { isEmpty } from '../../scripts/src/mapping/convert';

describe('isEmpty', () => {
  it('is true for undefined, null and strings that trim to nothing, whatever the whitespace', () => {
    const blanks = ['', ' ', '\t\n\r\v\f', '\u00a0', '\u1680', '\u2000\u200a', '\u2028\u2029', '\u202f\u205f\u3000', '\ufeff', ' \u3000 '];
    for (const value of [undefined, null, ...blanks]) expect([value, isEmpty(value)]).toEqual([value, true]);
  });

  it('is false for anything with a visible character, wherever it is, and for non-strings', () => {
    const filled = ['a', ' a', 'a ', '\u00a0x', '\u3000日', '~', '!', '\u0085', '\u200b', '0', 0, false, {}, [], NaN];
    for (const value of filled) expect([value, isEmpty(value)]).toEqual([value, false]);
  });
});
