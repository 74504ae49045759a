/** A streaming CSV file writer that respects backpressure (RFC 4180 quoting, CRLF like Excel). */
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';

export class CsvWriter {
  private readonly stream: WriteStream;
  constructor(
    file: string,
    headers: string[],
    private readonly delimiter = ',',
    encoding: 'utf-8-bom' | 'utf-8' = 'utf-8-bom',
  ) {
    this.stream = createWriteStream(file);
    // Excel-ready CSV starts with a UTF-8 BOM so Excel reads it as UTF-8.
    if (encoding === 'utf-8-bom') this.stream.write('\uFEFF');
    this.stream.write(this.line(headers));
  }

  async write(values: (string | number | boolean | null | undefined)[]): Promise<void> {
    if (!this.stream.write(this.line(values))) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    this.stream.end();
    await once(this.stream, 'finish');
  }

  private line(values: (string | number | boolean | null | undefined)[]): string {
    return values.map((v) => quote(v === null || v === undefined ? '' : String(v), this.delimiter)).join(this.delimiter) + '\r\n';
  }
}

function quote(value: string, delimiter: string): string {
  return value.includes('"') || value.includes(delimiter) || /[\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
