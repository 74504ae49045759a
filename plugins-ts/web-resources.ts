/**
 * The web resources Lexbridge ships: which source file becomes which Dynamics web resource, and
 * the global its handlers hang from (form events and commands name `Lexbridge.MatterForm.onLoad`).
 * The publisher prefix is added when packing (`<prefix>_/scripts/<file>`).
 */
export interface WebResourceDef {
  entry: string;
  /** Output file under plugins-ts/out, and the web resource name after `<prefix>_/scripts/`. */
  file: string;
  globalName: string;
  displayName: string;
  description: string;
}

export const WEB_RESOURCES: readonly WebResourceDef[] = [
  {
    entry: 'src/matter-form.ts',
    file: 'matterform.js',
    globalName: 'Lexbridge.MatterForm',
    displayName: 'Lexbridge matter form',
    description: 'Matter form OnLoad: provenance notification and locking of migrated fields.',
  },
  {
    entry: 'src/run-commands.ts',
    file: 'runcommands.js',
    globalName: 'Lexbridge.RunCommands',
    displayName: 'Lexbridge run commands',
    description: 'Migration run command bar: approve sample, request rollback (Migration Admin only).',
  },
];

export const webResourceName = (prefix: string, def: WebResourceDef) => `${prefix}_/scripts/${def.file}`;
