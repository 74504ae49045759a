/** Jest: TypeScript via SWC (fast, no type check; `npm run typecheck` does that). */
const esmOnly = ['uuid', '@faker-js/faker', '@noble/hashes'];
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts', '**/*.test.tsx'], // .tsx: PCF component tests (jsdom via a docblock)
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest'] },
  // These packages ship ESM only; SWC turns them into CommonJS for Jest.
  transformIgnorePatterns: [`node_modules/(?!(${esmOnly.join('|')})/)`],
  testTimeout: 30000,
};
