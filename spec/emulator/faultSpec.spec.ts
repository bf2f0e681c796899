/** Specs: parsing of the emulator's fault specs. */
import { FAULT_KINDS, parseFaultSpec } from '../../lib/emulator';

describe('parseFaultSpec', () => {
  it.each([
    ['error:0.05', { kind: 'error', rate: 0.05 }],
    ['error:0.05@GET /v1/external/models/results', { kind: 'error', rate: 0.05, route: 'GET /v1/external/models/results' }],
    ['error:1:status=502:retryAfter=0', { kind: 'error', rate: 1, status: 502, retryAfterS: 0 }],
    ['rateLimit:0.02:retryAfter=1', { kind: 'rateLimit', rate: 0.02, retryAfterS: 1 }],
    ['latency:1:ms=200', { kind: 'latency', rate: 1, latencyMs: 200 }],
    ['resetAfter:0.01@POST /v1/external/models', { kind: 'resetAfter', rate: 0.01, route: 'POST /v1/external/models' }],
    ['resetBefore:.5 @ put  /storage/upload', { kind: 'resetBefore', rate: 0.5, route: 'PUT /storage/upload' }],
    ['truncate:0@GET /storage/result', { kind: 'truncate', rate: 0, route: 'GET /storage/result' }],
    ['failTraining:1@POST /v1/external/models', { kind: 'failTraining', rate: 1, route: 'POST /v1/external/models' }],
    ['failTraining:0.5@PUT /storage/retrain', { kind: 'failTraining', rate: 0.5, route: 'PUT /storage/retrain' }],
    ['corruptZip:1@GET /storage/result', { kind: 'corruptZip', rate: 1, route: 'GET /storage/result' }],
    ['failTraining:0.1', { kind: 'failTraining', rate: 0.1 }],
  ])('should parse %p', (spec, rule) => {
    expect(parseFaultSpec(spec)).toEqual(rule);
  });

  it.each([
    ['', /the fault kind is missing/],
    ['error', /the rate is missing/],
    ['boom:0.1', /unknown fault kind 'boom' \(expected one of error, rateLimit, latency/],
    ['error:1.5', /rate must be a number 0\.\.1 \(got '1\.5'\)/],
    ['error:-0.1', /rate must be a number 0\.\.1/],
    ['error:abc', /rate must be a number 0\.\.1 \(got 'abc'\)/],
    ['error:0.1:color=red', /unknown option 'color' \(expected status, retryAfter or ms/],
    ['error:0.1:status', /status needs a number, as status=<n>/],
    ['error:0.1:status=abc', /status needs a number/],
    ['error:0.1:status=200', /status must be an integer 400\.\.599 \(got 200\)/],
    ['rateLimit:0.1:status=503', /status applies to 'error' only, not 'rateLimit'/],
    ['latency:1', /latency needs latencyMs/],
    ['truncate:1:ms=5', /ms \(latencyMs\) applies to 'latency' only/],
    ['rateLimit:1:retryAfter=1.5', /retryAfter must be an integer >= 0/],
    ['error:0.1@', /nothing after @/],
    ['error:0.1@GET /v1/nope', /unknown route 'GET \/v1\/nope' \(known: GET \/v1\/external\/api-key/],
    ['corruptZip:1@GET /v1/external/models', /corruptZip applies to downloads/],
    [
      'failTraining:1@GET /storage/result',
      /failTraining applies to 'POST \/v1\/external\/models' and 'PUT \/storage\/retrain' only, not 'GET \/storage\/result'/,
    ],
  ])('should reject %p, saying why', (spec, message) => {
    expect(() => parseFaultSpec(spec)).toThrow(RangeError);
    expect(() => parseFaultSpec(spec)).toThrow(message);
    expect(() => parseFaultSpec(spec)).toThrow(`Invalid fault spec '${spec}': `);
  });

  it('should know every fault kind', () => {
    expect(FAULT_KINDS).toEqual(['error', 'rateLimit', 'latency', 'resetBefore', 'resetAfter', 'truncate', 'corruptZip', 'failTraining', 'signatureMismatch']);
  });
});
