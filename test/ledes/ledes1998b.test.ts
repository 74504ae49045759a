import { readFileSync } from 'node:fs';
import { ledesFromInvoices, readLedes1998B, validateLedes1998B, writeLedes1998B } from '../../scripts/src/ledes/ledes1998b';
import { describeWithReference } from '../support/reference';

describeWithReference('LEDES.org 1998B example', ['ledes', 'ledes1998b_spec_example_travisbashor.txt'], (file) => {
  const bytes = readFileSync(file);
  const text = bytes.toString('utf8');

  it('round-trips byte for byte through the reader and the writer', () => {
    expect(Buffer.from(writeLedes1998B(readLedes1998B(text)), 'utf8').equals(bytes)).toBe(true);
  });

  it('reads six lines of two invoices, keeping amounts as written', () => {
    const ledes = readLedes1998B(text);
    expect(ledes.lines).toHaveLength(6);
    expect(ledes.lines[0]!.lineNumber).toBe(3);
    expect(ledes.lines[0]!.values.LINE_ITEM_DESCRIPTION).toBe('Research Attorney’s fees, Set off claim');
    expect(ledes.lines[5]!.values.LINE_ITEM_ADJUSTMENT_AMOUNT).toBe('1250.');
    expect(new Set(ledes.lines.map((l) => l.values.INVOICE_NUMBER))).toEqual(new Set(['96542', '96543']));
  });

  it('validates: line totals and the invoice total of 1684.45 add up', () => {
    expect(validateLedes1998B(readLedes1998B(text))).toEqual([]);
  });

  it('names the line whose total is wrong, and the invoice that no longer adds up', () => {
    const broken = text.replace('|2.00|0|700|', '|2.00|0|710|');
    const errors = validateLedes1998B(readLedes1998B(broken, 'bill-96542.txt'), 'bill-96542.txt');
    expect(errors.map((e) => [e.code, e.location.line])).toEqual([
      ['LEX_LEDES_LINE_TOTAL', 4],
      ['LEX_LEDES_INVOICE_TOTAL', 3],
    ]);
    expect(errors[0]!.toString()).toContain('bill-96542.txt:4');
    expect(errors[1]!.message).toContain('1694.45');
  });
});

describe('LEDES 1998B reader errors', () => {
  const header = 'LEDES1998B[]\nINVOICE_DATE|INVOICE_NUMBER|CLIENT_ID|LAW_FIRM_MATTER_ID|INVOICE_TOTAL|BILLING_START_DATE|BILLING_END_DATE|INVOICE_DESCRIPTION|LINE_ITEM_NUMBER|EXP/FEE/INV_ADJ_TYPE|LINE_ITEM_NUMBER_OF_UNITS|LINE_ITEM_ADJUSTMENT_AMOUNT|LINE_ITEM_TOTAL|LINE_ITEM_DATE|LINE_ITEM_TASK_CODE|LINE_ITEM_EXPENSE_CODE|LINE_ITEM_ACTIVITY_CODE|TIMEKEEPER_ID|LINE_ITEM_DESCRIPTION|LAW_FIRM_ID|LINE_ITEM_UNIT_COST|TIMEKEEPER_NAME|TIMEKEEPER_CLASSIFICATION|CLIENT_MATTER_ID[]\n';

  it('rejects a file that is not LEDES 1998B', () => {
    expect(() => readLedes1998B('LEDES98BI V2[]\n', 'x.txt')).toThrow(expect.objectContaining({ code: 'LEX_LEDES_FORMAT', location: { file: 'x.txt', line: 1 } }));
  });

  it('names the line with a stray pipe', () => {
    const line = '19990225|1|C|M|10|||d|1|F|1|0|10|19990115||||T|a|b|F|10|||X[]';
    expect(() => readLedes1998B(header + line + '\n', 'y.txt')).toThrow(expect.objectContaining({ location: { file: 'y.txt', line: 3 } }));
  });

  it('reports a non-numeric amount by field', () => {
    const line = '19990225|1|C|M|10|||d|1|F|one|0|10|19990115||||T|desc|F|10|||X[]';
    const [error] = validateLedes1998B(readLedes1998B(header + line));
    expect(error).toMatchObject({ code: 'LEX_LEDES_BAD_NUMBER', location: { line: 3, field: 'LINE_ITEM_NUMBER_OF_UNITS' } });
  });
});

describe('ledesFromInvoices', () => {
  it('writes bills whose totals validate, with delimiters removed from free text', () => {
    const ledes = ledesFromInvoices([
      {
        invoiceDate: '2024-02-01',
        invoiceNumber: 'INV-7',
        clientId: 'clio:contact:1',
        lawFirmMatterId: '00010',
        description: 'January | services',
        lawFirmId: '24-6437381',
        lines: [
          { type: 'F', units: 1.5, unitCost: 300, date: '2024-01-15', taskCode: 'L110', activityCode: 'A101', timekeeperId: 'u1', description: 'Review [] file\nand notes' },
          { type: 'E', units: 1, unitCost: 24.95, expenseCode: 'E111', description: 'Meals' },
          { type: 'F', units: 1, unitCost: 100, adjustment: -10, description: 'Discounted call' },
        ],
      },
    ]);
    const text = writeLedes1998B(ledes);
    expect(validateLedes1998B(readLedes1998B(text))).toEqual([]);
    expect(readLedes1998B(text).lines[0]!.values).toMatchObject({ INVOICE_TOTAL: '564.95', INVOICE_DATE: '20240201', INVOICE_DESCRIPTION: 'January / services', LINE_ITEM_DESCRIPTION: 'Review () file and notes', LINE_ITEM_TOTAL: '450.00' });
  });
});
