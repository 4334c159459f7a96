import { fanoutProject } from '../../vitest.shared.ts';

/** Whole processes: the `fanout` command, services, a plain NATS client playing a foreign service. */
export default fanoutProject('e2e', { include: ['**/*.e2e.spec.ts'], testTimeout: 120_000 });
