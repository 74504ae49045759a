/**
 * `lexbridge generate`: a seeded firm rendered in one source's format, plus `manifest.json`:
 *   { source, seed, matters, dirtRate, counts: { <entity>: n }, dirty: [{ sourceKey, rule }],
 *     customFields: [{ sourceKey, name, parentType, expectedTarget }],
 *     users: [{ sourceKey, name, email, inDynamics }] (when the renderer reports them) }
 * (plus, for Perfect Portal, the package manifest's own keys: format, version, exportedAt, files).
 * The same options always give byte-identical output (no clock, no randomness outside the seed).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { LexError } from '../errors';
import type { SourceKind } from '../sources/contract';
import { generateFirm } from './firm';
import { renderClioCsv } from './render/clio-csv';
import { renderPerfectPortal } from './render/perfectportal';
import { renderClioApi } from './render/clio-api';
import { renderActionstep } from './render/actionstep';
import type { Renderer, RenderResult } from './render/types';

/** One line per source format. */
export const RENDERERS: Partial<Record<SourceKind, Renderer>> = {
  'clio-csv': renderClioCsv,
  perfectportal: renderPerfectPortal,
  'clio-api': renderClioApi,
  actionstep: renderActionstep,
};

export interface GenerateOptions {
  source: string;
  matters: number;
  seed: number;
  dirtRate: number;
  out: string;
}

export interface GenerateManifest extends RenderResult {
  source: string;
  seed: number;
  matters: number;
  dirtRate: number;
}

export const MANIFEST_FILE = 'manifest.json';

export async function generate(options: GenerateOptions): Promise<GenerateManifest> {
  const render = RENDERERS[options.source as SourceKind];
  if (!render)
    throw new LexError({
      code: 'LEX_GENERATE_UNKNOWN_SOURCE',
      message: `no renderer for source "${options.source}"`,
      fix: `Use --source with one of: ${Object.keys(RENDERERS).join(', ')}.`,
    });
  if (!Number.isInteger(options.matters) || options.matters < 1)
    throw new LexError({ code: 'LEX_GENERATE_BAD_OPTION', message: `--matters ${options.matters} is not a positive whole number`, fix: 'Pass --matters 40 (or any n ≥ 1).' });
  if (!(options.dirtRate >= 0 && options.dirtRate <= 1))
    throw new LexError({ code: 'LEX_GENERATE_BAD_OPTION', message: `--dirt-rate ${options.dirtRate} is not between 0 and 1`, fix: 'Pass --dirt-rate 0.05 for 5 % dirty records, or 0 for none.' });

  const firm = generateFirm({ seed: options.seed, matters: options.matters, dirtRate: options.dirtRate });
  mkdirSync(options.out, { recursive: true });
  const { packageManifest, ...rendered } = await render(firm, options.out);
  const manifest: GenerateManifest = { source: options.source, seed: options.seed, matters: options.matters, dirtRate: options.dirtRate, ...rendered };
  // A format that needs its own manifest.json (Perfect Portal) shares the file: its keys first, ours after.
  writeFileSync(path.join(options.out, MANIFEST_FILE), JSON.stringify({ ...packageManifest, ...manifest }, null, 2) + '\n');
  return manifest;
}
