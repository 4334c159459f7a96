import { fanoutProject } from '../../vitest.shared.ts';

export default fanoutProject('client', { testTimeout: 60_000, hookTimeout: 60_000 });
