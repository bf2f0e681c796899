/** Spec helpers: an emulator per describe block and the Seattle weather data. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../lib/emulator';
import { createClient, type ClientConfig, type PredictionOneClient } from '../../lib';

export const API_KEY = 'test-api-key-0123456789';
export const SECRET_KEY = 'test-secret-key-0123456789';

/**
 * Starts an emulator on 127.0.0.1:0 before the tests of the enclosing describe and closes it
 * after them. Returns accessors (the values exist only once beforeAll ran). Its forests have 5
 * trees instead of 20 (`trainingTrees`): these specs test the library, not the models' quality,
 * and training is most of their CPU. spec/emulator/training.spec.ts tests training with the
 * default; a spec may pass `trainingTrees` to choose.
 */
export function useEmulator(options: EmulatorOptions = {}): {
  emulator: () => Emulator;
  client: (config?: ClientConfig) => PredictionOneClient;
} {
  let emulator: Emulator | undefined;
  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, trainingDelayMs: 0, trainingTrees: 5, apiKeys: [API_KEY], secretKeys: [SECRET_KEY], ...options });
  });
  afterAll(async () => {
    await emulator?.close();
  });
  const get = () => {
    if (!emulator) throw new Error('emulator not started');
    return emulator;
  };
  return {
    emulator: get,
    client: (config = {}) =>
      createClient({
        baseUrl: get().url,
        apiKey: API_KEY,
        poll: { minDelayMs: 20, maxDelayMs: 100 },
        retry: { baseDelayMs: 10, maxDelayMs: 50 },
        ...config,
      }),
  };
}

const weatherPath = path.join(path.dirname(require.resolve('vega-datasets')), '..', 'data', 'seattle-weather.csv');

/** The first `rows` rows of Seattle's weather (vega-datasets), a real public data set. */
export function seattleWeather(rows = 400): string {
  const lines = readFileSync(weatherPath, 'utf8').trim().split('\n');
  return `${lines.slice(0, rows + 1).join('\n')}\n`;
}

/** Seattle's weather with a binary target: did it rain? */
export function seattleRain(rows = 400): string {
  const [header, ...lines] = seattleWeather(rows).trim().split('\n');
  return (
    [`${header.replace(/,weather$/, ',rain')}`, ...lines.map((l) => l.replace(/,([a-z]+)$/, (_, w: string) => `,${w === 'rain' ? 'yes' : 'no'}`))].join('\n') +
    '\n'
  );
}
