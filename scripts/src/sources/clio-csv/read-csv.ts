/**
 * Streams the rows of one CSV export file, whatever Excel or the exporting system did to it:
 * encoding (UTF-8 with or without BOM, UTF-16LE/BE with BOM, Windows-1252 when the first 64 KB
 * are not valid UTF-8), delimiter (`,` `;` or tab, from the header line), CRLF, LF or both mixed, quoted newlines.
 * Never reads the whole file: bytes are decoded and parsed as they stream.
 *
 * Rows that cannot be parsed (broken quoting, a file cut off inside a quoted value) become
 * `{ kind: 'bad' }` items with the line range, and reading goes on with the next row.
 */
import { parse, type CsvError } from 'csv-parse';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Transform } from 'node:stream';

export type CsvItem =
  | { kind: 'header'; headers: string[]; encoding: string; delimiter: string }
  | { kind: 'row'; values: string[]; line: number }
  | { kind: 'bad'; fromLine: number; toLine: number; reason: string };

const SAMPLE_BYTES = 64 * 1024;

export async function detectEncoding(file: string): Promise<{ encoding: string; bomBytes: number }> {
  const handle = await open(file, 'r');
  try {
    const sample = Buffer.alloc(SAMPLE_BYTES);
    const { bytesRead } = await handle.read(sample, 0, SAMPLE_BYTES, 0);
    const head = sample.subarray(0, bytesRead);
    if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8', bomBytes: 3 };
    if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', bomBytes: 2 };
    if (head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', bomBytes: 2 };
    try {
      // `stream: true` tolerates a character cut at the end of the sample.
      new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
      return { encoding: 'utf-8', bomBytes: 0 };
    } catch {
      return { encoding: 'windows-1252', bomBytes: 0 };
    }
  } finally {
    await handle.close();
  }
}

/** The delimiter that splits the header line into the most fields, quotes respected. */
export function detectDelimiter(headerLine: string): string {
  let best = ',';
  let bestCount = 0;
  for (const candidate of [',', ';', '\t']) {
    let count = 0;
    let quoted = false;
    for (const ch of headerLine) {
      if (ch === '"') quoted = !quoted;
      else if (!quoted && ch === candidate) count++;
    }
    if (count > bestCount) {
      best = candidate;
      bestCount = count;
    }
  }
  return best;
}

function decoder(encoding: string, skipBytes: number): Transform {
  const text = new TextDecoder(encoding);
  let toSkip = skipBytes;
  return new Transform({
    readableObjectMode: false,
    transform(chunk: Buffer, _enc, done) {
      let bytes = chunk;
      if (toSkip > 0) {
        const skip = Math.min(toSkip, bytes.length);
        bytes = bytes.subarray(skip);
        toSkip -= skip;
      }
      done(null, text.decode(bytes, { stream: true }));
    },
    flush(done) {
      done(null, text.decode());
    },
  });
}

/** Reads the header line only (for discovery and delimiter detection). */
async function firstLine(file: string, encoding: string, bomBytes: number): Promise<string> {
  const stream = createReadStream(file, { start: bomBytes, end: bomBytes + SAMPLE_BYTES - 1 }).pipe(decoder(encoding, 0));
  let text = '';
  for await (const chunk of stream) {
    text += String(chunk);
    if (/\r?\n/.test(text)) break;
  }
  stream.destroy();
  return text.split(/\r?\n/)[0] ?? '';
}

export async function* readCsv(file: string, options: { encoding?: string } = {}): AsyncGenerator<CsvItem> {
  const detected = await detectEncoding(file);
  const encoding = options.encoding ?? detected.encoding;
  const bomBytes = options.encoding ? 0 : detected.bomBytes;
  const delimiter = detectDelimiter(await firstLine(file, encoding, bomBytes));

  // The parser runs ahead of the consumer, so a bad row's line comes from the parser's error,
  // and a good row's from its own end line minus the newlines inside its quoted values.
  const bad: CsvItem[] = [];
  let lastBadLine = -1;
  const parser = parse({
    delimiter,
    // Auto-detection fixes the record delimiter from the first line; a hand-edited export mixes
    // CRLF and LF rows, so accept both everywhere (CRLF first, so its CR is not kept in a value).
    record_delimiter: ['\r\n', '\n'],
    bom: true,
    info: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    on_skip: (error: CsvError | undefined) => {
      const line = (error as (CsvError & { lines?: number }) | undefined)?.lines ?? 0;
      // One broken row can raise several errors (one per stray quote): report it once.
      if (line === lastBadLine) return undefined;
      lastBadLine = line;
      bad.push({ kind: 'bad', fromLine: line, toLine: line, reason: error?.message ?? 'unreadable row' });
      return undefined;
    },
  });
  const rows = createReadStream(file).pipe(decoder(encoding, bomBytes)).pipe(parser);

  let header = true;
  for await (const item of rows as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    while (bad.length) yield bad.shift()!;
    const line = item.info.lines - item.record.reduce((n, v) => n + (v.match(/\n/g)?.length ?? 0), 0);
    if (header) {
      header = false;
      yield { kind: 'header', headers: item.record.map((h) => h.replace(/^\uFEFF/, '').trim()), encoding, delimiter };
      continue;
    }
    yield { kind: 'row', values: item.record, line };
  }
  while (bad.length) yield bad.shift()!;
}
