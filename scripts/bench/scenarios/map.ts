import type { BenchScenario } from '../harness';
import { benchTransform } from '../map';

export const scenario: BenchScenario = {
  name: 'map',
  description: 'Mapping engine: canonical records → target operations with the default Clio CSV profile on staged records, one core (goal ≥ 100k records/s)',
  run: ({ quick }) => benchTransform(quick ? 100_000 : 500_000),
};
