/** Parsing of the --fault specs of p1rx emulator. */
import { faultProblem, type FaultRule, type FaultSettings } from './faultPlan';
import { ROUTES } from './routes/table';

/** Spec option names and the setting each one fills. */
const SETTINGS: Readonly<Record<string, keyof FaultSettings>> = {
  status: 'status',
  retryAfter: 'retryAfterS',
  retryAfterS: 'retryAfterS',
  ms: 'latencyMs',
  latencyMs: 'latencyMs',
};

/**
 * Parses the text form of a {@link FaultRule}, as given to `p1rx emulator --fault`:
 * `kind:rate[:name=value...][@ROUTE]`. Option names are `status`, `retryAfter` (seconds) and `ms`
 * (latency); `ROUTE` is a route key such as `GET /v1/external/models/results` (quote it in a
 * shell). Without `@ROUTE` the rule applies to every route.
 *
 * **Errors**: throws a `RangeError` saying what is wrong with the spec (unknown kind or option,
 * rate outside 0..1, an option the kind does not take, an unknown route…).
 *
 * ## Example
 * ```ts
 * parseFaultSpec('error:0.05@GET /v1/external/models/results');
 * // { kind: 'error', rate: 0.05, route: 'GET /v1/external/models/results' }
 * parseFaultSpec('rateLimit:0.02:retryAfter=1'); // { kind: 'rateLimit', rate: 0.02, retryAfterS: 1 }
 * parseFaultSpec('latency:1:ms=200'); // { kind: 'latency', rate: 1, latencyMs: 200 }
 * ```
 * @param spec - the text form, e.g. `'resetAfter:0.01@POST /v1/external/models'`
 * @returns the rule
 */
export function parseFaultSpec(spec: string): FaultRule {
  const fail = (why: string): never => {
    throw new RangeError(`Invalid fault spec '${spec}': ${why}. Expected kind:rate[:name=value...][@ROUTE], e.g. 'error:0.05@GET /v1/external/models'.`);
  };
  const at = spec.indexOf('@');
  const head = (at < 0 ? spec : spec.slice(0, at)).trim();
  const route = at < 0 ? undefined : normalizeRoute(spec.slice(at + 1));
  if (route === '') fail('nothing after @ (give a route such as GET /v1/external/models)');
  const [kind = '', rateText, ...options] = head.split(':').map((s) => s.trim());
  if (kind === '') fail('the fault kind is missing');
  if (rateText === undefined || rateText === '') fail('the rate is missing');
  const rate = Number(rateText);
  if (!/^(\d+(\.\d*)?|\.\d+)$/.test(rateText ?? '') || !(rate >= 0 && rate <= 1)) fail(`rate must be a number 0..1 (got '${rateText}')`);

  const settings: FaultSettings = {};
  for (const option of options) {
    const eq = option.indexOf('=');
    const name = eq < 0 ? option : option.slice(0, eq).trim();
    const setting = Object.hasOwn(SETTINGS, name) ? SETTINGS[name] : undefined;
    if (setting === undefined) fail(`unknown option '${name}' (expected status, retryAfter or ms, as name=value)`);
    const valueText = eq < 0 ? '' : option.slice(eq + 1).trim();
    if (!/^\d+(\.\d+)?$/.test(valueText)) fail(`${name} needs a number, as ${name}=<n> (got '${option}')`);
    (settings as Record<string, number>)[setting as string] = Number(valueText);
  }
  const knownRoutes = ROUTES.map((r) => r.key);
  const problem = faultProblem(kind, settings, route, knownRoutes);
  if (problem !== undefined) fail(problem);
  return { kind: kind as FaultRule['kind'], rate, ...settings, ...(route === undefined ? {} : { route }) };
}

/** `get  /v1/x` -> `GET /v1/x`: the method is case-insensitive, blanks are collapsed. */
function normalizeRoute(text: string): string {
  const trimmed = text.trim().replace(/\s+/g, ' ');
  const space = trimmed.indexOf(' ');
  return space < 0 ? trimmed : `${trimmed.slice(0, space).toUpperCase()}${trimmed.slice(space)}`;
}
