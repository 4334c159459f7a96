import { fanoutProject } from '../../vitest.shared.ts';

export default fanoutProject('bash-worker');
