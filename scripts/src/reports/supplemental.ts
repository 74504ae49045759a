/**
 * The supplemental package: what Dynamics has no native home for, handed over as files — trust
 * balances as CSV, bills as LEDES 1998B. Built from the same TargetOps the run loaded; pure.
 */
import { ledesFromInvoices, type LedesInvoiceInput } from '../ledes/ledes1998b';
import type { TargetOp } from '../mapping/target-op';
import { Tables } from '../../../solution/generated/names';
import { toCsv } from './csv';

const str = (v: unknown) => (v === null || v === undefined ? '' : String(v));
const num = (v: unknown) => (typeof v === 'number' ? v : Number(v ?? 0) || 0);

const TRUST_SNAPSHOT = Tables.lex_trustsnapshot.logicalName;
/** The tables the package is made from: trust snapshots, and bills with their lines (native tables). */
const PACKAGE_TABLES: ReadonlySet<string> = new Set([TRUST_SNAPSHOT, 'invoice', 'invoicedetail']);

/** The ops the package is made from, picked as they stream past. */
export function* supplementalOps(ops: Iterable<TargetOp>): Iterable<TargetOp> {
  for (const op of ops) if (PACKAGE_TABLES.has(op.table)) yield op;
}

export function trustBalancesCsv(ops: readonly TargetOp[]): string {
  const rows = ops
    .filter((o) => o.table === TRUST_SNAPSHOT)
    .map((o) => ({
      source_key: o.sourceKey,
      matter: o.lookups.lex_matterid?.sourceKey ?? '',
      client: o.lookups.lex_clientid?.sourceKey ?? '',
      trust_account: str(o.columns.lex_trustaccount),
      currency: str(o.columns.lex_currencycode),
      as_of: str(o.columns.lex_asof),
      total_in: num(o.columns.lex_totalin),
      total_out: num(o.columns.lex_totalout),
      balance: num(o.columns.lex_balance),
    }));
  return toCsv(rows, ['source_key', 'matter', 'client', 'trust_account', 'currency', 'as_of', 'total_in', 'total_out', 'balance']);
}

/**
 * Bills (invoice + invoicedetail ops) as LEDES invoices. The firm's tax id goes in LAW_FIRM_ID;
 * a write-in line's manual discount becomes a negative adjustment.
 */
export function ledesInvoicesFromOps(ops: readonly TargetOp[], lawFirmId: string): LedesInvoiceInput[] {
  const lines = new Map<string, TargetOp[]>();
  for (const o of ops) {
    if (o.table !== 'invoicedetail') continue;
    const invoiceId = o.lookups.invoiceid?.id;
    if (invoiceId) lines.set(invoiceId, [...(lines.get(invoiceId) ?? []), o]);
  }
  return ops
    .filter((o) => o.table === 'invoice')
    .map((invoice) => {
      const date = str(invoice.columns.lex_ledesinvoicedate || invoice.columns.datedelivered);
      return {
        invoiceDate: date,
        invoiceNumber: str(invoice.columns.invoicenumber || invoice.sourceKey),
        clientId: invoice.lookups.customerid?.sourceKey ?? '',
        lawFirmMatterId: invoice.lookups.lex_matterid?.sourceKey ?? '',
        description: str(invoice.columns.name),
        lawFirmId,
        lines: (lines.get(invoice.id) ?? [])
          .sort((a, b) => (a.targetKey < b.targetKey ? -1 : 1))
          .map((l) => {
            const type = str(l.columns.lex_ledeslinetype) === 'E' ? 'E' : 'F';
            return {
              type,
              units: num(l.columns.quantity),
              unitCost: num(l.columns.priceperunit),
              adjustment: -num(l.columns.manualdiscountamount),
              date: str(l.columns.lex_linedate),
              taskCode: str(l.columns.lex_utbmstaskcode),
              activityCode: str(l.columns.lex_utbmsactivitycode),
              expenseCode: str(l.columns.lex_utbmsexpensecode),
              timekeeperId: str(l.columns.lex_timekeeperid),
              description: str(l.columns.productdescription || l.columns.description),
            } as LedesInvoiceInput['lines'][number];
          }),
      };
    });
}

export { ledesFromInvoices };
