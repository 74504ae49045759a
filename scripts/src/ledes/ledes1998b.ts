/**
 * LEDES 1998B: the pipe-delimited e-billing format law departments accept. Dynamics has no native
 * home for it, so bills also leave a run as LEDES files. The reader keeps every field as the text
 * it read (`1250.`, `0.200`), so reading and writing a file gives back the same bytes; numbers are
 * parsed only to validate. Pure: no I/O.
 */
import { LexError } from '../errors';

export const LEDES_1998B_HEADER = 'LEDES1998B';

/** The 24 fields of LEDES 1998B, in order. */
export const LEDES_1998B_FIELDS = [
  'INVOICE_DATE',
  'INVOICE_NUMBER',
  'CLIENT_ID',
  'LAW_FIRM_MATTER_ID',
  'INVOICE_TOTAL',
  'BILLING_START_DATE',
  'BILLING_END_DATE',
  'INVOICE_DESCRIPTION',
  'LINE_ITEM_NUMBER',
  'EXP/FEE/INV_ADJ_TYPE',
  'LINE_ITEM_NUMBER_OF_UNITS',
  'LINE_ITEM_ADJUSTMENT_AMOUNT',
  'LINE_ITEM_TOTAL',
  'LINE_ITEM_DATE',
  'LINE_ITEM_TASK_CODE',
  'LINE_ITEM_EXPENSE_CODE',
  'LINE_ITEM_ACTIVITY_CODE',
  'TIMEKEEPER_ID',
  'LINE_ITEM_DESCRIPTION',
  'LAW_FIRM_ID',
  'LINE_ITEM_UNIT_COST',
  'TIMEKEEPER_NAME',
  'TIMEKEEPER_CLASSIFICATION',
  'CLIENT_MATTER_ID',
] as const;

export type LedesField = (typeof LEDES_1998B_FIELDS)[number];

export interface LedesLine {
  /** 1-based line number in the file (the header line is 1, field names 2). */
  lineNumber: number;
  values: Record<LedesField, string>;
}

export interface LedesFile {
  lines: LedesLine[];
  /** Line ending found in the file, kept so a round trip gives the same bytes. */
  eol: '\n' | '\r\n';
  finalEol: boolean;
}

const TERMINATOR = '[]';

function formatError(file: string, line: number, message: string, fix: string): LexError {
  return new LexError({ code: 'LEX_LEDES_FORMAT', message, fix, location: { file, line } });
}

/** Reads a LEDES 1998B file. Throws a LexError naming the line for anything that is not 1998B. */
export function readLedes1998B(text: string, file = 'invoice.txt'): LedesFile {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const finalEol = text.endsWith(eol);
  const rows = (finalEol ? text.slice(0, -eol.length) : text).split(eol);
  if (rows[0] !== `${LEDES_1998B_HEADER}${TERMINATOR}`) {
    throw formatError(file, 1, `First line is "${(rows[0] ?? '').slice(0, 40)}", not "LEDES1998B[]"`, 'Export the invoice as LEDES 1998B (LEDES98BI and XML formats are different files).');
  }
  const fieldRow = rows[1] ?? '';
  if (fieldRow !== `${LEDES_1998B_FIELDS.join('|')}${TERMINATOR}`) {
    throw formatError(file, 2, 'Field names line is not the 24 LEDES 1998B fields in order', 'Check the file was exported as LEDES 1998B, unmodified.');
  }
  const lines: LedesLine[] = [];
  rows.slice(2).forEach((row, i) => {
    const lineNumber = i + 3;
    if (!row.endsWith(TERMINATOR)) throw formatError(file, lineNumber, 'Line does not end with "[]"', 'Each LEDES line ends with []; the file may be truncated or re-wrapped.');
    const cells = row.slice(0, -TERMINATOR.length).split('|');
    if (cells.length !== LEDES_1998B_FIELDS.length) {
      throw formatError(file, lineNumber, `Line has ${cells.length} fields, LEDES 1998B has ${LEDES_1998B_FIELDS.length}`, 'A description probably contains "|"; remove it in the billing system and export again.');
    }
    const values = Object.fromEntries(LEDES_1998B_FIELDS.map((f, j) => [f, cells[j]!])) as Record<LedesField, string>;
    lines.push({ lineNumber, values });
  });
  return { lines, eol, finalEol };
}

/** Writes a LEDES 1998B file; `writeLedes1998B(readLedes1998B(x)) === x`. */
export function writeLedes1998B(file: LedesFile): string {
  const rows = [`${LEDES_1998B_HEADER}${TERMINATOR}`, `${LEDES_1998B_FIELDS.join('|')}${TERMINATOR}`];
  for (const line of file.lines) rows.push(`${LEDES_1998B_FIELDS.map((f) => line.values[f]).join('|')}${TERMINATOR}`);
  return rows.join(file.eol) + (file.finalEol ? file.eol : '');
}

const cents = (n: number) => Math.round(n * 100);

function parseAmount(text: string, file: string, line: number, field: LedesField, emptyIsZero: boolean): number | LexError {
  if (text === '' && emptyIsZero) return 0;
  const value = Number(text);
  if (text === '' || !Number.isFinite(value)) {
    return new LexError({ code: 'LEX_LEDES_BAD_NUMBER', message: `${field} is "${text}", not a number`, fix: 'Correct the amount in the billing system and export the invoice again.', location: { file, line, field } });
  }
  return value;
}

/**
 * Checks the arithmetic: each line's total is units × unit cost + adjustment, and each invoice's
 * lines add up to its INVOICE_TOTAL. Returns every problem, each naming its line.
 */
export function validateLedes1998B(ledes: LedesFile, file = 'invoice.txt'): LexError[] {
  const errors: LexError[] = [];
  const invoices = new Map<string, { total: number; firstLine: number; sum: number }>();
  for (const { lineNumber, values } of ledes.lines) {
    const units = parseAmount(values.LINE_ITEM_NUMBER_OF_UNITS, file, lineNumber, 'LINE_ITEM_NUMBER_OF_UNITS', false);
    const cost = parseAmount(values.LINE_ITEM_UNIT_COST, file, lineNumber, 'LINE_ITEM_UNIT_COST', true);
    const adjustment = parseAmount(values.LINE_ITEM_ADJUSTMENT_AMOUNT, file, lineNumber, 'LINE_ITEM_ADJUSTMENT_AMOUNT', true);
    const total = parseAmount(values.LINE_ITEM_TOTAL, file, lineNumber, 'LINE_ITEM_TOTAL', false);
    const invoiceTotal = parseAmount(values.INVOICE_TOTAL, file, lineNumber, 'INVOICE_TOTAL', false);
    const bad = [units, cost, adjustment, total, invoiceTotal].filter((v): v is LexError => v instanceof LexError);
    if (bad.length) {
      errors.push(...bad);
      continue;
    }
    const [u, c, a, t, it] = [units, cost, adjustment, total, invoiceTotal] as number[];
    if (cents(u! * c! + a!) !== cents(t!)) {
      errors.push(new LexError({
        code: 'LEX_LEDES_LINE_TOTAL',
        message: `Line item ${values.LINE_ITEM_NUMBER}: ${u} × ${c} + ${a} = ${(u! * c! + a!).toFixed(2)}, but LINE_ITEM_TOTAL is ${values.LINE_ITEM_TOTAL}`,
        fix: 'Correct the units, unit cost or adjustment of this line in the billing system and export again.',
        location: { file, line: lineNumber, field: 'LINE_ITEM_TOTAL' },
      }));
    }
    const invoice = invoices.get(values.INVOICE_NUMBER);
    if (!invoice) invoices.set(values.INVOICE_NUMBER, { total: it!, firstLine: lineNumber, sum: cents(t!) });
    else {
      invoice.sum += cents(t!);
      if (cents(invoice.total) !== cents(it!)) {
        errors.push(new LexError({ code: 'LEX_LEDES_INVOICE_TOTAL', message: `Invoice ${values.INVOICE_NUMBER} has INVOICE_TOTAL ${values.INVOICE_TOTAL} here but ${invoice.total} on line ${invoice.firstLine}`, fix: 'Every line of an invoice carries the same INVOICE_TOTAL; export the invoice again.', location: { file, line: lineNumber, field: 'INVOICE_TOTAL' } }));
      }
    }
  }
  for (const [number, invoice] of invoices) {
    if (invoice.sum !== cents(invoice.total)) {
      errors.push(new LexError({ code: 'LEX_LEDES_INVOICE_TOTAL', message: `Invoice ${number}: lines add up to ${(invoice.sum / 100).toFixed(2)}, but INVOICE_TOTAL is ${invoice.total}`, fix: 'A line is missing or an amount is wrong; correct the bill in the billing system and export again.', location: { file, line: invoice.firstLine, field: 'INVOICE_TOTAL' } }));
    }
  }
  return errors;
}

/** A bill as the supplemental package knows it, before it becomes LEDES text. */
export interface LedesInvoiceInput {
  invoiceDate: string;
  invoiceNumber: string;
  clientId: string;
  lawFirmMatterId: string;
  billingStartDate?: string;
  billingEndDate?: string;
  description: string;
  lawFirmId: string;
  clientMatterId?: string;
  lines: {
    type: 'F' | 'E' | 'IF' | 'IE';
    units: number;
    unitCost: number;
    adjustment?: number;
    date?: string;
    taskCode?: string;
    expenseCode?: string;
    activityCode?: string;
    timekeeperId?: string;
    timekeeperName?: string;
    timekeeperClassification?: string;
    description: string;
  }[];
}

/** `2024-01-15` or `2024-01-15T…` → `20240115`. */
function ledesDate(iso: string | undefined): string {
  return iso ? iso.slice(0, 10).replace(/-/g, '') : '';
}

/** Free text cannot carry the delimiters: `|` splits fields, `[]` ends lines. */
function ledesText(text: string | undefined): string {
  return (text ?? '').replace(/[\r\n]+/g, ' ').replace(/\|/g, '/').replace(/\[\]/g, '()');
}

const amount = (n: number) => (Math.round(n * 100) / 100).toFixed(2);

/** Builds LEDES 1998B lines for bills; totals are computed, so they always validate. */
export function ledesFromInvoices(invoices: readonly LedesInvoiceInput[]): LedesFile {
  const lines: LedesLine[] = [];
  for (const invoice of invoices) {
    const lineTotals = invoice.lines.map((l) => cents(l.units * l.unitCost + (l.adjustment ?? 0)));
    const invoiceTotal = lineTotals.reduce((a, b) => a + b, 0) / 100;
    invoice.lines.forEach((l, i) => {
      const values: Record<LedesField, string> = {
        INVOICE_DATE: ledesDate(invoice.invoiceDate),
        INVOICE_NUMBER: ledesText(invoice.invoiceNumber),
        CLIENT_ID: ledesText(invoice.clientId),
        LAW_FIRM_MATTER_ID: ledesText(invoice.lawFirmMatterId),
        INVOICE_TOTAL: amount(invoiceTotal),
        BILLING_START_DATE: ledesDate(invoice.billingStartDate),
        BILLING_END_DATE: ledesDate(invoice.billingEndDate),
        INVOICE_DESCRIPTION: ledesText(invoice.description),
        LINE_ITEM_NUMBER: String(i + 1),
        'EXP/FEE/INV_ADJ_TYPE': l.type,
        LINE_ITEM_NUMBER_OF_UNITS: String(l.units),
        LINE_ITEM_ADJUSTMENT_AMOUNT: amount(l.adjustment ?? 0),
        LINE_ITEM_TOTAL: amount(lineTotals[i]! / 100),
        LINE_ITEM_DATE: ledesDate(l.date),
        LINE_ITEM_TASK_CODE: ledesText(l.taskCode),
        LINE_ITEM_EXPENSE_CODE: ledesText(l.expenseCode),
        LINE_ITEM_ACTIVITY_CODE: ledesText(l.activityCode),
        TIMEKEEPER_ID: ledesText(l.timekeeperId),
        LINE_ITEM_DESCRIPTION: ledesText(l.description),
        LAW_FIRM_ID: ledesText(invoice.lawFirmId),
        LINE_ITEM_UNIT_COST: amount(l.unitCost),
        TIMEKEEPER_NAME: ledesText(l.timekeeperName),
        TIMEKEEPER_CLASSIFICATION: ledesText(l.timekeeperClassification),
        CLIENT_MATTER_ID: ledesText(invoice.clientMatterId),
      };
      lines.push({ lineNumber: lines.length + 3, values });
    });
  }
  return { lines, eol: '\r\n', finalEol: true };
}
