import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SERVICE_NAMES } from '@fanout/services';
import { workspaceRoot } from '@fanout/testing';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

const read = (path: string) => readFileSync(join(workspaceRoot, path), 'utf8');

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the compose file, validated first
const compose: any = parse(read('docker-compose.yml'), { merge: true });

/** A Compose CLI to ask as well, if there is one: v2's `docker compose` or v1's `docker-compose`. */
const composeCli = (() => {
  for (const argv of [['docker', 'compose'], ['docker-compose']]) {
    try {
      execFileSync(argv[0]!, [...argv.slice(1), 'version'], { stdio: 'ignore' });
      return argv;
    } catch {
      // not this one
    }
  }
  return undefined;
})();

describe('docker-compose.yml', () => {
  it('is valid against the Compose Specification schema', () => {
    // deploy/schemas/compose-spec.json: the compose-spec project's schema/compose-spec.json.
    // It names draft-07 by an https address Ajv does not know it by; draft-07 is Ajv's
    // default, so the schema is compiled without the name. `strict: false`: it uses
    // annotations of later drafts (`deprecated`) that draft-07 does not define.
    const { $schema, ...schema } = JSON.parse(read('deploy/schemas/compose-spec.json'));
    expect($schema).toBe('https://json-schema.org/draft-07/schema');
    const ajv = new Ajv({ allErrors: true, strict: false });
    const validate = ajv.compile(schema);
    const valid = validate(compose);
    expect(validate.errors ?? [], ajv.errorsText(validate.errors)).toEqual([]);
    expect(valid).toBe(true);
    // The schema itself refuses what breaks it (it would pass anything if it were empty).
    expect(validate({ services: { x: { image: 1 } } })).toBe(false);
  });

  it.skipIf(!composeCli)('is accepted by the Compose CLI (config --quiet)', async () => {
    await promisify(execFile)(composeCli![0]!, [
      ...composeCli!.slice(1),
      '-f',
      join(workspaceRoot, 'docker-compose.yml'),
      'config',
      '--quiet',
    ]);
  });

  it('runs every service from the image with its healthcheck, after NATS is healthy, traced to Jaeger', () => {
    for (const name of SERVICE_NAMES) {
      const service = compose.services[name];
      expect(service, name).toBeDefined();
      expect(service.command).toEqual(['node', `/app/dist/apps/${name}/main.js`]);
      expect(service.build).toBe('.');
      expect(service.healthcheck.test.join(' ')).toMatch(/127\.0\.0\.1:9464\/healthz/);
      expect(service.environment.FANOUT_HTTP_PORT).toBe('9464');
      expect(service.depends_on.nats).toEqual({ condition: 'service_healthy' });
      expect(service.environment.NATS_URL).toBe('nats://nats:4222');
      expect(service.environment.OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://jaeger:4318');
      // Docker's SIGKILL comes after the drain's grace.
      const graceMs = Number(service.environment.FANOUT_DRAIN_GRACE_MS);
      expect(Number(/^(\d+)s$/.exec(service.stop_grace_period)![1]) * 1000).toBeGreaterThan(
        graceMs,
      );
      if (name !== 'orchestrator') {
        expect(service.depends_on.orchestrator).toEqual({ condition: 'service_healthy' });
      }
    }
  });

  it('has NATS with JetStream and monitoring on a volume, Jaeger on OTLP, Prometheus scraping all', () => {
    const { nats, jaeger, prometheus } = compose.services;
    expect(nats.command).toEqual(expect.arrayContaining(['-js', '-m', '8222']));
    expect(nats.volumes).toContain('nats-data:/data');
    expect(nats.command.join(' ')).toMatch(/-sd \/data/);
    expect(compose.volumes).toHaveProperty('nats-data');
    expect(jaeger.ports).toEqual(expect.arrayContaining(['16686:16686', '4318:4318']));
    expect(prometheus.volumes).toContain(
      './deploy/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro',
    );

    const config = parse(read('deploy/prometheus/prometheus.yml'));
    const jobs = Object.fromEntries(
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Prometheus' own config
      config.scrape_configs.map((job: any) => [job.job_name, job]),
    );
    expect(jobs.fanout.dns_sd_configs[0]).toMatchObject({ type: 'A', port: 9464 });
    expect([...jobs.fanout.dns_sd_configs[0].names].sort()).toEqual([...SERVICE_NAMES].sort());
    const [exporter] = jobs.nats.static_configs[0].targets;
    expect(compose.services[exporter.split(':')[0]].command.at(-1)).toBe('http://nats:8222');
  });
});

describe('Dockerfile', () => {
  /** Instructions, each on one line: continuations joined, comments dropped. */
  const instructions = read('Dockerfile')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .filter((line) => line.trim() && !line.trimStart().startsWith('#'));
  const runtime = instructions.slice(instructions.findIndex((i) => / AS runtime$/.test(i)));

  it('builds with esbuild, runs as a numeric non-root user, with the tools and a health check', () => {
    expect(instructions).toContain('RUN node scripts/build.mjs');
    const user = runtime.filter((i) => i.startsWith('USER '));
    expect(user).toHaveLength(1);
    expect(user[0]).toMatch(/^USER [1-9]\d*:[1-9]\d*$/);
    const installs = runtime.filter((i) => /apt-get install/.test(i)).join(' ');
    for (const tool of ['ripgrep', 'bubblewrap'])
      expect(installs).toMatch(new RegExp(`\\b${tool}\\b`));
    expect(runtime.find((i) => i.startsWith('HEALTHCHECK '))).toMatch(/\/healthz/);
    expect(runtime.at(-1)).toBe('CMD ["node", "/app/dist/apps/orchestrator/main.js"]');
  });
});
