import { fanoutProject } from '../../vitest.shared.ts';

/** The benches' own helpers (the benches themselves run with `npm run bench -- <name>`). */
export default fanoutProject('bench', { include: ['*.spec.ts'] });
