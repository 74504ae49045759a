/**
 * Extraction and load estimates from documented limits, each with its formula spelled out so an
 * admin can check it (reference/notes/sources.md §1.6, §3.5; dataverse-webapi.md §4.3, §5).
 */
import type { SourceKind } from '../sources/contract';

/** Documented source limits. Actionstep publishes none: the figure is an assumption and says so. */
export const SOURCE_LIMITS: Record<SourceKind, { requestsPerMinute?: number; pageSize?: number; note: string }> = {
  'clio-api': { requestsPerMinute: 50, pageSize: 200, note: 'Clio API v4: 50 requests/minute per token at peak (higher off-peak), 200 records per page' },
  actionstep: { requestsPerMinute: 60, pageSize: 200, note: 'Actionstep: rate limited since 2024 with no published figure; 60 requests/minute assumed, 200 records per page' },
  'clio-csv': { note: 'Clio CSV export: read from files, no API requests' },
  perfectportal: { note: 'Perfect Portal: no public API; read from the export files, no API requests' },
};

/** Dataverse service protection per user per web server (api-limits, 11/2024). */
export const DATAVERSE_LIMITS = { requestsPer300s: 6000, executionSecondsPer300s: 1200, bulkSize: 100 };
/** Server time per row written by a bulk request; Microsoft's sample creates 100 rows in about 1 s at DOP 4. */
export const ASSUMED_SERVER_MS_PER_ROW = 10;
/** Power Platform request pool for application users on D365 Professional/Enterprise (05/2025). */
export const ENTITLEMENT = { base: 500_000, perLicence: 5_000, max: 10_000_000 };

export interface EstimateInput {
  source: SourceKind;
  /** Records per entity (staging counts). */
  records: Record<string, number>;
  /** Documents to download (one request each from an API source). */
  documents: number;
  /** Rows to write per target table. */
  rows: Record<string, number>;
  /** Rows that must leave their table's default state (one more request each). */
  stateChanges: number;
  /** Dynamics 365 user licences in the tenant (they grow the pool). */
  licences: number;
}

export interface Estimate {
  name: string;
  value: number;
  unit: string;
  formula: string;
}

export interface Estimates {
  extractionRequests: Estimate;
  extractionHours: Estimate;
  dataverseRequests: Estimate;
  dailyEntitlement: Estimate;
  loadDays: Estimate;
  loadHours: Estimate;
  totalHours: number;
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

export function estimate(input: EstimateInput): Estimates {
  const limits = SOURCE_LIMITS[input.source];
  const pages = Object.values(input.records).reduce((n, count) => n + Math.ceil(count / (limits.pageSize ?? 1)), 0);
  const extractionRequests = limits.requestsPerMinute ? pages + input.documents : 0;
  const extractionHours = limits.requestsPerMinute ? extractionRequests / limits.requestsPerMinute / 60 : 0;

  const rowCount = Object.values(input.rows).reduce((a, b) => a + b, 0);
  const readBack = Math.ceil(rowCount / 5000);
  const dataverseRequests = rowCount + input.stateChanges + readBack;
  const pool = Math.min(ENTITLEMENT.max, ENTITLEMENT.base + ENTITLEMENT.perLicence * input.licences);
  const loadDays = Math.max(1, Math.ceil(dataverseRequests / pool));

  const httpRequests = Object.values(input.rows).reduce((n, rows) => n + Math.ceil(rows / DATAVERSE_LIMITS.bulkSize), 0) + input.stateChanges + readBack;
  const byCount = httpRequests / (DATAVERSE_LIMITS.requestsPer300s / 300);
  const byTime = (rowCount * ASSUMED_SERVER_MS_PER_ROW) / 1000 / (DATAVERSE_LIMITS.executionSecondsPer300s / 300);
  const loadHours = Math.max(byCount, byTime) / 3600;

  return {
    extractionRequests: {
      name: 'Source requests to extract',
      value: extractionRequests,
      unit: 'requests',
      formula: limits.requestsPerMinute
        ? `Σ ceil(records per entity ÷ ${limits.pageSize}) = ${pages} pages + ${input.documents} document downloads`
        : `0: ${limits.note}`,
    },
    extractionHours: {
      name: 'Extraction time',
      value: round(extractionHours),
      unit: 'hours',
      formula: limits.requestsPerMinute ? `${extractionRequests} requests ÷ ${limits.requestsPerMinute}/min ÷ 60 (${limits.note})` : limits.note,
    },
    dataverseRequests: {
      name: 'Dataverse requests (entitlement)',
      value: dataverseRequests,
      unit: 'requests',
      formula: `${rowCount} rows (every row counts, bulk or not) + ${input.stateChanges} state changes (rows not left in the default state) + ${readBack} read-back pages (rows ÷ 5,000)`,
    },
    dailyEntitlement: {
      name: 'Daily request pool for the migration identity',
      value: pool,
      unit: 'requests/24 h',
      formula: `min(${ENTITLEMENT.max.toLocaleString('en-US')}, ${ENTITLEMENT.base.toLocaleString('en-US')} + ${ENTITLEMENT.perLicence.toLocaleString('en-US')} × ${input.licences} licences) (D365 Professional/Enterprise tenant pool)`,
    },
    loadDays: { name: 'Days of entitlement the load uses', value: loadDays, unit: 'days', formula: `ceil(${dataverseRequests} ÷ ${pool}), at least 1` },
    loadHours: {
      name: 'Load time (one user, one web server)',
      value: round(loadHours),
      unit: 'hours',
      formula:
        `max(${httpRequests} HTTP requests (bulk of ${DATAVERSE_LIMITS.bulkSize}) ÷ ${DATAVERSE_LIMITS.requestsPer300s / 300}/s, ` +
        `${rowCount} rows × ${ASSUMED_SERVER_MS_PER_ROW} ms ÷ ${DATAVERSE_LIMITS.executionSecondsPer300s / 300} server-s/s) ÷ 3600`,
    },
    totalHours: round(extractionHours + loadHours),
  };
}
