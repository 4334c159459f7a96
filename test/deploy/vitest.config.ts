import { fanoutProject } from '../../vitest.shared.ts';

/**
 * The deployment as files: the image, docker-compose.yml against the Compose schema, and
 * deploy/k8s rendered by kustomize and checked object by object. No cluster is needed.
 */
export default fanoutProject('deploy', { include: ['**/*.spec.ts'] });
