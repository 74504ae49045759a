#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so `npx lexbridge` works from a clone without a build step.
require('tsx/cjs');
require('../scripts/src/cli/main.ts');
