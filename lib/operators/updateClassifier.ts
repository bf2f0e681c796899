/** Operator: Update Classifier. */
/**
 * Update Classifier: change the IP rules, switch a prediction API on or off.
 *
 * @packageDocumentation
 */
import { OperatorFunction, concatMap, defer, map } from 'rxjs';
import { UpdateClassifierResponse, type Classifier } from '../codecs/classifier';
import { assertClassifierRules, type ClassifierRuleInput } from '../core/classifierRules';
import { ValidationError } from '../core/errors';
import { callApi$ } from '../transport/api';
import type { PredictionOneClient } from '../transport/client';
import { segment } from '../transport/url';

/**
 * A change to one classifier; only the fields given are sent.
 *
 * ## Example
 * ```ts
 * const change: ClassifierUpdate = { classifierId, active: false };
 * ```
 */
export interface ClassifierUpdate {
  readonly classifierId: string;
  readonly rules?: readonly ClassifierRuleInput[];
  readonly active?: boolean;
  readonly isEditable?: boolean;
}

/**
 * For each change, validates the rules (if any) and PATCHes Update Classifier with `rules`,
 * `active` and/or `is_editable`; emits the classifier as the service now describes it.
 *
 * **Errors**: {@link index!ValidationError} (bad rules, or nothing to change) before sending,
 * {@link index!ApiError} (`Not found classifier.`), {@link index!AuthError}, {@link index!NetworkError},
 * {@link index!DecodeError}.
 *
 * **Cancellation**: unsubscribing aborts the request.
 *
 * ## Example
 * ```ts
 * of({ classifierId, rules: [{ source: '10.0.0.0/8', order: 'allow', priority: 1 }] })
 *   .pipe(updateClassifier$(client)).subscribe((c) => console.log(c.rules));
 * ```
 *
 * @param client - The client.
 * @returns An operator from changes to updated classifiers.
 */
export function updateClassifier$(client: PredictionOneClient): OperatorFunction<ClassifierUpdate, Classifier> {
  return concatMap((change) =>
    defer(() => {
      const body: Record<string, unknown> = {};
      if (change.rules !== undefined) {
        assertClassifierRules(change.rules);
        body.rules = change.rules;
      }
      if (change.active !== undefined) body.active = change.active;
      if (change.isEditable !== undefined) body.is_editable = change.isEditable;
      if (Object.keys(body).length === 0) throw new ValidationError('classifier update', ['give rules, active or isEditable']);
      if (!change.classifierId) throw new ValidationError('classifier update', ['classifierId is required']);
      return callApi$(
        client,
        // PATCH with the same body twice leaves the same state: safe to retry.
        {
          operation: 'updateClassifier',
          method: 'PATCH',
          keyType: 'deploy',
          path: `/v1/external/classifiers/${segment(change.classifierId)}`,
          json: body,
          idempotent: true,
        },
        UpdateClassifierResponse,
      ).pipe(map((res) => res.classifier));
    }),
  );
}
