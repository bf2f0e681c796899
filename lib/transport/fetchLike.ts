/** The minimal fetch shape the transport needs. */
/**
 * The fetch shape the transport needs, declared in core (lib/core/fetchLike.ts) so the client's
 * configuration can name it; re-exported here for the transport's many importers.
 *
 * @packageDocumentation
 */
export type { FetchInit, FetchResponse, FetchLike } from '../core/fetchLike';
