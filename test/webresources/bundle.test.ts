/**
 * The built scripts as Dynamics loads them: plain scripts in a page, exposing the handler names
 * forms and commands are configured with (`Lexbridge.MatterForm.onLoad`, …).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runInNewContext } from 'node:vm';
import { buildWebResources } from '../../plugins-ts/build';

let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'lex-webresources-'));
  await buildWebResources(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function load(file: string): Record<string, Record<string, unknown>> {
  const page: { Lexbridge?: Record<string, Record<string, unknown>> } = {};
  runInNewContext(readFileSync(path.join(dir, file), 'utf8'), page);
  return page.Lexbridge!;
}

describe('built web resources', () => {
  it('the matter form script exposes Lexbridge.MatterForm.onLoad', () => {
    expect(typeof load('matterform.js')['MatterForm']!['onLoad']).toBe('function');
  });

  it('the run command script exposes the actions and their enable rules', () => {
    const commands = load('runcommands.js')['RunCommands']!;
    for (const name of ['approveSample', 'requestRollback', 'canApprove', 'canRequestRollback']) expect(typeof commands[name]).toBe('function');
  });

  it('two scripts on one page share the Lexbridge namespace', () => {
    const page: { Lexbridge?: Record<string, unknown> } = {};
    runInNewContext(readFileSync(path.join(dir, 'matterform.js'), 'utf8'), page);
    runInNewContext(readFileSync(path.join(dir, 'runcommands.js'), 'utf8'), page);
    expect(Object.keys(page.Lexbridge!).sort()).toEqual(['MatterForm', 'RunCommands']);
  });
});
