/** The emulator's in-memory store: upload sessions, models, data sets and stored objects. */
import type { UploadedFiles } from './dataset';
import { badRequest } from './errors';
import { Listing } from './listing';
import { newId, UrlSigner } from './signing';

/** Which file of an upload session a pre-signed URL receives. @internal */
export type UploadKind = 'learn' | 'eval' | 'columnInfo';

/** One pre-signed upload URL. @internal */
export interface UploadSlot {
  id: string;
  externalProcessId: string;
  kind: UploadKind;
  fileName: string;
  used: boolean;
}

/** The files uploaded under one `external_process_id`. @internal */
export interface UploadSession {
  externalProcessId: string;
  extension: string;
  files: UploadedFiles;
  dataSetId?: number;
}

/** A row of List Models (the documented shape) plus the upload it came from. @internal */
export interface ModelRecord {
  model_id: number;
  owner_user_id: string;
  target_type: string | null;
  name: string | null;
  version: string | null;
  config: Record<string, unknown>;
  is_api_option: boolean;
  updated_date: string;
  created_date: string;
}

/** A row of List Data Sets (the documented shape). @internal */
export interface DataSetRecord {
  data_set_id: number;
  owner_user_id: string;
  name: string | null;
  extension: string;
  column_count: number;
  data_count: number;
  data_size: number;
  download_url: string;
  updated_date: string;
  created_date: string;
}

/** A stored download (result zip or data set file) behind a signed URL. @internal */
export interface StoredObject {
  contentType: string;
  body: Uint8Array;
}

/** The owner id every record carries (the emulator has one user). @internal */
export const OWNER_USER_ID = 'emulator-user';

/**
 * All mutable state of one emulator: upload sessions and their signed slots, models, data sets
 * and downloadable objects. Ids of models and data sets are sequential integers from 1.
 *
 * ## Example
 * ```ts
 * const store = new EmulatorStore();
 * store.baseUrl = 'http://127.0.0.1:1234';
 * const { urls } = store.createSession('csv');
 * ```
 * @internal
 */
export class EmulatorStore {
  baseUrl = '';
  readonly sessions = new Map<string, UploadSession>();
  readonly slots = new Map<string, UploadSlot>();
  readonly models = new Map<number, ModelRecord>();
  /** The data sets, the first `syntheticDataSets` of them generated (see {@link Listing}). */
  readonly dataSets: Listing<DataSetRecord>;
  /** Signed downloads, keyed by `'<bucket>/<id>'`, e.g. `'result/<uuid>'`. */
  readonly objects = new Map<string, StoredObject>();
  private nextModelId = 1;
  private nextDataSetId: number;
  private syntheticUrl: string | undefined;

  /**
   * @param signer - Signs and checks the pre-signed storage URLs (the emulator's clock and URL lifetime).
   * @param syntheticDataSets - Data sets the account holds from the start (ids 1..n), generated
   *   when listed; see {@link EmulatorOptions.syntheticDataSets}.
   */
  constructor(
    readonly signer: UrlSigner = new UrlSigner(),
    syntheticDataSets = 0,
  ) {
    this.dataSets = new Listing(syntheticDataSets, (id) => this.syntheticDataSet(id));
    this.nextDataSetId = syntheticDataSets + 1;
  }

  /** The absolute pre-signed URL for `method` on `path` (percent-encoded), signed now. */
  presign(method: 'GET' | 'PUT', path: string): string {
    return `${this.baseUrl}${path}?${this.signer.query(method, path)}`;
  }

  /** A stored download URL signed anew now (a fresh `X-Amz-Date`): what a status answer hands out. */
  resign(url: string): string {
    return this.presign('GET', new URL(url).pathname);
  }

  /** Opens an upload session with three single-use pre-signed URLs. */
  createSession(extension: string): { session: UploadSession; urls: Record<UploadKind, string> } {
    const session: UploadSession = { externalProcessId: newId(), extension, files: {} };
    this.sessions.set(session.externalProcessId, session);
    const url = (kind: UploadKind, fileName: string): string => {
      const slot: UploadSlot = { id: newId(), externalProcessId: session.externalProcessId, kind, fileName, used: false };
      this.slots.set(slot.id, slot);
      return this.presign('PUT', `/storage/upload/${slot.id}/${fileName}`);
    };
    const urls = {
      learn: url('learn', `learn.${extension}`),
      eval: url('eval', `eval.${extension}`),
      columnInfo: url('columnInfo', `column_info.${extension}`),
    };
    return { session, urls };
  }

  /** The session of an `external_process_id`, or the 400 naming it. */
  session(externalProcessId: string): UploadSession {
    const session = this.sessions.get(externalProcessId);
    if (session === undefined) throw badRequest(`Unknown external_process_id '${externalProcessId}'.`);
    return session;
  }

  /** Stores a signed download and returns its absolute URL. */
  putObject(bucket: string, fileName: string, contentType: string, body: Uint8Array): string {
    const id = newId();
    this.objects.set(`${bucket}/${id}`, { contentType, body });
    return this.presign('GET', `/storage/${bucket}/${id}/${fileName}`);
  }

  /** Records a new model and returns it. */
  addModel(fields: Pick<ModelRecord, 'name' | 'target_type' | 'config'>): ModelRecord {
    const now = new Date().toISOString();
    const model: ModelRecord = {
      model_id: this.nextModelId++,
      owner_user_id: OWNER_USER_ID,
      version: '1',
      is_api_option: true,
      created_date: now,
      updated_date: now,
      ...fields,
    };
    this.models.set(model.model_id, model);
    return model;
  }

  /** Records the data set of an uploaded learn file. */
  addDataSet(fields: Omit<DataSetRecord, 'data_set_id' | 'owner_user_id' | 'created_date' | 'updated_date'>): DataSetRecord {
    const now = new Date().toISOString();
    const record: DataSetRecord = { data_set_id: this.nextDataSetId++, owner_user_id: OWNER_USER_ID, created_date: now, updated_date: now, ...fields };
    this.dataSets.set(record.data_set_id, record);
    return record;
  }

  /**
   * The generated row of synthetic data set `id`: every one holds the same small CSV, stored once
   * and served (signed) by the data set download route, so its `download_url` works.
   */
  private syntheticDataSet(id: number): DataSetRecord {
    this.syntheticUrl ??= this.putObject('data-sets', 'synthetic.csv', 'text/csv; charset=utf-8', SYNTHETIC_CSV);
    const date = new Date(SYNTHETIC_EPOCH_MS + id * 1000).toISOString();
    return {
      data_set_id: id,
      owner_user_id: OWNER_USER_ID,
      name: `synthetic-${id}.csv`,
      extension: 'csv',
      column_count: 2,
      data_count: 2,
      data_size: SYNTHETIC_CSV.byteLength,
      download_url: this.syntheticUrl,
      created_date: date,
      updated_date: date,
    };
  }
}

/** The file behind every synthetic data set. */
const SYNTHETIC_CSV = new TextEncoder().encode('x,y\n1,a\n2,b\n');
/** Synthetic data set n was created n seconds after this instant (2026-01-01T00:00:00Z). */
const SYNTHETIC_EPOCH_MS = Date.UTC(2026, 0, 1);
