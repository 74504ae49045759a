#!/usr/bin/env node
/**
 * Adds lockfile entries for platform-specific optional packages that the registry proxy of our
 * build machines does not serve (e.g. @swc/core-darwin-arm64). npm leaves them out of
 * package-lock.json when it cannot fetch them, and then `npm ci` refuses the lock ("Missing: …
 * from lock file") on every machine, ours and users' alike. The entries carry only what npm
 * needs to skip them on other platforms (version, optional, os/cpu/libc from the package name);
 * on a matching platform npm fetches them as usual.
 *
 *   node scripts/tools/complete-lockfile.mjs          # fix package-lock.json in place
 *   node scripts/tools/complete-lockfile.mjs --check  # exit 1 and list what is missing
 */
import { readFileSync, writeFileSync } from 'node:fs';

const file = new URL('../../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(file, 'utf8'));
const packages = lock.packages;

const OS = ['darwin', 'linux', 'win32', 'android', 'freebsd', 'openharmony', 'sunos', 'aix', 'netbsd', 'openbsd'];
const CPU = ['arm64', 'x64', 'ia32', 'arm', 'ppc64', 's390x', 'riscv64', 'loong64', 'mips64el', 'wasm32'];

/** `@swc/core-linux-arm-gnueabihf` → { os: ['linux'], cpu: ['arm'] }; musl builds get libc. */
function platformOf(name) {
  const parts = name.split('/').pop().split('-');
  const os = parts.find((p) => OS.includes(p));
  const cpu = parts.find((p) => CPU.includes(p));
  if (!os || !cpu) return undefined;
  const platform = { os: [os], cpu: [cpu] };
  if (os === 'linux' && parts.some((p) => p.startsWith('musl'))) platform.libc = ['musl'];
  else if (os === 'linux' && parts.some((p) => p === 'gnu' || p.startsWith('gnueabi'))) platform.libc = ['glibc'];
  return platform;
}

/** Where npm would place a dependency of the package at `parentPath`. */
function resolvedPath(parentPath, name) {
  let dir = parentPath;
  for (;;) {
    const candidate = `${dir ? `${dir}/` : ''}node_modules/${name}`;
    if (packages[candidate]) return candidate;
    const up = dir.lastIndexOf('/node_modules/');
    if (!dir) return undefined;
    dir = up >= 0 ? dir.slice(0, up) : '';
  }
}

const added = [];
for (const [path, entry] of Object.entries(packages)) {
  for (const [name, spec] of Object.entries(entry.optionalDependencies ?? {})) {
    if (resolvedPath(path, name)) continue;
    const platform = platformOf(name);
    if (!platform || !/^\d+\.\d+\.\d+/.test(spec)) {
      console.error(`cannot complete ${name}@${spec} (needed by ${path || 'the root'}): not a pinned platform package`);
      process.exitCode = 1;
      continue;
    }
    const target = `node_modules/${name}`;
    packages[target] = { version: spec, ...(entry.dev ? { dev: true } : {}), optional: true, ...platform };
    added.push(`${name}@${spec}`);
  }
}

if (process.argv.includes('--check')) {
  if (added.length) {
    console.error(`package-lock.json lacks ${added.length} platform package(s): ${added.join(', ')}.\nFix: node scripts/tools/complete-lockfile.mjs`);
    process.exitCode = 1;
  }
} else if (added.length) {
  lock.packages = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
  writeFileSync(file, JSON.stringify(lock, null, 2) + '\n');
  console.log(`added ${added.length} platform package entries to package-lock.json`);
}
