// pcf-scripts lints each control during `npm run build`; the controls follow the repository's rules.
import root from '../eslint.config.mjs';

export default [...root, { ignores: ['out/**', '**/generated/**'] }];
