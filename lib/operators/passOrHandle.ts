/** The shape shared by the pipeline operators. */
/**
 * The shape shared by the pipeline operators: work on the events they handle, pass the others.
 *
 * @packageDocumentation
 */
import { Observable, OperatorFunction, concat, concatMap, defer, of } from 'rxjs';

/**
 * Acts on the values `handles` picks and passes every event through unchanged, in order: a
 * handled event is passed on before the work it starts, so the end of a pipeline sees every
 * stage (`uploaded`, `queued`, the final `status`); a bare reference (no `type`) is not an
 * event and is not passed on. Values that arrive while one is at work wait their turn
 * (`concatMap`).
 *
 * @internal
 */
export function passOrHandle<In, H extends In, Out>(
  handles: (value: In) => value is H,
  handle: (value: H) => Observable<Out>,
): OperatorFunction<In, Out | Exclude<In, { readonly type?: undefined }>> {
  type Passed = Exclude<In, { readonly type?: undefined }>;
  return concatMap((value: In): Observable<Out | Passed> => {
    if (!handles(value)) return of(value as Passed);
    // `defer`: a handler that throws fails the stream like an error of its work.
    const work$ = defer(() => handle(value));
    return (value as { type?: unknown }).type === undefined ? work$ : concat(of(value as unknown as Passed), work$);
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

/**
 * Whether `value` is a bare reference (no `type`) whose `key` is a string id.
 *
 * @internal
 */
export function isBareRef(value: unknown, key: string): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { type?: unknown }).type === undefined &&
    typeof (value as Record<string, unknown>)[key] === 'string'
  );
}

/** @internal */
export function isRef(value: unknown): value is ExternalProcessRef {
  return isBareRef(value, 'externalProcessId');
}
