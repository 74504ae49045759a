/**
 * Source kinds → connector factories, for `lexbridge extract` and `discover`. Each source adds
 * one line; nothing else in the CLI knows about individual sources.
 */
import { LexError } from '../errors';
import { SOURCE_KINDS, type ConnectorFactory, type ConnectorOptions, type SourceConnector, type SourceKind } from './contract';
import { createClioCsvConnector } from './clio-csv/connector';
import { createPerfectPortalConnector } from './perfectportal/connector';
import { createClioApiConnector } from './clio-api/connector';
import { createActionstepConnector } from './actionstep/connector';

const factories: Partial<Record<SourceKind, ConnectorFactory>> = {
  'clio-csv': createClioCsvConnector,
  perfectportal: createPerfectPortalConnector,
  'clio-api': (options) => createClioApiConnector(options),
  actionstep: (options) => createActionstepConnector(options),
};

export function isSourceKind(value: string): value is SourceKind {
  return (SOURCE_KINDS as readonly string[]).includes(value);
}

export async function createConnector(kind: string, options: ConnectorOptions): Promise<SourceConnector> {
  const factory = isSourceKind(kind) ? factories[kind] : undefined;
  if (!factory) {
    const known = Object.keys(factories);
    throw new LexError({
      code: 'LEX_SOURCE_UNKNOWN',
      message: `no connector for source "${kind}"`,
      fix: `Use --source with one of: ${known.join(', ')}.`,
    });
  }
  return factory(options);
}
