/** Codecs of the prediction API (classifier) responses. */
import * as t from 'io-ts';
import type { ClassifierStatusValue } from '../core/events';
import { ClassifierId, ModelId } from './ids';
import { BooleanLike, IntegerLike, TextLike, struct, listOf } from './lenient';

/**
 * One IP rule of a prediction API, as the service describes it.
 *
 * ## Example
 * ```ts
 * const rule: ClassifierRule = { source: '10.0.0.0/8', order: 'allow', priority: 1 };
 * ```
 */
export interface ClassifierRule {
  /** The CIDR the rule matches (`0.0.0.0/0` for every address). */
  readonly source: string;
  /** `allow` or `deny` (kept as sent if the service uses another word). */
  readonly order: string;
  /** The rule's priority (sent as a number or a numeric string). */
  readonly priority: number;
}

/**
 * Codec of {@link ClassifierRule}. Decoded leniently (`order` as any string); the client
 * validates what it sends before sending it ({@link createClassifier$} fails with {@link ValidationError}).
 *
 * ## Example
 * ```ts
 * ClassifierRule.is({ source: '10.0.0.0/8', order: 'allow', priority: 1 }); // true
 * ```
 *
 * Not exported by the package (only its type is): kept out of the API reference so the
 * interface has one page. @internal
 */
export const ClassifierRule: t.Type<ClassifierRule, unknown> = struct<ClassifierRule>(
  'ClassifierRule',
  { source: t.string, order: t.string, priority: IntegerLike },
  {},
);

/**
 * One prediction API (classifier) as Get Classifier and Update Classifier describe it. Only
 * `classifier_id` and `status` are required; other fields are absent when the service sent
 * none or `null`.
 *
 * ## Example
 * ```ts
 * list.classifiers.filter((c: Classifier) => c.status === 'running').map((c) => c.url);
 * ```
 */
export interface Classifier {
  /** The prediction API's id (sent as a string or a number). */
  readonly classifier_id: ClassifierId;
  /** The model it serves (sent as a number or a numeric string). */
  readonly model_id?: ModelId;
  /** `building`, `running`, `updating`, `failed`, `terminating` or `terminated` (documented); kept as sent. See {@link KnownClassifierStatus}. */
  readonly status: ClassifierStatusValue;
  /** The inference API key: a secret, never log it. */
  readonly api_key?: string;
  /** The prediction API's version (a number is read as its text). */
  readonly version?: string;
  /** The inference URL; absent until the API runs (the service sends `null`). */
  readonly url?: string;
  /** Whether the API is on. */
  readonly active?: boolean;
  /** Whether the API may be edited (not locked). */
  readonly is_editable?: boolean;
  /** When the API was created, as the service wrote it. */
  readonly create_datetime?: string;
  /** When the API was last updated, as the service wrote it. */
  readonly update_datetime?: string;
  /** The IP rules of the API. */
  readonly rules?: readonly ClassifierRule[];
}

/**
 * Codec of {@link Classifier}.
 *
 * ## Example
 * ```ts
 * Classifier.is({ classifier_id: 'c1', status: 'running' }); // true
 * ```
 *
 * Not exported by the package (only its type is): kept out of the API reference so the
 * interface has one page. @internal
 */
export const Classifier: t.Type<Classifier, unknown> = struct<Classifier>(
  'Classifier',
  { classifier_id: ClassifierId, status: t.string },
  {
    model_id: ModelId,
    api_key: t.string,
    version: TextLike,
    url: t.string,
    active: BooleanLike,
    is_editable: BooleanLike,
    create_datetime: TextLike,
    update_datetime: TextLike,
    rules: listOf(ClassifierRule),
  },
);

/**
 * Response of Get Classifier (`GET /v1/external/classifiers`): every prediction API of the
 * account.
 *
 * ## Example
 * ```ts
 * const { classifiers }: ClassifierListResponse = decoded;
 * ```
 */
export interface ClassifierListResponse {
  /** The prediction APIs. */
  readonly classifiers: readonly Classifier[];
}

/**
 * Codec of {@link ClassifierListResponse}.
 *
 * ## Example
 * ```ts
 * ClassifierListResponse.is({ classifiers: [] }); // true
 * ```
 */
export const ClassifierListResponse: t.Type<ClassifierListResponse, unknown> = struct<ClassifierListResponse>(
  'ClassifierListResponse',
  { classifiers: listOf(Classifier) },
  {},
);

/**
 * Response of Create Classifier (`POST /v1/external/classifiers`): its id, its inference API
 * key and its version.
 *
 * ## Example
 * ```ts
 * const { classifier_id }: CreateClassifierResponse = decoded;
 * ```
 */
export interface CreateClassifierResponse {
  /** The new prediction API's id (sent as a string or a number). */
  readonly classifier_id: ClassifierId;
  /** Its inference API key: a secret, never log it. */
  readonly api_key: string;
  /** Its version, when sent (a number is read as its text). */
  readonly version?: string;
}

/**
 * Codec of {@link CreateClassifierResponse}: `classifier_id` and `api_key` required.
 *
 * ## Example
 * ```ts
 * CreateClassifierResponse.is({ classifier_id: 'c1', api_key: 'k', version: '1' }); // true
 * ```
 */
export const CreateClassifierResponse: t.Type<CreateClassifierResponse, unknown> = struct<CreateClassifierResponse>(
  'CreateClassifierResponse',
  { classifier_id: ClassifierId, api_key: t.string },
  { version: TextLike },
);

/**
 * Response of Update Classifier (`PATCH /v1/external/classifiers/{classifier_id}`): the API as
 * it is now.
 *
 * ## Example
 * ```ts
 * const { classifier }: UpdateClassifierResponse = decoded;
 * ```
 */
export interface UpdateClassifierResponse {
  /** The updated prediction API. */
  readonly classifier: Classifier;
}

/**
 * Codec of {@link UpdateClassifierResponse}.
 *
 * ## Example
 * ```ts
 * UpdateClassifierResponse.is({ classifier: { classifier_id: 'c1', status: 'running' } }); // true
 * ```
 */
export const UpdateClassifierResponse: t.Type<UpdateClassifierResponse, unknown> = struct<UpdateClassifierResponse>(
  'UpdateClassifierResponse',
  { classifier: Classifier },
  {},
);
