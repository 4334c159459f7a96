import { execFile, execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { subjects } from '@fanout/contracts';
import { taskLevels } from '@fanout/messaging';
import { SERVICE_NAMES, WORKER_KINDS, type ServiceName, type WorkerKind } from '@fanout/services';
import { findNatsServer, runFanout, workspaceRoot } from '@fanout/testing';
import { resolvePools } from '@fanout/worker-kit';
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import { PodMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, Secret, Service } from 'kubernetes-models/v1';
import { parseAllDocuments } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';

/** kubectl, if this machine has it: it carries kustomize (`kubectl kustomize`). */
const kubectl = (() => {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
    return 'kubectl';
  } catch {
    return undefined;
  }
})();
const NO_KUBECTL =
  'kubectl is not on PATH: deploy/k8s is not rendered or checked (install kubectl to run these)';

/** Every kind the overlays may hold, with the model that validates it. */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'v1/Namespace': Namespace,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'apps/v1/StatefulSet': StatefulSet,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'keda.sh/v1alpha1/ScaledObject': ScaledObject,
  'monitoring.coreos.com/v1/PodMonitor': PodMonitor,
};

/**
 * The allocation matrix: each tool family's share of one node (4 CPU, 8 GiB), which a
 * Deployment's requests are. A service Fanout gains must be given its family here.
 */
const NODE = { milliCpu: 4_000, mebibytes: 8 * 1024 };
const SHARE = {
  web: { cpu: 0.2, memory: 0.25 },
  codebase: { cpu: 0.4, memory: 0.5 },
  bash: { cpu: 0.3, memory: 0.15 },
  // Coordination's 10% / 10%, split: the orchestrator, the agent worker and the monitor.
  coordination: { cpu: 0.045, memory: 0.045 },
  agents: { cpu: 0.04, memory: 0.04 },
  // Outside the matrix: the gateway runs no tools.
  gateway: { cpu: 0.02, memory: 0.03 },
  monitor: { cpu: 0.015, memory: 0.015 },
} as const;
const FAMILY: Record<ServiceName, keyof typeof SHARE> = {
  orchestrator: 'coordination',
  'codebase-worker': 'codebase',
  'bash-worker': 'bash',
  'web-worker': 'web',
  'agent-worker': 'agents',
  gateway: 'gateway',
  monitor: 'monitor',
};
/** Workers that may sleep at zero replicas in production; the rest keep one warm. */
const SCALE_TO_ZERO: readonly string[] = ['web-worker', 'bash-worker'];

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- rendered YAML, checked by the models first
type Obj = any;

interface Rendered {
  objects: Obj[];
  /** The object of that kind and name; a generated one (`name-<hash>`) by its name alone. */
  find(kind: string, name: string): Obj;
  config: Record<string, string>;
  configName: string;
}

/**
 * The overlay as kustomize builds it. prod's credentials are made at deploy time, as its
 * kustomization.yaml says (`fanout auth init --out deploy/k8s/overlays/prod/auth`): here
 * into a copy of deploy/, so the working tree is left as it was.
 */
async function render(overlay: string): Promise<Rendered> {
  let deploy = join(workspaceRoot, 'deploy');
  const copy = overlay === 'prod' ? mkdtempSync(join(tmpdir(), 'fanout-deploy-')) : undefined;
  if (copy) {
    const local = join(deploy, 'k8s/overlays/prod/auth');
    cpSync(deploy, copy, { recursive: true, filter: (path) => !path.startsWith(local) });
    deploy = copy;
    const init = await runFanout(['auth', 'init', '--out', join(copy, 'k8s/overlays/prod/auth')]);
    expect(init.code, init.stderr).toBe(0);
  }
  const { stdout } = await promisify(execFile)(
    kubectl!,
    ['kustomize', join(deploy, 'k8s/overlays', overlay)],
    { maxBuffer: 16 * 1024 * 1024 },
  ).finally(() => copy && rmSync(copy, { recursive: true, force: true }));
  const objects = parseAllDocuments(stdout).map((document) => document.toJS() as Obj);
  // kustomize folds long base64 values over lines, as the API server reads them; the
  // models' `byte` format wants one line.
  for (const secret of objects.filter((o) => o.kind === 'Secret')) {
    for (const key of Object.keys(secret.data ?? {})) {
      secret.data[key] = secret.data[key].replace(/\s/g, '');
    }
  }
  const find = (kind: string, name: string) => {
    const found = objects.filter(
      (o) =>
        o.kind === kind &&
        (o.metadata.name === name || new RegExp(`^${name}-[a-z0-9]{10}$`).test(o.metadata.name)),
    );
    expect(found, `${overlay}: one ${kind} ${name}`).toHaveLength(1);
    return found[0];
  };
  const configMaps = objects.filter(
    (o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('fanout-config'),
  );
  expect(configMaps, `${overlay}: the fanout-config ConfigMap`).toHaveLength(1);
  return { objects, find, config: configMaps[0].data, configName: configMaps[0].metadata.name };
}

const selects = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([key, value]) => labels[key] === value);

const milliCpu = (quantity: string) =>
  quantity.endsWith('m') ? Number(quantity.slice(0, -1)) : Number(quantity) * 1000;
const mebibytes = (quantity: string) => {
  const units: Record<string, number> = { Mi: 1, Gi: 1024 };
  const [, value, unit] = /^(\d+)(Mi|Gi)$/.exec(quantity) ?? [];
  expect(unit, `a memory quantity in Mi or Gi, got ${quantity}`).toBeDefined();
  return Number(value) * units[unit!]!;
};

describe.each(['dev', 'prod'])('deploy/k8s/overlays/%s', (overlay) => {
  let k8s: Rendered;
  beforeAll(async () => {
    if (kubectl) k8s = await render(overlay);
  });

  it.skipIf(!kubectl)('renders with kustomize, every object valid against its model', () => {
    expect(k8s.objects.length).toBeGreaterThan(10);
    for (const object of k8s.objects) {
      const key = `${object.apiVersion}/${object.kind}`;
      const Model = MODELS[key];
      expect(Model, `a model for ${key} (${object.metadata?.name})`).toBeDefined();
      expect(
        () => new Model!(object as never).validate(),
        `${key} ${object.metadata.name}`,
      ).not.toThrow();
      if (object.kind !== 'Namespace') expect(object.metadata.namespace).toBe('fanout');
    }
  });

  it.skipIf(!kubectl)(
    'runs every service as a Deployment of the image: probes, resources, drain, non-root, PDB, PodMonitor',
    () => {
      const port = Number(k8s.config['FANOUT_HTTP_PORT'] ?? 9464);
      const drainMs = Number(k8s.config['FANOUT_DRAIN_GRACE_MS'] ?? 20_000);
      const podMonitor = k8s.find('PodMonitor', 'fanout');
      for (const name of SERVICE_NAMES) {
        const deployment = k8s.find('Deployment', name);
        const pod = deployment.spec.template;
        expect(selects(deployment.spec.selector.matchLabels, pod.metadata.labels)).toBe(true);
        expect(pod.spec.containers).toHaveLength(1);
        const [container] = pod.spec.containers;
        expect(container.command).toEqual(['node', `/app/dist/apps/${name}/main.js`]);
        expect(existsSync(join(workspaceRoot, 'apps', name, 'src/main.ts'))).toBe(true);

        const http = container.ports.find((p: Obj) => p.name === 'http');
        expect(http?.containerPort).toBe(port);
        expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
        expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });

        const share = SHARE[FAMILY[name]];
        const { requests, limits } = container.resources;
        expect(milliCpu(requests.cpu), `${name} cpu`).toBe(Math.floor(NODE.milliCpu * share.cpu));
        expect(mebibytes(requests.memory), `${name} memory`).toBe(
          Math.floor(NODE.mebibytes * share.memory),
        );
        expect(limits.memory).toBe(requests.memory);

        // The kill comes after the drain has had its grace, with time to spare.
        expect(pod.spec.terminationGracePeriodSeconds * 1000).toBeGreaterThan(drainMs);

        expect(pod.spec.securityContext.runAsNonRoot).toBe(true);
        expect(pod.spec.securityContext.runAsUser).toBeGreaterThan(0);
        expect(container.securityContext.allowPrivilegeEscalation).toBe(false);
        expect(container.securityContext.readOnlyRootFilesystem).toBe(true);

        const configs = container.envFrom.map((from: Obj) => from.configMapRef?.name);
        expect(configs).toContain(k8s.configName);
        // Its own role's credentials (`fanout auth init`): the creds as a file, the
        // inbox it may read, and for every service but the orchestrator, streams it awaits.
        const auth = k8s.find('Secret', `fanout-auth-${name}`);
        expect(Object.keys(auth.data)).toContain('creds');
        const credsVolume = pod.spec.volumes.find((v: Obj) => v.name === 'nats-creds');
        expect(credsVolume.secret.secretName).toBe(auth.metadata.name);
        expect(container.volumeMounts).toContainEqual({
          name: 'nats-creds',
          mountPath: dirname(k8s.config['NATS_CREDS']!),
          readOnly: true,
        });
        const fromAuth = (container.env ?? [])
          .filter((e: Obj) => e.valueFrom?.secretKeyRef?.name === auth.metadata.name)
          .map((e: Obj) => e.name);
        expect(fromAuth).toContain('NATS_INBOX_PREFIX');
        expect(fromAuth).toContain(
          name === 'orchestrator' ? 'FANOUT_REPORT_KEY' : 'FANOUT_TOPOLOGY',
        );
        for (const key of fromAuth) expect(Object.keys(auth.data)).toContain(key);

        const budgets = k8s.objects.filter(
          (o) =>
            o.kind === 'PodDisruptionBudget' &&
            selects(o.spec.selector.matchLabels, pod.metadata.labels),
        );
        expect(budgets, `${name}: a PodDisruptionBudget`).toHaveLength(1);

        expect(
          podMonitor.spec.selector.matchExpressions.every(
            (e: Obj) => e.operator === 'In' && e.values.includes(pod.metadata.labels[e.key]),
          ),
          `${name}: scraped by the PodMonitor`,
        ).toBe(true);
        expect(podMonitor.spec.podMetricsEndpoints).toEqual([
          expect.objectContaining({ port: 'http', path: '/metrics' }),
        ]);
      }
    },
  );

  it.skipIf(!kubectl)(
    'scales each worker with KEDA on its own durable consumers, one trigger per tool and priority',
    () => {
      const names = subjects(k8s.config['FANOUT_SUBJECT_PREFIX']);
      const headless = k8s.find('Service', 'nats-headless');
      const monitor = headless.spec.ports.find((p: Obj) => p.name === 'monitor');
      const endpoint = `nats-headless.fanout.svc.cluster.local:${monitor.port}`;
      for (const kind of Object.keys(WORKER_KINDS) as WorkerKind[]) {
        const { toolNames, defaultPools } = WORKER_KINDS[kind];
        // The slots each worker will have, as it resolves them from this ConfigMap.
        const slots = resolvePools(toolNames, {
          env: k8s.config,
          defaults: defaultPools,
        });
        const scaled = k8s.find('ScaledObject', kind);
        expect(scaled.spec.scaleTargetRef.name).toBe(kind);
        const expected = [...slots].flatMap(([tool, size]) =>
          taskLevels(names, tool).map((level) => ({
            type: 'nats-jetstream',
            metadata: {
              natsServerMonitoringEndpoint: endpoint,
              // Accounts are keys with `fanout auth init`: its component writes this one in.
              account: k8s.find('ConfigMap', 'fanout-nats-account').data.ACCOUNT,
              stream: names.streams.tasks,
              consumer: level.durable,
              lagThreshold: String(size),
              activationLagThreshold: '1',
              useHttps: 'false',
            },
          })),
        );
        expect(scaled.spec.triggers).toEqual(expected);
        expect(names.streams.tasks).toBe('FANOUT_TASKS');

        if (overlay === 'dev') {
          expect([scaled.spec.minReplicaCount, scaled.spec.maxReplicaCount]).toEqual([1, 1]);
        } else {
          expect(scaled.spec.minReplicaCount).toBe(SCALE_TO_ZERO.includes(kind) ? 0 : 1);
          expect(scaled.spec.maxReplicaCount).toBeGreaterThan(1);
        }
      }
    },
  );

  it.skipIf(!kubectl)(
    'runs NATS as the chart does: JetStream on PVCs, a cluster of 3 in prod',
    async () => {
      const nats = k8s.find('StatefulSet', 'nats');
      const conf: string = k8s.find('ConfigMap', 'nats-config').data['nats.conf'];
      const server = nats.spec.template.spec.containers.find((c: Obj) => c.name === 'nats');
      const [claim] = nats.spec.volumeClaimTemplates;
      expect(server.volumeMounts).toContainEqual({ name: claim.metadata.name, mountPath: '/data' });
      expect(conf).toMatch(/"store_dir": "\/data"/);
      // The server reads the accounts and users the services' credentials belong to.
      expect(conf).toContain('include "auth/nats-server.conf"');
      const serverAuth = k8s.find('Secret', 'fanout-nats-server-auth');
      const authVolume = nats.spec.template.spec.volumes.find((v: Obj) => v.name === 'auth');
      expect(authVolume.secret.secretName).toBe(serverAuth.metadata.name);
      expect(server.volumeMounts).toContainEqual({
        name: 'auth',
        mountPath: '/etc/nats-config/auth',
      });
      const orchestrator = k8s.find('Deployment', 'orchestrator');
      if (overlay === 'dev') {
        expect(nats.spec.replicas).toBe(1);
        expect(conf).not.toMatch(/"cluster"/);
        expect(k8s.config['FANOUT_STREAM_REPLICAS']).toBe('1');
        expect(orchestrator.spec.replicas).toBe(1);
      } else {
        expect(nats.spec.replicas).toBe(3);
        expect(conf.match(/nats:\/\/nats-\d\.nats-headless:6222/g)).toHaveLength(3);
        expect(k8s.config['FANOUT_STREAM_REPLICAS']).toBe('3');
        expect(orchestrator.spec.replicas).toBeGreaterThanOrEqual(2);
      }

      const bin = findNatsServer();
      if (!bin) return; // the file's shape is checked above; nats-server checks its sense
      const dir = mkdtempSync(join(tmpdir(), 'fanout-nats-conf-'));
      try {
        writeFileSync(join(dir, 'nats.conf'), conf);
        mkdirSync(join(dir, 'auth'));
        const included = Buffer.from(serverAuth.data['nats-server.conf'], 'base64');
        writeFileSync(join(dir, 'auth/nats-server.conf'), included);
        const check = await promisify(execFile)(bin, ['-t', '-c', join(dir, 'nats.conf')], {
          env: { ...process.env, SERVER_NAME: 'nats-0' },
        });
        expect(check.stdout + check.stderr).toMatch(/is valid/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it.skipIf(!kubectl)(
    'serves the dashboard through a Service on 8480, beyond loopback only with a token from a Secret',
    () => {
      const gateway = k8s.find('Deployment', 'gateway');
      const [container] = gateway.spec.template.spec.containers;
      const env = Object.fromEntries(container.env.map((e: Obj) => [e.name, e]));
      expect(env.FANOUT_UI_HOST.value).toBe('0.0.0.0');
      expect(env.FANOUT_UI_TOKEN.valueFrom.secretKeyRef).toEqual({
        name: 'fanout-ui',
        key: 'FANOUT_UI_TOKEN',
      });
      const ui = container.ports.find((p: Obj) => p.name === 'ui');
      expect(ui.containerPort).toBe(Number(env.FANOUT_UI_PORT.value));
      const service = k8s.find('Service', 'gateway');
      expect(selects(service.spec.selector, gateway.spec.template.metadata.labels)).toBe(true);
      expect(service.spec.ports).toEqual([
        expect.objectContaining({ port: 8480, targetPort: 'ui' }),
      ]);
    },
  );

  it.skipIf(!kubectl)('lets the bash worker reach NATS and DNS, nothing else', () => {
    const policy = k8s.find('NetworkPolicy', 'bash-worker');
    const bash = k8s.find('Deployment', 'bash-worker').spec.template.metadata.labels;
    const natsPod = k8s.find('StatefulSet', 'nats').spec.template.metadata.labels;
    expect(selects(policy.spec.podSelector.matchLabels, bash)).toBe(true);
    expect(policy.spec.policyTypes).toContain('Egress');
    // A rule without `to` or `ports` would let everything out.
    for (const rule of policy.spec.egress) {
      expect(rule.to?.length).toBeGreaterThan(0);
      expect(rule.ports?.length).toBeGreaterThan(0);
    }
    const [toNats, toDns] = policy.spec.egress;
    expect(toNats.to).toHaveLength(1);
    expect(selects(toNats.to[0].podSelector.matchLabels, natsPod)).toBe(true);
    expect(toNats.to[0].namespaceSelector).toBeUndefined();
    expect(toNats.ports).toEqual([{ protocol: 'TCP', port: 4222 }]);
    expect(toDns.to).toEqual([
      {
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
        podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
      },
    ]);
    expect(toDns.ports.map((p: Obj) => p.port)).toEqual([53, 53]);
    expect(policy.spec.egress).toHaveLength(2);
  });
});

if (!kubectl) {
  describe('deploy/k8s', () => {
    it('is not rendered here', (context) => context.skip(NO_KUBECTL));
  });
}
