// ESLint flat config for the whole repository (pcf-scripts also reads it when it lints controls).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '**/out/**', '**/generated/**', 'bench/results/**', '.lexbridge/**', 'coverage/**', '.tmp*/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    // The pure core runs in the CLI and inside Dynamics (PCF controls): no Node-only imports.
    files: [
      'scripts/src/model/**/*.ts',
      'scripts/src/mapping/**/*.ts',
      'scripts/src/pipeline/plan.ts',
      'scripts/src/pipeline/verify.ts',
      'scripts/src/pipeline/rollback.ts',
      'scripts/src/dataverse/*.ts',
      'scripts/src/dataverse/xrm/**/*.ts',
      'scripts/src/errors.ts',
      'scripts/src/hash.ts',
      'solution/src/schema/**/*.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*', 'fs', 'fs/*', 'path', 'os', 'child_process', 'http', 'https', 'net', 'crypto', 'stream', 'zlib'], message: 'Pure core: no Node-only imports (this code also runs inside Dynamics).' },
            { group: ['better-sqlite3', 'undici', 'pino', 'commander', 'cli-progress', '@azure/msal-node'], message: 'Pure core: I/O libraries belong at the edges.' },
          ],
        },
      ],
    },
  },
  {
    // Plain Node scripts (tools run before npm ci, so no TypeScript).
    files: ['scripts/tools/**/*.mjs'],
    languageOptions: { sourceType: 'module', globals: { URL: 'readonly', console: 'readonly', process: 'readonly' } },
  },
  { files: ['**/*.js', '**/*.cjs'], languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', __dirname: 'readonly', process: 'readonly', console: 'readonly' } }, rules: { '@typescript-eslint/no-require-imports': 'off' } },
);
