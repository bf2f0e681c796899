/** Spec helpers of the contract suite: the vendor's sample data and example runners. */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** The real service's host, as the vendor's examples write it; the suite swaps in the emulator's. */
export const VENDOR_HOST = 'https://developer-api.predictionone.sony.biz';

/**
 * The columns of the vendor's sample data「1_プレミアムサービス購入.csv」as its Train Data Upload
 * example's column information lists them. The sample file itself is not published with the
 * pages, so `premiumCsv` makes deterministic rows with those columns and a learnable target.
 */
export const PREMIUM_COLUMNS = ['プレミアムサービス(予測対象)', '入会時期', '年齢', '性別', '顧客ランク', '過去購入額', 'クーポン利用回数', 'メアド登録'];

/** `rows` rows of premium-service data (header first), target 購入あり / 購入なし. */
export function premiumCsv(rows = 160, seed = 7): string {
  let state = seed;
  const rand = (): number => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const lines = [PREMIUM_COLUMNS.join(',')];
  for (let i = 0; i < rows; i++) {
    const spent = Math.round(rand() * 100000);
    const coupons = Math.floor(rand() * 10);
    const bought = spent + coupons * 8000 + rand() * 30000 > 75000;
    const month = String(1 + (i % 12)).padStart(2, '0');
    lines.push(
      [
        bought ? '購入あり' : '購入なし',
        `2019-${month}-01`,
        20 + Math.floor(rand() * 50),
        rand() < 0.5 ? '男性' : '女性',
        ['A', 'B', 'C'][i % 3],
        spent,
        coupons,
        rand() < 0.6 ? 'あり' : 'なし',
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The Train Data Upload example's column information file, written as Python's `encoding='utf-8-sig'` does (BOM first). */
export function premiumColumnInfo(): Uint8Array {
  const text =
    'column_name,column_type\n' +
    'プレミアムサービス(予測対象),string\n' +
    '入会時期,date\n' +
    '年齢,float\n' +
    '性別,string\n' +
    '顧客ランク,string\n' +
    '過去購入額,float\n' +
    'クーポン利用回数,float\n' +
    'メアド登録,string\n';
  return new Uint8Array([0xef, 0xbb, 0xbf, ...Buffer.from(text, 'utf8')]);
}

/**
 * A documented body shape, in the pages' own notation: `'str'`, `'int'`, `'float'`, `'bool'`,
 * `'str|null'` (`Or(str, None)`), `[elem]` for lists, objects for dicts; a key starting with `?`
 * is `Optional(...)`.
 */
export type Shape = string | readonly Shape[] | { readonly [key: string]: Shape };

/** Every way `value` differs from the documented `shape` (empty when it matches), as `path: expected X, got Y`. */
export function shapeIssues(value: unknown, shape: Shape, at = '$'): string[] {
  if (typeof shape === 'string') {
    const ok = shape.split('|').some((t) => matchesType(value, t));
    return ok ? [] : [`${at}: expected ${shape}, got ${JSON.stringify(value)?.slice(0, 60)}`];
  }
  if (Array.isArray(shape)) {
    if (!Array.isArray(value)) return [`${at}: expected a list, got ${JSON.stringify(value)?.slice(0, 60)}`];
    return value.flatMap((v, i) => shapeIssues(v, shape[0] as Shape, `${at}[${i}]`));
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${at}: expected an object, got ${JSON.stringify(value)?.slice(0, 60)}`];
  const obj = value as Record<string, unknown>;
  const issues: string[] = [];
  for (const [rawKey, sub] of Object.entries(shape as Record<string, Shape>)) {
    const optional = rawKey.startsWith('?');
    const key = optional ? rawKey.slice(1) : rawKey;
    if (!(key in obj)) {
      if (!optional) issues.push(`${at}.${key}: missing`);
      continue;
    }
    issues.push(...shapeIssues(obj[key], sub, `${at}.${key}`));
  }
  return issues;
}

function matchesType(value: unknown, type: string): boolean {
  switch (type) {
    case 'str':
      return typeof value === 'string';
    case 'int':
      return typeof value === 'number' && Number.isInteger(value);
    case 'float':
      return typeof value === 'number';
    case 'bool':
      return typeof value === 'boolean';
    case 'null':
      return value === null;
    case 'any':
      return true;
    default:
      throw new Error(`unknown shape type ${type}`);
  }
}

/** The documented error body of the pages' error tables. */
export function documentedError(code: number, error: string, message: string): Record<string, unknown> {
  return { code, error, message };
}

/** A scratch directory for curl's files (`param.txt`, `body.txt`, `response.json`). */
export function scratchDir(): { dir: string; write: (name: string, data: string | Uint8Array) => string; read: (name: string) => string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'p1rx-contract-'));
  return {
    dir,
    write: (name, data) => {
      const file = path.join(dir, name);
      writeFileSync(file, data);
      return file;
    },
    read: (name) => readFileSync(path.join(dir, name), 'utf8'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * Runs a vendor curl example (its `ex)` line, split into arguments as the shell would) in `cwd`
 * with the real curl binary, with `https://developer-api.predictionone.sony.biz` swapped for the
 * emulator. Resolves with curl's stdout; rejects when curl fails.
 */
export function curl(args: readonly string[], cwd: string, emulatorUrl: string): Promise<string> {
  const swapped = args.map((a) => a.split(VENDOR_HOST).join(emulatorUrl));
  return new Promise((resolve, reject) => {
    execFile('curl', ['--silent', '--show-error', ...swapped], { cwd, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`curl ${swapped.join(' ')} failed: ${stderr || err.message}`));
      else resolve(stdout);
    });
  });
}

/** `json.dumps` as Python's requests writes a `json=` body: `', '` / `': '` separators, non-ASCII as `\uXXXX`. */
export function pythonJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`;
  if (typeof value === 'object')
    return `{${Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${pythonJson(k)}: ${pythonJson(v)}`)
      .join(', ')}}`;
  return JSON.stringify(value).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** What Python's `requests` returns, as far as the examples read it. */
export interface PyResponse {
  status_code: number;
  text: string;
  content: Uint8Array;
  json(): Record<string, unknown>;
}

type Params = Readonly<Record<string, string | number>>;

/**
 * The calls of Python's `requests` the vendor's examples make (`get`, `post`, `put`, `patch`,
 * `delete`), sent with fetch the way requests sends them: `params` form-encoded into the query,
 * `json=` bodies as `json.dumps` writes them with `Content-Type: application/json` unless the
 * example's headers name one, `data=` bytes as they are. Hosts are swapped for the emulator's.
 */
export function pythonRequests(emulatorUrl: string) {
  const swap = (url: string) => url.split(VENDOR_HOST).join(emulatorUrl);
  const send = async (
    method: string,
    url: string,
    o: { params?: Params; headers?: Record<string, string>; json?: unknown; data?: Uint8Array | string },
  ): Promise<PyResponse> => {
    const query = o.params ? `?${new URLSearchParams(Object.entries(o.params).map(([k, v]) => [k, String(v)])).toString()}` : '';
    const headers: Record<string, string> = { 'user-agent': 'python-requests/2.31.0', accept: '*/*', ...o.headers };
    let body: string | Uint8Array | undefined;
    if (o.json !== undefined) {
      body = pythonJson(o.json);
      if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
    } else if (o.data !== undefined) {
      body = o.data;
    }
    const res = await fetch(swap(url) + query, { method, headers, body: body as BodyInit | undefined });
    const content = new Uint8Array(await res.arrayBuffer());
    const text = Buffer.from(content).toString('utf8');
    return {
      status_code: res.status,
      text,
      content,
      json: () => JSON.parse(text) as Record<string, unknown>,
    };
  };
  return {
    get: (url: string, o: { params?: Params; headers?: Record<string, string> } = {}) => send('GET', url, o),
    post: (url: string, o: { headers?: Record<string, string>; json?: unknown; data?: Uint8Array | string }) => send('POST', url, o),
    put: (url: string, o: { headers?: Record<string, string>; data?: Uint8Array | string } = {}) => send('PUT', url, o),
    patch: (url: string, o: { headers?: Record<string, string>; json?: unknown }) => send('PATCH', url, o),
    delete: (url: string, o: { headers?: Record<string, string> } = {}) => send('DELETE', url, o),
  };
}
