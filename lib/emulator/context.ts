/** What the emulator's route handlers share. */
import type { IncomingMessage } from 'node:http';
import type { KeyStore, RouteAuth } from './auth';
import type { Deployments } from './deployments';
import type { EmulatorResponse } from './http';
import type { JobStore } from './jobs';
import type { ResolvedOptions } from './options';
import type { EmulatorStore } from './store';

/**
 * Everything a route handler may use.
 * @internal
 */
export interface EmulatorContext {
  options: ResolvedOptions;
  store: EmulatorStore;
  keys: KeyStore;
  jobs: JobStore;
  /** Retraining jobs, classifiers and serving models. */
  deployments: Deployments;
}

/**
 * One request as a handler sees it.
 * @internal
 */
export interface RouteRequest {
  req: IncomingMessage;
  url: URL;
  params: Readonly<Record<string, string>>;
  ctx: EmulatorContext;
  /** Set by an injected `failTraining` fault: a route that starts a training makes it end `failed` with this message. */
  injectTrainingFailure?: string;
}

/**
 * A route: method, path pattern (`{name}` matches one segment), the key it is logged under and
 * which key opens it (`secret` for Get API Key; `train`, `deploy` or `retrain` for an API key of
 * that credential type; `none` for pre-signed storage URLs, whose signature is checked by the
 * handler, and inference, which checks its classifier's key).
 *
 * ## Example
 * ```ts
 * const route: Route = { method: 'GET', pattern: '/v1/external/models', key: 'GET /v1/external/models', auth: 'train', handle: listModels };
 * ```
 * @internal
 */
export interface Route {
  method: string;
  pattern: string;
  key: string;
  auth: RouteAuth;
  handle: (r: RouteRequest) => EmulatorResponse | Promise<EmulatorResponse>;
}

/**
 * Finds the route for a method and path, with its decoded path parameters.
 *
 * ## Example
 * ```ts
 * matchRoute(routes, 'DELETE', '/v1/external/models/7')?.params; // { model_id: '7' }
 * ```
 * @internal
 */
export function matchRoute(routes: readonly Route[], method: string, pathname: string): { route: Route; params: Record<string, string> } | undefined {
  const parts = pathname.split('/');
  for (const route of routes) {
    if (route.method !== method) continue;
    const pattern = route.pattern.split('/');
    if (pattern.length !== parts.length) continue;
    const params: Record<string, string> = {};
    const ok = pattern.every((p, i) => {
      if (p.startsWith('{') && p.endsWith('}')) {
        if (parts[i] === '') return false;
        params[p.slice(1, -1)] = safeDecode(parts[i]);
        return true;
      }
      return p === parts[i];
    });
    if (ok) return { route, params };
  }
  return undefined;
}

/**
 * The route key of a path for a method that has no route of its own (OPTIONS preflights, and
 * unknown routes): the pattern of any route on that path, else the raw path.
 * @internal
 */
export function routeKeyFor(routes: readonly Route[], method: string, pathname: string): string {
  for (const m of new Set(routes.map((r) => r.method))) {
    const found = matchRoute(routes, m, pathname);
    if (found !== undefined) return `${method} ${found.route.key.slice(found.route.key.indexOf(' ') + 1)}`;
  }
  return `${method} ${pathname}`;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
