import { filter, lastValueFrom, of } from 'rxjs';
import { train$, upload$, type TrainingEvent } from '../../lib';
import { API_KEY, seattleWeather, useEmulator } from '../helpers/emulator';
import { runCli } from '../cli/cliHarness';

describe('review2: p1rx status --json on a failed training', () => {
  const { emulator, client } = useEmulator({ manual: true });
  const conn = () => ['--base-url', emulator().url, '--api-key', API_KEY, '--poll-interval', '10'];
  const started = async (): Promise<string> => {
    const e = await lastValueFrom(
      of(seattleWeather(60)).pipe(
        upload$(client()),
        train$(client(), { name: 'w', config: { tt: 'multi_classification', tc: 'weather', cv: 1 } }),
        filter((x: TrainingEvent) => x.type === 'queued'),
      ),
    );
    return (e as { externalProcessId: string }).externalProcessId;
  };

  it('should report a failed training as terminal in --json output', async () => {
    const id = await started();
    await emulator().advance(id, 'failed');
    const { io } = await runCli(['status', id, '--json', ...conn()]);
    const line = JSON.parse(io.out().trim()) as Record<string, unknown>;
    expect(line).toMatchObject({ type: 'status', externalProcessId: id, status: 'failed' });
    // a failed training has ended: a script waiting on `terminal` must see it
    expect(line.terminal).toBe(true);
  });
});
