import { csvCell, toCsv } from '../../scripts/src/reports/csv';

describe('csvCell', () => {
  it.each([
    ['=HYPERLINK("http://evil","x")', `"'=HYPERLINK(""http://evil"",""x"")"`],
    ['+1 555', "'+1 555"],
    ['-cmd', "'-cmd"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tTab', "'\tTab"],
    ['\rCR', `"'\rCR"`],
  ])('neutralises the formula %j', (input, expected) => {
    expect(csvCell(input)).toBe(expected);
  });

  it('leaves numbers, plain text and empty values alone, and quotes commas, quotes and newlines', () => {
    expect(csvCell(-12.5)).toBe('-12.5');
    expect(csvCell('Acme Pty Ltd')).toBe('Acme Pty Ltd');
    expect(csvCell(null)).toBe('');
    expect(csvCell('Smith, John')).toBe('"Smith, John"');
    expect(csvCell('say "hi"\nbye')).toBe('"say ""hi""\nbye"');
  });
});

describe('toCsv', () => {
  it('writes a header and CRLF lines', () => {
    expect(toCsv([{ a: 1, b: '=x' }], ['a', 'b'])).toBe("a,b\r\n1,'=x\r\n");
  });
});
