/** Emulator route: inference. */
import type { IncomingMessage } from 'node:http';
import { decodeBase64, encodeBase64 } from '../../core/base64';
import type { Route, RouteRequest } from '../context';
import { parseCsv, writeCsv } from '../csv';
import { EmulatorFault } from '../errors';
import { jsonResponse, type EmulatorResponse } from '../http';
import { isAllowed } from '../ipRules';

const MAX_BODY_BYTES = 16 * 1024 * 1024;

const notFoundClassifier = () =>
  new EmulatorFault(400, { code: 4001030101, error: 'NOT_FOUND_CLASSIFIER', message: 'Not found classifier in classifiers table' });
const invalidRequest = () => new EmulatorFault(400, { code: 4001030104, error: 'BAD_REQUEST', message: 'Invalid request' });
const accessDenied = (message: string) => new EmulatorFault(403, { code: 4031030201, error: 'ACCESS_DENIED', message });
const notRunning = (status: string) =>
  new EmulatorFault(503, { code: 5031030101, error: 'SERVICE_UNAVAILABLE_ERROR', message: `status is not running (status: ${status})` });

interface InferenceRequest {
  csv: Uint8Array;
  ar: boolean;
  ad: boolean;
  nc: boolean;
  nr: boolean;
  pc?: string;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw invalidRequest();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The documented body: `pr` (base64 CSV), `ar`/`ad`/`nc` booleans (required), `nr` boolean, `pc` string. */
function parseRequest(text: string): InferenceRequest {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw invalidRequest();
  }
  const inputs = (body as { inputs?: unknown } | null)?.inputs;
  if (!Array.isArray(inputs)) throw invalidRequest();
  const byName = new Map<string, { type?: unknown; data?: unknown }>();
  for (const input of inputs as unknown[]) {
    if (typeof input !== 'object' || input === null || typeof (input as { name?: unknown }).name !== 'string') throw invalidRequest();
    byName.set((input as { name: string }).name, input as { type?: unknown; data?: unknown });
  }
  const flag = (name: string, required: boolean): boolean => {
    const input = byName.get(name);
    if (input === undefined) {
      if (required) throw invalidRequest();
      return false;
    }
    if (input.type !== 'boolean' || typeof input.data !== 'boolean') throw invalidRequest();
    return input.data;
  };
  const pr = byName.get('pr');
  if (pr === undefined || pr.type !== 'csv' || typeof pr.data !== 'string') throw invalidRequest();
  let csv: Uint8Array;
  try {
    csv = decodeBase64(pr.data);
  } catch {
    throw invalidRequest();
  }
  const pc = byName.get('pc');
  if (pc !== undefined && (pc.type !== 'string' || typeof pc.data !== 'string')) throw invalidRequest();
  return { csv, ar: flag('ar', true), ad: flag('ad', true), nc: flag('nc', true), nr: flag('nr', false), pc: pc?.data as string | undefined };
}

/**
 * Inference: `POST <classifier url>` (`/inference/{classifier_id}`) with the classifier's
 * `api_key` in `x-api-key` and the documented JSON body. Checks, in order: the classifier exists
 * (4001030101), the key is its key (4031030201 `Invalid API key`), the caller's address
 * (`req.socket.remoteAddress`) passes its IP rules (4031030201 `Not allowed source ip`), it is
 * running and active (5031030101 `status is not running (status: stopped|building|…)`), the body
 * is well-formed (4001030104 `Invalid request`), and `pr` holds ONE data row as the page defines
 * it (else 4001030104, unless the emulator runs with `allowMultiRowInference`). The key of
 * another classifier answers 4031030201 `Invalid classifier id`. Scores the rows with the serving model and
 * answers `{ version, outputs }` with base64 files:
 *
 * - `prediction_valid.csv`: `row` (1-based; left out with `nr`), the `pc` column, every other input
 *   column (with `ad`), `prediction` (left out for classification with `nc`) and
 *   `probability_<class>` per class (classification).
 * - `prediction_analysis.csv` (with `ar`): `row`, the `pc` column, then `contribution_<feature>` per
 *   feature column: how much the prediction moves when that feature is blanked.
 *
 * ## Example
 * ```ts
 * // POST { inputs: [{ name: 'pr', type: 'csv', data: 'ZGF0ZSwuLi4=' }, { name: 'ar', type: 'boolean', data: false }, …] }
 * // -> { version: '1', outputs: [{ name: 'prediction_valid.csv', data: 'cm93LHByZWRpY3Rpb24…' }] }
 * ```
 * @internal
 */
export const inferenceRoute: Route = {
  method: 'POST',
  pattern: '/inference/{classifier_id}',
  key: 'POST /inference/{classifier_id}',
  auth: 'none',
  handle: async ({ req, params, ctx }: RouteRequest): Promise<EmulatorResponse> => {
    const classifier = ctx.deployments.classifiers.classifiers.get(params.classifier_id);
    if (classifier === undefined) throw notFoundClassifier();
    const header = req.headers['x-api-key'];
    const key = Array.isArray(header) ? header[0] : header;
    if (key !== classifier.api_key) {
      // Gap choice (docs/CONTRACT.md): the key of another of the user's classifiers is a valid
      // key for the wrong classifier id; any other key is an invalid key.
      const ownerOfKey = key === undefined ? undefined : [...ctx.deployments.classifiers.classifiers.values()].find((c) => c.api_key === key);
      throw accessDenied(ownerOfKey === undefined ? 'Invalid API key' : 'Invalid classifier id');
    }
    if (!isAllowed(classifier.rules, req.socket.remoteAddress)) throw accessDenied('Not allowed source ip');
    if (!classifier.active) throw notRunning('stopped');
    if (classifier.status !== 'running') throw notRunning(classifier.status);
    const request = parseRequest(await readBody(req));
    const table = parseCsv(request.csv);
    if (table.columns.length === 0 || table.rows.length === 0) throw invalidRequest();
    // `pr` is the header plus ONE data row (項目名の行とデータ１行); more is beyond the contract.
    if (table.rows.length > 1 && !ctx.options.allowMultiRowInference) throw invalidRequest();
    if (request.pc !== undefined && !table.columns.includes(request.pc)) throw invalidRequest();

    const { version, model: pending } = ctx.deployments.serving.get(classifier.model_id);
    const model = await pending;
    const cells = model.align(table);
    const predicted = model.predictCells(cells);
    const classification = model.kind === 'classification';
    const pcIndex = request.pc === undefined ? -1 : table.columns.indexOf(request.pc);
    const lead = (i: number): (string | number)[] => [...(request.nr ? [] : [i + 1]), ...(pcIndex < 0 ? [] : [table.rows[i][pcIndex]])];
    const leadColumns = [...(request.nr ? [] : ['row']), ...(pcIndex < 0 ? [] : [request.pc as string])];

    // With `ad`, the input columns follow the lead columns; the `pc` column is not repeated.
    const inputIndexes = request.ad ? table.columns.map((_, i) => i).filter((i) => i !== pcIndex) : [];
    const validColumns = [
      ...leadColumns,
      ...inputIndexes.map((i) => table.columns[i]),
      ...(classification && request.nc ? [] : ['prediction']),
      ...(classification ? model.classes.map((c) => `probability_${c}`) : []),
    ];
    const validRows = table.rows.map((row, i) => [
      ...lead(i),
      ...inputIndexes.map((c) => row[c]),
      ...(classification && request.nc ? [] : [predicted.labels[i]]),
      ...(classification ? (predicted.proba?.[i] ?? []).map((p) => Math.round(p * 1e6) / 1e6) : []),
    ]);
    const outputs = [{ name: 'prediction_valid.csv', data: encodeBase64(writeCsv(validColumns, validRows) + '\n') }];
    if (request.ar) {
      const contributions = model.contributions(cells);
      const analysis = writeCsv(
        [...leadColumns, ...model.sources.map((s) => `contribution_${s.name}`)],
        table.rows.map((_, i) => [...lead(i), ...contributions[i]]),
      );
      outputs.push({ name: 'prediction_analysis.csv', data: encodeBase64(analysis + '\n') });
    }
    return jsonResponse({ version: classifier.version ?? version, outputs });
  },
};
