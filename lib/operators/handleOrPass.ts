import { Observable, OperatorFunction, concat, concatMap, of } from 'rxjs';

/**
 * The shape shared by the pipeline operators: act on the values `handles` picks, pass every
 * event through unchanged, in order. A handled event is passed on before the work it starts,
 * so the end of a pipeline sees every stage (`uploaded`, `queued`, the final `status`); a bare
 * reference (no `type`) is not an event and is not passed on.
 *
 * @internal
 */
export function handleOrPass<In, H extends In, Out>(
  handles: (value: In) => value is H,
  handle: (value: H) => Observable<Out>,
): OperatorFunction<In, Out | Exclude<In, { readonly type?: undefined }>> {
  type Passed = Exclude<In, { readonly type?: undefined }>;
  return concatMap((value: In) => {
    const isEvent = (value as { type?: unknown }).type !== undefined;
    if (!handles(value)) return of(value as Passed);
    return isEvent ? concat(of(value as unknown as Passed), handle(value)) : handle(value);
  });
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
