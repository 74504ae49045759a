/**
 * Opens a Perfect Portal export package, a folder or a .zip of one, and reads its JSON Lines
 * files line by line. A folder is streamed from disk; a zip's entries are inflated as streams,
 * but the zip's compressed bytes are held in memory (JSZip needs its central directory), so
 * very large exports are better unpacked first.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import JSZip from 'jszip';

export interface ExportPackage {
  /** Where the package is, for messages. */
  location: string;
  has(name: string): boolean;
  /** Lines of a text file, numbered from 1. */
  lines(name: string): AsyncGenerator<{ line: number; text: string }>;
  open(name: string): Readable;
}

export async function openPackage(location: string): Promise<ExportPackage> {
  if (existsSync(location) && statSync(location).isDirectory()) return folderPackage(location);
  const zip = await JSZip.loadAsync(await readFile(location));
  // A zip of the folder may hold everything under one top-level directory.
  const manifest = Object.keys(zip.files).find((name) => name === 'manifest.json' || name.endsWith('/manifest.json'));
  const prefix = manifest ? manifest.slice(0, -'manifest.json'.length) : '';
  const entry = (name: string) => zip.file(prefix + name);
  return {
    location,
    has: (name) => entry(name) !== null,
    open: (name) => entry(name)!.nodeStream('nodebuffer') as unknown as Readable,
    lines: (name) => numberedLines(entry(name)!.nodeStream('nodebuffer') as unknown as Readable),
  };
}

function folderPackage(dir: string): ExportPackage {
  const file = (name: string) => path.join(dir, ...name.split('/'));
  return {
    location: dir,
    has: (name) => existsSync(file(name)),
    open: (name) => createReadStream(file(name)),
    lines: (name) => numberedLines(createReadStream(file(name))),
  };
}

async function* numberedLines(stream: Readable): AsyncGenerator<{ line: number; text: string }> {
  let line = 0;
  for await (const text of createInterface({ input: stream, crlfDelay: Infinity })) {
    line++;
    yield { line, text: line === 1 ? text.replace(/^\uFEFF/, '') : text };
  }
}
