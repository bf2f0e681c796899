/**
 * Node-only helpers: a keep-alive, streaming transport, file sources and writing results to
 * disk. Import from `prediction-one-rx/node`.
 *
 * @packageDocumentation
 */
export { createNodeFetch } from './nodeFetch';
export type { NodeFetchOptions } from './nodeFetch';
export { createNodeClient } from './nodeClient';
export { fileSource } from './fileSource';
export { writeResult } from './writeResult';
