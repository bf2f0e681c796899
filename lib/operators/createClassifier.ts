/** Operator: Create Classifier. */
/**
 * Create Classifier: deploy a model as a prediction API.
 *
 * @packageDocumentation
 */
import { OperatorFunction, catchError, concatMap, defer, map, throwError } from 'rxjs';
import type { ClassifierId } from '../codecs/ids';
import { CreateClassifierResponse } from '../codecs/classifier';
import { assertClassifierRules, type ClassifierRuleInput } from '../core/classifierRules';
import { NetworkError, PredictionOneError, ValidationError } from '../core/errors';
import { callApi$ } from '../transport/api';
import type { PredictionOneClient } from '../transport/client';

/**
 * What to deploy: a model and the IP rules of its prediction API.
 *
 * ## Example
 * ```ts
 * const input: CreateClassifierInput = { modelId: 12, rules: [{ source: '203.0.113.0/24', order: 'allow', priority: 1 }] };
 * ```
 */
export interface CreateClassifierInput {
  readonly modelId: number;
  readonly rules: readonly ClassifierRuleInput[];
}

/**
 * A new prediction API. `apiKey` is its inference key: keep it secret.
 *
 * ## Example
 * ```ts
 * const { classifierId, apiKey } = created;
 * ```
 */
export interface CreatedClassifier {
  readonly classifierId: ClassifierId;
  readonly apiKey: string;
  readonly version?: string;
}

/**
 * The service may have created the classifier, or not: the request was sent but no answer came.
 * Not resent (that could deploy twice): list the classifiers to find out.
 *
 * @internal
 */
function ambiguous(err: NetworkError): PredictionOneError {
  return new PredictionOneError('Create Classifier may or may not have reached the service; not resent. List the classifiers to find out.', {
    cause: err,
  });
}

/**
 * Deploys models: for each input it validates the IP rules (CIDR syntax for IPv4/IPv6, `order`
 * `allow`/`deny`, integer `priority`), POSTs Create Classifier and emits the new classifier's
 * id, inference API key and version. The classifier starts `building`: wait for it with
 * {@link waitForClassifier$}.
 *
 * Create Classifier is not idempotent: it is retried only when the request provably never left.
 *
 * **Errors**: {@link index!ValidationError} (rules, model id) before anything is sent,
 * {@link index!ApiError} (e.g. an unknown model), {@link index!AuthError}, {@link index!NetworkError},
 * {@link index!DecodeError}, {@link index!PredictionOneError} when the outcome is unknown.
 *
 * **Cancellation**: unsubscribing aborts the request (a classifier the service already created
 * stays).
 *
 * ## Example
 * ```ts
 * of({ modelId: 12, rules: [{ source: '0.0.0.0/0', order: 'allow', priority: 1 }] })
 *   .pipe(createClassifier$(client), waitForClassifier$(client))
 *   .subscribe((c) => console.log(c.status, c.url));
 * // building null
 * // running https://…
 * ```
 *
 * @param client - The client.
 * @returns An operator from deploy requests to created classifiers.
 */
export function createClassifier$(client: PredictionOneClient): OperatorFunction<CreateClassifierInput, CreatedClassifier> {
  return concatMap((input) =>
    defer(() => {
      if (!Number.isInteger(input.modelId)) throw new ValidationError('model id', [`expected an integer, got ${String(input.modelId)}`]);
      assertClassifierRules(input.rules);
      return callApi$(
        client,
        {
          operation: 'createClassifier',
          method: 'POST',
          keyType: 'deploy',
          path: '/v1/external/classifiers',
          json: { model_id: input.modelId, rules: input.rules },
        },
        CreateClassifierResponse,
      ).pipe(
        map((res): CreatedClassifier => ({
          classifierId: res.classifier_id,
          apiKey: res.api_key,
          version: res.version === undefined || res.version === null ? undefined : String(res.version),
        })),
        catchError((err: unknown) => throwError(() => (err instanceof NetworkError && err.sent ? ambiguous(err) : err))),
      );
    }),
  );
}
