/**
 * `lexbridge map`: writes a draft mapping profile (the source's default plus proposals for the
 * custom fields found in staging), and `lexbridge map confirm` records who confirmed it. Nothing
 * is ever confirmed automatically.
 */
import type { Command } from 'commander';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { LexError } from '../../errors';
import { defaultProfile } from '../../mapping/default-profiles';
import { confirmProfile, parseProfile, profileHash } from '../../mapping/profile-lifecycle';
import { SOURCE_KINDS, type Profile, type SourceKind } from '../../mapping/profile';
import { profileJsonSchema, toJsonFile } from '../../mapping/profile-json-schema';
import { applyProposals, fieldsFromRecords, proposeFields } from '../../mapping/proposer';
import { openStaging } from '../../preflight/staging-input';

export interface MapOptions {
  source?: string;
  from?: string;
  out: string;
}

export function sourceKind(value: string | undefined, hint: string): SourceKind {
  if (value && (SOURCE_KINDS as readonly string[]).includes(value)) return value as SourceKind;
  throw new LexError({
    code: 'LEX_CLI_BAD_SOURCE',
    message: value ? `"${value}" is not a source kind` : 'the source kind is not known',
    fix: `Pass --source with one of ${SOURCE_KINDS.join(', ')}${hint}.`,
  });
}

/** Draft = default profile for the source + proposals for the custom fields staging holds. */
export function draftProfile(options: MapOptions): { profile: Profile; proposals: number } {
  let profile: Profile;
  if (options.from) {
    const staging = openStaging(options.from);
    try {
      const kind = sourceKind(options.source ?? staging.manifest().source, ' (staging does not say which source it holds)');
      const base = defaultProfile(kind);
      const proposals = proposeFields(fieldsFromRecords(staging.records()), base);
      profile = applyProposals(base, proposals);
    } finally {
      staging.close();
    }
  } else profile = defaultProfile(sourceKind(options.source, ''));
  const { $schema: _ignored, ...rest } = profile;
  const draft: Profile = { ...rest, status: 'draft' };
  return { profile: { ...draft, hash: profileHash(draft) }, proposals: draft.proposals.length };
}

export function readProfileFile(file: string): Profile {
  if (!existsSync(file))
    throw new LexError({ code: 'LEX_PROFILE_NOT_FOUND', message: `no profile at ${file}`, fix: 'Write one with `lexbridge map --source <kind> --out profile.json`.', location: { file } });
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new LexError({ code: 'LEX_PROFILE_INVALID', message: `${file} is not JSON: ${(cause as Error).message}`, fix: 'Correct the JSON syntax.', location: { file }, cause });
  }
  return parseProfile(json, file);
}

/** Regenerates `profiles/profile.schema.json` and `profiles/<source>.json` from the code that defines them. */
export function writeDefaultProfiles(dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const files = [path.join(dir, 'profile.schema.json')];
  writeFileSync(files[0]!, toJsonFile(profileJsonSchema()));
  for (const kind of SOURCE_KINDS) {
    const file = path.join(dir, `${kind}.json`);
    writeFileSync(file, toJsonFile({ $schema: './profile.schema.json', ...defaultProfile(kind) }));
    files.push(file);
  }
  return files;
}

export function register(program: Command): void {
  const map = program
    .command('map')
    .description('Step 2: write a draft mapping profile: the source\'s default map plus proposals for its custom fields')
    .option('--source <kind>', `source kind: ${SOURCE_KINDS.join(', ')} (default: what staging holds)`)
    .option('--from <dir>', 'staging directory (from `lexbridge extract`) whose custom fields get proposals')
    .option('--out <file>', 'where to write the draft', 'profile.json')
    .action((options: MapOptions) => {
      const { profile, proposals } = draftProfile(options);
      writeFileSync(options.out, toJsonFile(profile));
      console.log(`Draft profile "${profile.name}" v${profile.version} written to ${options.out} (${proposals} proposal(s)).`);
      for (const p of profile.proposals) console.log(`  ${p.entity}.${p.field} → ${p.table}.${p.column} (score ${p.score}): ${p.reason}`);
      console.log(`Review it, then confirm: lexbridge map confirm ${options.out} --by <your email>`);
    });

  map
    .command('confirm <file>')
    .description('Confirm a draft profile: records who and when, pins its content hash; it is immutable afterwards')
    .requiredOption('--by <email>', 'email of the person confirming the map')
    .action((file: string, options: { by: string }) => {
      const confirmed = confirmProfile(readProfileFile(file), options.by);
      writeFileSync(file, toJsonFile(confirmed));
      console.log(`Confirmed "${confirmed.name}" v${confirmed.version} by ${confirmed.confirmedBy} at ${confirmed.confirmedAt} (${confirmed.hash}).`);
    });

  map
    .command('write-defaults')
    .description('Regenerate profiles/*.json and profiles/profile.schema.json from the code (for maintainers)')
    .option('--dir <dir>', 'output directory', 'profiles')
    .action((options: { dir: string }) => {
      for (const file of writeDefaultProfiles(options.dir)) console.log(`wrote ${file}`);
    });
}
