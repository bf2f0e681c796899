import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { registerConformance } from '../../lib/cli/conformanceCommand';
import type { FetchLike } from '../../lib';
import { API_KEY, SECRET_KEY, useEmulator } from '../helpers/emulator';

/** Runs `p1rx conformance <argv>` in-process, capturing stdout and stderr. */
async function conformance(argv: string[], fetch?: FetchLike): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io = { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) } };
  const program = new Command('p1rx').exitOverride().configureOutput({ writeOut: (s) => (out += s), writeErr: (s) => (err += s) });
  registerConformance(program, io, fetch);
  try {
    await program.parseAsync(['conformance', ...argv], { from: 'user' });
    return { code: 0, out, err };
  } catch (e) {
    // As lib/cli/main.ts: an action's argument error prints and exits 2.
    if (e instanceof InvalidArgumentError) return { code: 2, out, err: `${err}p1rx: ${e.message}\n` };
    if (e instanceof CommanderError) return { code: e.exitCode, out, err };
    return { code: 1, out, err: `${err}${(e as Error).name}: ${(e as Error).message}` };
  }
}

interface JsonReport {
  summary: { ok: number; failed: number; skipped: number };
  checks: { endpoint: string; page?: string; result: string; differences: { field: string; expected: string; got: string }[]; note?: string }[];
}

describe('p1rx conformance against the emulator', () => {
  const { emulator } = useEmulator();
  const base = () => ['--base-url', emulator().url, '--poll-interval', '10'];
  /** Every value that must never be printed: keys the emulator knows, signatures of its URLs. */
  const leaks = (text: string) => [SECRET_KEY, API_KEY, ...emulator().apiKeys].filter((k) => text.includes(k)).concat(/X-Amz-Signature=|signature=/i.test(text) ? ['a signature'] : []);
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'p1rx-conformance-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));
  beforeEach(() => emulator().clearLog());

  it('should pass the default, non-destructive checks with a secret key', async () => {
    const res = await conformance([...base(), '--secret-key', SECRET_KEY]);
    expect(res.err).toBe('');
    expect(res.code).toBe(0);
    for (const row of [
      /^GET \/v1\/external\/api-key \(train\)\s+ok$/m,
      /^GET \/v1\/external\/api-key \(deploy\)\s+ok$/m,
      /^GET \/v1\/external\/models\?offset=0&limit=1\s+ok$/m,
      /^GET \/v1\/external\/data-sets\?offset=0&limit=1\s+ok$/m,
      /^GET \/v1\/external\/data-sets\/upload-url\s+ok$/m,
      /^PUT learn_data_set_upload_url\s+ok\s+3 rows$/m,
      /^GET \/v1\/external\/data-sets\/column-info\s+ok$/m,
      /^GET \/v1\/external\/models\/results \(uploaded, not trained\)\s+ok\s+undocumented case; answered 400/m,
      /^GET \/v1\/external\/classifiers\s+ok$/m,
    ]) {
      expect(res.out).toMatch(row);
    }
    // An empty account has no model for a retrain key: skipped, with the reason.
    expect(res.out).toMatch(/^GET \/v1\/external\/api-key \(retrain\)\s+skipped\s+no model in the account: give --model-id$/m);
    expect(res.out).toMatch(/^\d+ ok, 0 failed, 1 skipped$/m);
    // Non-destructive: nothing trained, nothing deleted.
    expect(emulator().count('POST /v1/external/models')).toBe(0);
    expect(emulator().requests.filter((r) => r.method === 'DELETE')).toEqual([]);
    // Each key type where it belongs.
    expect(emulator().expectOne('GET /v1/external/classifiers').keyType).toBe('deploy');
    expect(emulator().expectOne('GET /v1/external/data-sets/column-info').keyType).toBe('train');
    expect(leaks(res.out)).toEqual([]);
  });

  it('should train with --train through to the result, then delete the model and its data sets (JSON, --report)', async () => {
    const file = path.join(dir, 'train-report.json');
    const list = (what: string) => fetch(`${emulator().url}/v1/external/${what}`, { headers: { 'x-api-key': API_KEY } }).then((r) => r.json());
    // What the account holds before (the earlier run's three-row upload stays: it deletes nothing).
    const dataSetsBefore = (await list('data-sets')) as { data_sets: unknown[] };
    const res = await conformance([...base(), '--secret-key', SECRET_KEY, '--train', '--json', '--report', file]);
    expect(res.code).toBe(0);
    const report = JSON.parse(res.out) as JsonReport;
    expect(report.summary).toEqual({ ok: report.checks.length, failed: 0, skipped: 0 });
    const byEndpoint = new Map(report.checks.map((c) => [c.endpoint, c]));
    expect(byEndpoint.get('POST /v1/external/models')?.result).toBe('ok');
    expect(byEndpoint.get('GET /v1/external/models/results (training)')?.note).toMatch(/finished$/);
    expect(byEndpoint.get('GET result_url')?.note).toMatch(/^a zip of \d+ bytes$/);
    // The retrain key is asked for the model this run trained (the account had none).
    expect(byEndpoint.get('GET /v1/external/api-key (retrain)')?.result).toBe('ok');
    expect(byEndpoint.get('DELETE /v1/external/models/{model_id}')?.result).toBe('ok');
    expect(report.checks.filter((c) => c.endpoint.startsWith('DELETE /v1/external/data-sets/'))).toHaveLength(2);
    expect(byEndpoint.get('GET /v1/external/api-key (train)')?.page).toBe('train_api/api_key/_index.jp.md');
    // Nothing of this run left behind, and nothing else touched.
    expect(await list('models')).toMatchObject({ models: [], metadata: { total: 0 } });
    expect(await list('data-sets')).toEqual(dataSetsBefore);
    expect(await readFile(file, 'utf8')).toBe(res.out);
    expect(res.err).toBe(`report written to ${file}\n`);
    expect(leaks(res.out)).toEqual([]);
  });

  it('should report each shape difference (field, expected, got) and exit 1', async () => {
    emulator().failNext('GET /v1/external/models', 200, {
      models: [{ model_id: '5', owner_user_id: 'u', name: null, target_type: null, version: null, config: {}, is_api_option: 'true', updated_date: 'd', created_date: 'd', surprise: 1 }],
      metadata: { offset: 0, limit: 30 },
    });
    const file = path.join(dir, 'diff-report.txt');
    const res = await conformance([...base(), '--secret-key', SECRET_KEY, '--report', file]);
    expect(res.code).toBe(1);
    const lines = res.out.split('\n');
    const start = lines.findIndex((l) => l.startsWith('GET /v1/external/models?offset=0&limit=1'));
    expect(lines[start]).toMatch(/^GET \/v1\/external\/models\?offset=0&limit=1\s+FAIL\s+models\.0\.model_id\s+int\s+str "5"$/);
    expect(lines.slice(start + 1, start + 5).map((l) => l.trim().split(/\s{2,}/))).toEqual([
      ['models.0.is_api_option', 'bool', 'str "true"'],
      ['models.0.surprise', '(not documented)', 'int 1'],
      ['metadata.total', 'int', '(absent)'],
      ['metadata.limit', '1 (as asked)', '30'],
    ]);
    expect(res.out).toMatch(/^\d+ ok, 1 failed, 1 skipped$/m);
    expect(await readFile(file, 'utf8')).toBe(res.out);
  });

  it('should never print keys or pre-signed URLs found in a differing body', async () => {
    const inferenceKey = 'p1inf_0123456789abcdef0123456789';
    emulator().failNext('GET /v1/external/classifiers', 200, {
      classifiers: [
        {
          classifier_id: 9,
          model_id: 1,
          status: 'running',
          api_key: inferenceKey,
          version: '1',
          url: `${emulator().url}/inference/9?X-Amz-Signature=deadbeef`,
          active: true,
          is_editable: true,
          create_datetime: 'c',
          update_datetime: 'u',
          rules: [],
          secret_token: inferenceKey,
        },
      ],
    });
    const res = await conformance([...base(), '--secret-key', SECRET_KEY, '--json']);
    expect(res.code).toBe(1);
    const report = JSON.parse(res.out) as JsonReport;
    expect(report.checks.find((c) => c.endpoint === 'GET /v1/external/classifiers')?.differences).toEqual([
      { field: 'classifiers.0.classifier_id', expected: 'str', got: 'int 9' },
      { field: 'classifiers.0.secret_token', expected: '(not documented)', got: 'str' },
    ]);
    expect(res.out).not.toContain(inferenceKey);
    expect(leaks(res.out)).toEqual([]);
  });

  it('should report an HTTP error as a failure and skip what depended on it', async () => {
    emulator().failNext('GET /v1/external/data-sets/upload-url', 503);
    emulator().failNext('GET /v1/external/data-sets/upload-url', 503);
    emulator().failNext('GET /v1/external/data-sets/upload-url', 503);
    const res = await conformance([...base(), '--api-key', API_KEY]);
    expect(res.code).toBe(1);
    expect(res.out).toMatch(/^GET \/v1\/external\/data-sets\/upload-url\s+FAIL\s+\(http status\)\s+2xx\s+503 5\d{9} /m);
    expect(res.out).toMatch(/^GET \/v1\/external\/data-sets\/column-info\s+skipped\s+the upload did not go through$/m);
    // With an API key only, the key exchange cannot be checked: skipped, not failed.
    expect(res.out).toMatch(/^GET \/v1\/external\/api-key \(train\)\s+skipped\s+no --secret-key/m);
  });

  it('should see a difference injected by a fetch between it and the service', async () => {
    const real: FetchLike = async (url, init) => {
      const res = await fetch(url, init as RequestInit);
      return { status: res.status, headers: res.headers, body: null, arrayBuffer: () => res.arrayBuffer() };
    };
    // A service that sends the key's end date as a number: the client would still read it; the contract says str.
    const injected: FetchLike = async (url, init) => {
      const res = await real(url, init);
      if (!url.includes('/v1/external/api-key')) return res;
      const body = JSON.parse(new TextDecoder().decode(await res.arrayBuffer())) as Record<string, unknown>;
      const bytes = new TextEncoder().encode(JSON.stringify({ ...body, end_date: 1767225600 }));
      return { status: res.status, headers: { get: () => null }, body: null, arrayBuffer: async () => bytes.buffer };
    };
    const res = await conformance([...base(), '--secret-key', SECRET_KEY, '--json'], injected);
    expect(res.code).toBe(1);
    const report = JSON.parse(res.out) as JsonReport;
    expect(report.checks.find((c) => c.endpoint === 'GET /v1/external/api-key (train)')?.differences).toEqual([{ field: 'end_date', expected: 'str', got: 'int 1767225600' }]);
    expect(leaks(res.out)).toEqual([]);
  });

  it('should refuse to run without a base URL (no default service)', async () => {
    const saved = process.env.P1RX_BASE_URL;
    delete process.env.P1RX_BASE_URL;
    try {
      const res = await conformance(['--secret-key', SECRET_KEY]);
      expect(res.code).toBe(2);
      expect(res.err).toMatch(/^p1rx: give --base-url \(or set P1RX_BASE_URL\): https:\/\/developer-api\.predictionone\.sony\.biz for the real service/);
    } finally {
      if (saved !== undefined) process.env.P1RX_BASE_URL = saved;
    }
  });

  it('should refuse to run without any key', async () => {
    const saved = { api: process.env.P1RX_API_KEY, secret: process.env.P1RX_SECRET_KEY };
    delete process.env.P1RX_API_KEY;
    delete process.env.P1RX_SECRET_KEY;
    try {
      const res = await conformance(base());
      expect(res.code).toBe(2);
      expect(res.err).toMatch(/^p1rx: give --secret-key/);
    } finally {
      if (saved.api !== undefined) process.env.P1RX_API_KEY = saved.api;
      if (saved.secret !== undefined) process.env.P1RX_SECRET_KEY = saved.secret;
    }
  });
});

describe('p1rx conformance with a train key only', () => {
  const TRAIN_ONLY = 'train-only-key-0123456789';
  const { emulator } = useEmulator({ apiKeysByType: { train: [TRAIN_ONLY] } });

  it('should skip the classifier list, not fail it, when the one key given is not a deploy key', async () => {
    const res = await conformance(['--base-url', emulator().url, '--api-key', TRAIN_ONLY]);
    expect(res.code).toBe(0);
    expect(res.out).toMatch(/^GET \/v1\/external\/classifiers\s+skipped\s+the API key given is not a deploy key \(400 4001000204 PREDA_EXTERNAL_BAD_REQUEST: Not_found_credential\.\): give --secret-key$/m);
    expect(res.out).toMatch(/^GET \/v1\/external\/data-sets\/column-info\s+ok$/m);
    expect(res.out).not.toContain(TRAIN_ONLY);
  });
});
