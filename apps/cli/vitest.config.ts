import { fanoutProject } from '../../vitest.shared.ts';

export default fanoutProject('cli', { testTimeout: 60_000, hookTimeout: 60_000 });
