import { Observable, OperatorFunction, concatMap, of } from 'rxjs';

/**
 * The shape shared by the pipeline operators: act on the values `handles` picks, pass every
 * other value (earlier progress events) through unchanged, in order.
 *
 * @internal
 */
export function handleOrPass<In, H extends In, Out>(
  handles: (value: In) => value is H,
  handle: (value: H) => Observable<Out>,
): OperatorFunction<In, Out | Exclude<In, H>> {
  return concatMap((value: In) => (handles(value) ? handle(value) : of(value as Exclude<In, H>)));
}

/**
 * A bare reference to an upload/training, for using an operator on its own:
 * `of({ externalProcessId }).pipe(pollStatus$(client))`.
 *
 * ## Example
 * ```ts
 * const ref: ExternalProcessRef = { externalProcessId: savedId };
 * ```
 */
export interface ExternalProcessRef {
  readonly externalProcessId: string;
  readonly type?: undefined;
}

/** @internal */
export function isRef(value: unknown): value is ExternalProcessRef {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { type?: unknown }).type === undefined &&
    typeof (value as { externalProcessId?: unknown }).externalProcessId === 'string'
  );
}
