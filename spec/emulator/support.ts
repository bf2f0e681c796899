/** Spec helpers of the emulator specs: data sets and raw HTTP calls. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import Papa from 'papaparse';
import type { Emulator } from '../../lib/emulator';

/** The Seattle weather CSV (1461 rows: date,precipitation,temp_max,temp_min,wind,weather). */
export const SEATTLE_CSV = readFileSync(join(__dirname, '../../node_modules/vega-datasets/data/seattle-weather.csv'), 'utf8');

/** Header plus the first `rows` data rows of the Seattle CSV (all when omitted). */
export function seattle(rows?: number): string {
  const lines = SEATTLE_CSV.trim().split('\n');
  return (rows === undefined ? lines : lines.slice(0, rows + 1)).join('\n') + '\n';
}

/** Seattle rows with `weather` replaced by a binary `rain` column ('yes' / 'no'). */
export function seattleBinary(rows: number): string {
  const [header, ...body] = seattle(rows).trim().split('\n');
  return (
    [header.replace('weather', 'rain'), ...body.map((l) => l.replace(/,([a-z]+)$/, (_, w: string) => `,${w === 'rain' ? 'yes' : 'no'}`))].join('\n') + '\n'
  );
}

export interface JsonReply {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

/** Calls the emulator with an `x-api-key` and decodes the JSON reply (an empty body is `{}`). */
export async function call(emulator: Emulator, key: string | undefined, path: string, init: RequestInit = {}): Promise<JsonReply> {
  const headers: Record<string, string> = { ...(init.headers as Record<string, string>) };
  if (key !== undefined) headers['x-api-key'] = key;
  if (init.body !== undefined) headers['content-type'] ??= 'application/json';
  // A fresh connection per call: a real training keeps the emulator's (and this test's) event
  // loop busy for seconds, and the server's keep-alive timer may then close a pooled connection
  // just as the next request goes out on it (ECONNRESET), more often beside parallel workers.
  headers.connection = 'close';
  const res = await fetch(`${emulator.url}${path}`, { ...init, headers });
  const text = await res.text();
  return { status: res.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>), headers: res.headers };
}

export interface UploadUrls {
  learn_data_set_upload_url: string;
  eval_data_set_upload_url: string;
  column_info_upload_url: string;
  external_process_id: string;
}

/** Gets upload URLs and PUTs the given files; returns the URLs (incl. `external_process_id`). */
export async function upload(emulator: Emulator, key: string, files: { learn?: string; eval?: string; columnInfo?: string }): Promise<UploadUrls> {
  const { body } = await call(emulator, key, '/v1/external/data-sets/upload-url?extension=csv');
  const urls = body as unknown as UploadUrls;
  const put = async (url: string, data: string | undefined): Promise<void> => {
    if (data === undefined) return;
    const res = await fetch(url, { method: 'PUT', body: data, headers: { 'content-type': 'text/csv', connection: 'close' } });
    if (res.status !== 200) throw new Error(`upload failed: ${res.status} ${await res.text()}`);
  };
  await put(urls.learn_data_set_upload_url, files.learn);
  await put(urls.eval_data_set_upload_url, files.eval);
  await put(urls.column_info_upload_url, files.columnInfo);
  return urls;
}

/** POST /v1/external/models. */
export function createModel(emulator: Emulator, key: string, externalProcessId: string, config: unknown, name = 'm'): Promise<JsonReply> {
  return call(emulator, key, '/v1/external/models', {
    method: 'POST',
    body: JSON.stringify({ external_process_id: externalProcessId, name, config }),
  });
}

/**
 * Polls the status until `finished` or `failed` (every 20 ms; `timeoutMs` guards against a hang
 * and is no speed bound: trainings run slower beside parallel workers); returns every status seen.
 */
export async function pollUntilDone(
  emulator: Emulator,
  key: string,
  id: string,
  timeoutMs = 90_000,
): Promise<{ last: Record<string, unknown>; seen: string[] }> {
  const deadline = Date.now() + timeoutMs;
  const seen: string[] = [];
  for (;;) {
    const { body } = await call(emulator, key, `/v1/external/models/results?external_process_id=${id}`);
    const status = String(body.status);
    if (seen[seen.length - 1] !== status) seen.push(status);
    if (status === 'finished' || status === 'failed') return { last: body, seen };
    if (Date.now() > deadline) throw new Error(`still ${status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Downloads and unzips a result; file name -> text. */
export async function downloadResult(url: string): Promise<Record<string, string>> {
  const res = await fetch(url, { headers: { connection: 'close' } });
  if (res.status !== 200) throw new Error(`download failed: ${res.status}`);
  const files = unzipSync(new Uint8Array(await res.arrayBuffer()));
  return Object.fromEntries(Object.entries(files).map(([name, bytes]) => [name, strFromU8(bytes)]));
}

/** Parses CSV text into header-keyed rows. */
export function rowsOf(csv: string): Record<string, string>[] {
  return Papa.parse<Record<string, string>>(csv.trim(), { header: true }).data;
}

/** `metrics.csv` as a name -> number map. */
export function metricsOf(csv: string): Record<string, number> {
  return Object.fromEntries(rowsOf(csv).map((r) => [r.metric, Number(r.value)]));
}

/** The documented 400 body with a message. */
export function badRequest(message: string | RegExp): Record<string, unknown> {
  return { code: 4001000204, error: 'PREDA_EXTERNAL_BAD_REQUEST', message: typeof message === 'string' ? message : expect.stringMatching(message) };
}
