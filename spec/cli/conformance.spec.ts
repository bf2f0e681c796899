/** Specs: p1rx conformance against the emulator. */
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
  const leaks = (text: string) =>
    [SECRET_KEY, API_KEY, ...emulator().apiKeys].filter((k) => text.includes(k)).concat(/X-Amz-Signature=|signature=/i.test(text) ? ['a signature'] : []);
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'p1rx-conformance-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));
  beforeEach(() => emulator().clearLog());

  it('should pass the default checks with a secret key, provoke the documented errors, and delete its upload', async () => {
    const res = await conformance([...base(), '--secret-key', SECRET_KEY]);
    expect(res.err).toBe('');
    expect(res.code).toBe(0);
    for (const row of [
      /^GET \/v1\/external\/api-key \(train\)\s+ok$/m,
      /^GET \/v1\/external\/api-key \(deploy\)\s+ok$/m,
      /^GET \/v1\/external\/data-sets\/upload-url\s+ok$/m,
      /^PUT learn_data_set_upload_url\s+ok\s+3 rows$/m,
      /^GET \/v1\/external\/data-sets\/column-info\s+ok$/m,
      /^GET \/v1\/external\/models\/results \(uploaded, not trained\)\s+ok\s+undocumented case; answered 400/m,
      // The errors AuthError, key refresh and ResourceGoneError rest on: status and envelope recorded.
      /^GET \/v1\/external\/models \(error: wrong key\)\s+ok\s+answered 400 4001000204 PREDA_EXTERNAL_BAD_REQUEST: invalid_api_key\.$/m,
      /^GET \/v1\/external\/data-sets\/column-info \(error: unknown external_process_id\)\s+ok\s+answered 400 4001000204 /m,
      /^GET \/v1\/external\/api-key \(error: bad credential_type\)\s+ok\s+answered 400 4001000204 /m,
      // An empty account: the lists' item shapes are not checked, and the report says so.
      /^GET \/v1\/external\/models\?offset=0&limit=1\s+not checked: empty\s+not checked: empty \(no models item to compare\)$/m,
      /^GET \/v1\/external\/data-sets\?offset=0&limit=1\s+not checked: empty\s/m,
      /^GET \/v1\/external\/classifiers\s+not checked: empty\s/m,
      // The three-row upload's data set is deleted: the default run leaves nothing behind.
      /^DELETE \/v1\/external\/data-sets\/\{data_set_id\} \(3 rows\)\s+ok$/m,
      // Versions, for a bug report.
      /^prediction-one-rx \d+\.\d+\.\d+\S*, node v\d+\.\d+\.\d+, \w+ \w+$/m,
    ]) {
      expect(res.out).toMatch(row);
    }
    // An empty account has no model for a retrain key: skipped, with the reason.
    expect(res.out).toMatch(/^GET \/v1\/external\/api-key \(retrain\)\s+skipped\s+no model in the account: give --model-id$/m);
    expect(res.out).toMatch(/^\d+ ok, 0 failed, 1 skipped, 3 not checked$/m);
    // Nothing trained; the only deletion is its own data set, and none is left.
    expect(emulator().count('POST /v1/external/models')).toBe(0);
    expect(
      emulator()
        .requests.filter((r) => r.method === 'DELETE')
        .map((r) => r.route),
    ).toEqual(['DELETE /v1/external/data-sets/{data_set_id}']);
    const left = (await (await fetch(`${emulator().url}/v1/external/data-sets`, { headers: { 'x-api-key': API_KEY } })).json()) as { data_sets: unknown[] };
    expect(left.data_sets).toEqual([]);
    // Each key type where it belongs.
    expect(emulator().expectOne('GET /v1/external/classifiers').keyType).toBe('deploy');
    expect(
      emulator()
        .requests.filter((r) => r.route === 'GET /v1/external/data-sets/column-info')
        .map((r) => r.keyType),
    ).toEqual(['train', 'train']);
    expect(leaks(res.out)).toEqual([]);
  });

  it('should wait out a 429 politely (Retry-After) and send again', async () => {
    emulator().failNext('GET /v1/external/data-sets/upload-url', 429, undefined, { retryAfterS: 0 });
    const res = await conformance([...base(), '--secret-key', SECRET_KEY, '--json']);
    expect(res.code).toBe(0);
    const report = JSON.parse(res.out) as JsonReport & { summary: { rateLimited: number } };
    expect(report.summary.rateLimited).toBe(1);
    expect(report.checks.find((c) => c.endpoint === 'GET /v1/external/data-sets/upload-url')?.result).toBe('ok');
    expect(emulator().count('GET /v1/external/data-sets/upload-url')).toBe(2);
  });

  it('should train with --train through to the result, then delete the model and its data sets (JSON, --report)', async () => {
    const file = path.join(dir, 'train-report.json');
    const list = (what: string) => fetch(`${emulator().url}/v1/external/${what}`, { headers: { 'x-api-key': API_KEY } }).then((r) => r.json());
    const dataSetsBefore = (await list('data-sets')) as { data_sets: unknown[] };
    const res = await conformance([...base(), '--secret-key', SECRET_KEY, '--train', '--deploy', '--json', '--report', file]);
    const report = JSON.parse(res.out) as JsonReport;
    expect(report.checks.filter((c) => c.result === 'fail' || c.result === 'skipped')).toEqual([]);
    expect(res.code).toBe(0);
    expect(report.summary).toEqual({ ok: report.checks.length - 3, failed: 0, skipped: 0, notChecked: 3, rateLimited: 0 });
    expect(report).toMatchObject({ train: true, deploy: true, versions: { node: process.version } });
    const byEndpoint = new Map(report.checks.map((c) => [c.endpoint, c]));
    // Both config forms are tried, and the report says which the service accepts.
    expect(byEndpoint.get('POST /v1/external/models (cv "2")')?.result).toBe('ok');
    expect(byEndpoint.get('POST /v1/external/models (cv 2)')?.result).toBe('ok');
    expect(byEndpoint.get('config forms (--train)')?.note).toBe('the service accepts: "2" and 2');
    expect(emulator().requests.filter((r) => r.route === 'POST /v1/external/models')).toHaveLength(2);
    // The retrain upload URL of the run's own model, and a deployment with one inference, deleted.
    expect(byEndpoint.get('GET /v1/external/retrain_jobs/upload_url')?.result).toBe('ok');
    expect(byEndpoint.get('POST /v1/external/classifiers')?.result).toBe('ok');
    expect(byEndpoint.get('GET /v1/external/classifiers (deploying)')?.result).toBe('ok');
    expect(byEndpoint.get('POST <classifier url> (one row)')?.result).toBe('ok');
    expect(byEndpoint.get('DELETE /v1/external/classifiers/{classifier_id}')?.result).toBe('ok');
    expect(await list('classifiers')).toMatchObject({ classifiers: [] });
    expect(byEndpoint.get('GET /v1/external/models/results (training)')?.note).toMatch(/finished$/);
    expect(byEndpoint.get('GET result_url')?.note).toMatch(/^a zip of \d+ bytes$/);
    // The retrain key is asked for the model this run trained (the account had none).
    expect(byEndpoint.get('GET /v1/external/api-key (retrain)')?.result).toBe('ok');
    expect(report.checks.filter((c) => c.endpoint === 'DELETE /v1/external/models/{model_id}').map((c) => c.result)).toEqual(['ok', 'ok']);
    expect(report.checks.filter((c) => c.endpoint.startsWith('DELETE /v1/external/data-sets/'))).toHaveLength(3);
    expect(byEndpoint.get('GET /v1/external/api-key (train)')?.page).toBe(
      'https://predictionone.sony.biz/cloud_manual/operating_instruction/train_api/api_key/',
    );
    // Nothing of this run left behind, and nothing else touched.
    expect(await list('models')).toMatchObject({ models: [], metadata: { total: 0 } });
    expect(await list('data-sets')).toEqual(dataSetsBefore);
    expect(await readFile(file, 'utf8')).toBe(res.out);
    expect(res.err).toBe(`report written to ${file}\n`);
    expect(leaks(res.out)).toEqual([]);
  });

  it('should report each shape difference (field, expected, got) and exit 1', async () => {
    emulator().failNext('GET /v1/external/models', 200, {
      models: [
        {
          model_id: '5',
          owner_user_id: 'u',
          name: null,
          target_type: null,
          version: null,
          config: {},
          is_api_option: 'true',
          updated_date: 'd',
          created_date: 'd',
          surprise: 1,
        },
      ],
      metadata: { offset: 0, limit: 30 },
    });
    const file = path.join(dir, 'diff-report.txt');
    const res = await conformance([...base(), '--secret-key', SECRET_KEY, '--report', file]);
    expect(res.code).toBe(1);
    const lines = res.out.split('\n');
    const start = lines.findIndex((l) => l.startsWith('GET /v1/external/models?offset=0&limit=1'));
    // The first row of a difference says whether the client still reads the answer: here it does not.
    expect(lines[start]).toMatch(
      /^GET \/v1\/external\/models\?offset=0&limit=1\s+FAIL\s+models\.0\.model_id\s+int\s+str "5"\s+client breaks: DecodeError metadata\.total: /,
    );
    expect(lines.slice(start + 1, start + 5).map((l) => l.trim().split(/\s{2,}/))).toEqual([
      ['models.0.is_api_option', 'bool', 'str "true"'],
      ['models.0.surprise', '(not documented)', 'int 1'],
      ['metadata.total', 'int', '(absent)'],
      ['metadata.limit', '1 (as asked)', '30'],
    ]);
    expect(res.out).toMatch(/^\d+ ok, 1 failed, 1 skipped, 2 not checked$/m);
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
    expect(report.checks.find((c) => c.endpoint === 'GET /v1/external/api-key (train)')?.differences).toEqual([
      { field: 'end_date', expected: 'str', got: 'int 1767225600' },
    ]);
    expect(leaks(res.out)).toEqual([]);
  });

  it('should say whether the client still works with a provoked error: a wrong key answered 401 without the envelope breaks key refresh', async () => {
    const gateway: FetchLike = async (url, init) => {
      const headers = (init?.headers ?? {}) as Record<string, string>;
      if ((headers['x-api-key'] ?? '').startsWith('p1rx-conformance-not-a-key')) {
        const bytes = new TextEncoder().encode('{"message":"Unauthorized"}');
        return { status: 401, headers: { get: () => null }, body: null, arrayBuffer: async () => bytes.buffer };
      }
      const res = await fetch(url, init as RequestInit);
      return { status: res.status, headers: res.headers, body: null, arrayBuffer: () => res.arrayBuffer() };
    };
    const res = await conformance([...base(), '--secret-key', SECRET_KEY, '--json'], gateway);
    expect(res.code).toBe(1);
    const probe = (JSON.parse(res.out) as JsonReport).checks.find(
      (c) => c.endpoint === 'GET /v1/external/models (error: wrong key)',
    ) as JsonReport['checks'][number] & { client?: string; httpStatus?: number };
    expect(probe).toMatchObject({ result: 'fail', httpStatus: 401, client: 'client breaks: it reads ApiError, not AuthError (no key refresh)' });
    expect(probe.differences).toEqual([
      { field: 'code', expected: 'int', got: '(absent)' },
      { field: 'error', expected: 'str', got: '(absent)' },
    ]);
    // A difference the client tolerates says so.
    const tolerant: FetchLike = async (url, init) => {
      const res = await fetch(url, init as RequestInit);
      const text = await res.text();
      const body = url.includes('/v1/external/classifiers') && res.status === 200 ? JSON.stringify({ ...(JSON.parse(text) as object), extra: 1 }) : text;
      const bytes = new TextEncoder().encode(body);
      return { status: res.status, headers: res.headers, body: null, arrayBuffer: async () => bytes.buffer };
    };
    const second = await conformance([...base(), '--secret-key', SECRET_KEY], tolerant);
    expect(second.out).toMatch(/^GET \/v1\/external\/classifiers\s+FAIL\s+extra\s+\(not documented\)\s+int 1\s+client ok$/m);
  });

  it("should judge training statuses by the library's failure statuses, not by a pattern of their own", async () => {
    // The service reports an undocumented status whose name merely contains "error": the library
    // counts it as still running (failureStatuses ['failed', 'error']), and so does conformance.
    let rewritten = 0;
    const odd: FetchLike = async (url, init) => {
      const res = await fetch(url, init as RequestInit);
      const text = await res.text();
      const first = url.includes('/v1/external/models/results') && res.status === 200 && rewritten++ === 0;
      const body = first ? JSON.stringify({ ...(JSON.parse(text) as object), status: 'error_check' }) : text;
      const bytes = new TextEncoder().encode(body);
      return { status: res.status, headers: { get: () => null }, body: null, arrayBuffer: async () => bytes.buffer };
    };
    const res = await conformance([...base(), '--secret-key', SECRET_KEY, '--train', '--json'], odd);
    const report = JSON.parse(res.out) as JsonReport;
    const poll = report.checks.find((c) => c.endpoint === 'GET /v1/external/models/results (training)');
    expect(rewritten).toBeGreaterThan(1);
    expect(poll).toMatchObject({ result: 'ok', differences: [] });
    expect(poll?.note).toMatch(/^statuses: error_check -> .*finished$/);
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
    expect(res.out).toMatch(
      /^GET \/v1\/external\/classifiers\s+skipped\s+the API key given is not a deploy key \(400 4001000204 PREDA_EXTERNAL_BAD_REQUEST: Not_found_credential\.\): give --secret-key$/m,
    );
    expect(res.out).toMatch(/^GET \/v1\/external\/data-sets\/column-info\s+ok$/m);
    expect(res.out).not.toContain(TRAIN_ONLY);
  });
});

describe('p1rx conformance on a busy account (300,000 data sets)', () => {
  const { emulator } = useEmulator({ syntheticDataSets: 300_000 });

  it('should find and delete its own upload at the end of the listing in a few pages', async () => {
    const res = await conformance(['--base-url', emulator().url, '--secret-key', SECRET_KEY]);
    expect(res.code).toBe(0);
    expect(res.out).toMatch(/^DELETE \/v1\/external\/data-sets\/\{data_set_id\} \(3 rows\)\s+ok$/m);
    expect(
      emulator()
        .requests.filter((r) => r.method === 'DELETE')
        .map((r) => r.path),
    ).toEqual(['/v1/external/data-sets/300001']);
    // The listing check, a limit=1 look at the total, two pages of tail before the upload and two after: not 3,000 pages.
    expect(emulator().count('GET /v1/external/data-sets')).toBeLessThanOrEqual(6);
    const list = (await (await fetch(`${emulator().url}/v1/external/data-sets?offset=0&limit=1`, { headers: { 'x-api-key': API_KEY } })).json()) as {
      metadata: { total: number };
    };
    expect(list.metadata.total).toBe(300_000);
  });
});
