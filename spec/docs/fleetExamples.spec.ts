/** Specs: the fleet deployment examples in docs/examples/fleet. */
/* eslint-disable @typescript-eslint/no-explicit-any -- parsed YAML documents are walked by path */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

/** docs/examples/fleet/*.yaml: they parse, and say what docs/FLEET.md says they do. */
const dir = path.resolve(__dirname, '../../docs/examples/fleet');
const load = (file: string): Array<Record<string, any>> =>
  parseAllDocuments(readFileSync(path.join(dir, file), 'utf8')).map((d) => {
    expect(d.errors).toEqual([]);
    return d.toJS() as Record<string, any>;
  });
const workerSource = ['workerCommand.ts', 'serviceFlags.ts'].map((f) => readFileSync(path.resolve(__dirname, '../../lib/cli', f), 'utf8')).join('\n');
/** Each `--flag` of a worker command line is one `p1rx worker` declares. */
const expectWorkerFlags = (args: readonly string[]) => {
  expect(args.slice(0, 2)).toEqual(['p1rx', 'worker']);
  for (const a of args.slice(2)) expect(workerSource).toContain(`${a.split('=')[0]} <`);
};
const flag = (args: readonly string[], name: string) => args.find((a) => a.startsWith(`${name}=`))?.split('=')[1];

describe('fleet examples', () => {
  it('kubernetes.yaml: probes on /healthz and /readyz, a preStop drain, a grace period longer than one request', () => {
    const docs = load('kubernetes.yaml');
    const deployment = docs.find((d) => d.kind === 'Deployment')!;
    const pod = deployment.spec.template.spec;
    const c = pod.containers[0];
    expectWorkerFlags(c.args);
    const port = Number(flag(c.args, '--health-port'));
    expect(c.ports[0].containerPort).toBe(port);
    expect(c.livenessProbe.httpGet).toMatchObject({ path: '/healthz', port: 'health' });
    expect(c.readinessProbe.httpGet).toMatchObject({ path: '/readyz', port: 'health' });
    expect(c.lifecycle.preStop.exec.command.join(' ')).toMatch(/kill -TERM 1/);
    expect(pod.terminationGracePeriodSeconds * 1000).toBeGreaterThan(Number(flag(c.args, '--request-timeout')));
  });

  it('compose.yaml: N workers plus Redis with AOF and noeviction, a stop grace period longer than one request', () => {
    const [compose] = load('compose.yaml');
    const redis = compose.services.redis.command.join(' ');
    expect(redis).toMatch(/--appendonly yes/);
    expect(redis).toMatch(/--maxmemory-policy noeviction/);
    const worker = compose.services.worker;
    expectWorkerFlags(worker.command);
    expect(worker.deploy.replicas).toBeGreaterThan(1);
    expect(Number(/^(\d+)s$/.exec(worker.stop_grace_period)![1]) * 1000).toBeGreaterThan(Number(flag(worker.command, '--request-timeout')));
    expect(worker.healthcheck.test.join(' ')).toContain(`/readyz`);
  });
});
