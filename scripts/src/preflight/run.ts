/**
 * Pre-flight from a staging directory against an environment: reads both sides (read-only),
 * runs the pure checks and writes preflight.json, preflight.csv and preflight.html.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { DataverseClient } from '../dataverse/client';
import { defaultProfile } from '../mapping/default-profiles';
import type { MappableRecord } from '../mapping/engine';
import type { Profile, SourceKind } from '../mapping/profile';
import { requiredColumns, runPreflight, type PreflightReport } from './checks';
import { readEnvironment } from './environment';
import { renderCsv, renderHtml } from './render';
import { openStaging } from './staging-input';
import { setupOps } from '../mapping/context';

export interface PreflightOptions {
  from: string;
  client: DataverseClient;
  /** The profile to check; default: the source's default profile. */
  profile?: Profile;
  /** Default: the source staging says it holds. */
  source?: SourceKind;
  customTableLimit?: number;
  licences?: number;
}

export async function preflightFromStaging(options: PreflightOptions, resolveSource: (fromStaging: string | undefined) => SourceKind): Promise<PreflightReport> {
  const staging = openStaging(options.from);
  try {
    const stagingSource = staging.manifest().source;
    const source = options.profile?.source ?? options.source ?? resolveSource(stagingSource);
    const profile = options.profile ?? defaultProfile(source);
    const tables = new Set([...requiredColumns(profile).keys(), ...setupOps(profile).map((o) => o.table)]);
    const environment = await readEnvironment(options.client, [...tables]);
    return runPreflight({
      source,
      profile,
      // Streamed from SQLite on each pass, so a large firm is never held in memory whole.
      records: () => staging.records() as Iterable<unknown> as Iterable<MappableRecord>,
      stagingIssues: staging.issues(),
      environment,
      ...(stagingSource ? { stagingSource } : {}),
      ...(options.customTableLimit !== undefined ? { customTableLimit: options.customTableLimit } : {}),
      ...(options.licences !== undefined ? { licences: options.licences } : {}),
    });
  } finally {
    staging.close();
  }
}

export function writePreflightReports(dir: string, report: PreflightReport, now: Date = new Date()): string[] {
  mkdirSync(dir, { recursive: true });
  const files = {
    'preflight.json': `${JSON.stringify({ generatedAt: now.toISOString(), ...report }, null, 2)}\n`,
    'preflight.csv': renderCsv(report),
    'preflight.html': renderHtml(report, now.toISOString()),
  };
  return Object.entries(files).map(([name, content]) => {
    const file = path.join(dir, name);
    writeFileSync(file, content);
    return file;
  });
}
