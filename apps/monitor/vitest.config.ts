import { fanoutProject } from '../../vitest.shared.ts';

export default fanoutProject('monitor');
