/**
 * Runs xmllint against Microsoft's XSDs (the xmllint-patched 9.0.0.2090 set). Tests that need it
 * skip with a notice when xmllint or the reference set is absent (.ci/run installs libxml2-utils).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { referencePath } from '../support/reference';

export function hasXmllint(): boolean {
  try {
    execFileSync('xmllint', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export const XSD_DIR = ['xsd', '9.0.0.2090-xmllint'];

export interface LintResult {
  ok: boolean;
  output: string;
}

/** Validates an XML string against one XSD of the set (by file name). */
export function validateAgainst(xsdName: string, xml: string, name = 'document.xml'): LintResult {
  const xsd = referencePath(...XSD_DIR, xsdName);
  if (!xsd) throw new Error(`reference XSD ${xsdName} is missing`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lex-xsd-'));
  const file = path.join(dir, name);
  writeFileSync(file, xml);
  const run = spawnSync('xmllint', ['--noout', '--schema', xsd, file], { encoding: 'utf8' });
  return { ok: run.status === 0, output: `${run.stdout}${run.stderr}`.trim() };
}

/** `describe` that runs only when xmllint and the XSD set are both available. */
export function describeWithXmllint(name: string, fn: () => void): void {
  const available = hasXmllint() && referencePath(...XSD_DIR, 'CustomizationsSolution.xsd') !== undefined;
  if (available) {
    describe(name, fn);
    return;
  }
  describe.skip(name, () => {
    it('needs xmllint and the reference XSDs', () => undefined);
  });
  console.warn(`[skipped] ${name}: needs xmllint (apt-get install libxml2-utils) and ../shared/reference/xsd/9.0.0.2090-xmllint.`);
}
