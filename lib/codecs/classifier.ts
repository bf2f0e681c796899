import * as t from 'io-ts';
import { ClassifierId, ModelId } from './ids';

/**
 * One IP rule of a prediction API: a CIDR `source`, `allow` or `deny`, and an integer
 * `priority`. Decoded leniently (`order` as any string); the client validates what it sends
 * with {@link classifierRuleIssues}.
 *
 * ## Example
 * ```ts
 * ClassifierRule.is({ source: '10.0.0.0/8', order: 'allow', priority: 1 }); // true
 * ```
 */
export const ClassifierRule = t.type({ source: t.string, order: t.string, priority: t.number }, 'ClassifierRule');
/** One IP rule of a prediction API. */
export type ClassifierRule = t.TypeOf<typeof ClassifierRule>;

/**
 * One prediction API (classifier) as List Classifiers and Update Classifier describe it.
 * `api_key` is the inference key: never log it. `url` is `null` until the API runs.
 *
 * ## Example
 * ```ts
 * list.classifiers.filter((c) => c.status === 'running').map((c) => c.url);
 * ```
 */
export const Classifier = t.intersection(
  [
    t.type({ classifier_id: ClassifierId, status: t.string }),
    t.partial({
      model_id: ModelId,
      api_key: t.string,
      version: t.union([t.string, t.number, t.null]),
      url: t.union([t.string, t.null]),
      active: t.boolean,
      is_editable: t.boolean,
      create_datetime: t.string,
      update_datetime: t.string,
      rules: t.array(ClassifierRule),
    }),
  ],
  'Classifier',
);
/** One prediction API (classifier). */
export type Classifier = t.TypeOf<typeof Classifier>;

/**
 * Response of List Classifiers.
 *
 * ## Example
 * ```ts
 * ClassifierListResponse.is({ classifiers: [] }); // true
 * ```
 */
export const ClassifierListResponse = t.type({ classifiers: t.array(Classifier) }, 'ClassifierListResponse');
/** Response of List Classifiers. */
export type ClassifierListResponse = t.TypeOf<typeof ClassifierListResponse>;

/**
 * Response of Create Classifier: its id, its inference API key and the model version it serves.
 *
 * ## Example
 * ```ts
 * CreateClassifierResponse.is({ classifier_id: 'c1', api_key: 'k', version: '1' }); // true
 * ```
 */
export const CreateClassifierResponse = t.intersection(
  [t.type({ classifier_id: ClassifierId, api_key: t.string }), t.partial({ version: t.union([t.string, t.number, t.null]) })],
  'CreateClassifierResponse',
);
/** Response of Create Classifier. */
export type CreateClassifierResponse = t.TypeOf<typeof CreateClassifierResponse>;

/**
 * Response of Update Classifier.
 *
 * ## Example
 * ```ts
 * UpdateClassifierResponse.is({ classifier: { classifier_id: 'c1', status: 'running' } }); // true
 * ```
 */
export const UpdateClassifierResponse = t.type({ classifier: Classifier }, 'UpdateClassifierResponse');
/** Response of Update Classifier. */
export type UpdateClassifierResponse = t.TypeOf<typeof UpdateClassifierResponse>;
