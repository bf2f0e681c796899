/** Specs: the prediction API (classifier) operators. */
import { VirtualTimeScheduler, firstValueFrom, lastValueFrom, of, toArray } from 'rxjs';
import { ApiError, ValidationError, PollTimeoutError, train$, upload$ } from '../../lib';
import {
  ClassifierFailedError,
  classifiers$,
  createClassifier$,
  deleteClassifier$,
  updateClassifier$,
  waitForClassifier$,
  models$,
  type ClassifierRuleInput,
} from '../../lib/deploy';
import { seattleWeather, useEmulator } from '../helpers/emulator';
import { trainedModel } from '../helpers/models';
import { until } from '../helpers/wait';

const LOCAL: ClassifierRuleInput[] = [{ source: '127.0.0.0/8', order: 'allow', priority: 1 }];
const fast = { minDelayMs: 10, maxDelayMs: 10 };

describe('prediction APIs (classifiers)', () => {
  const { emulator, client } = useEmulator({ trainingDelayMs: 0 });
  let modelId: number;
  beforeAll(async () => {
    modelId = await trainedModel(client());
  });

  it('should create a classifier and wait until it runs', async () => {
    const created = await firstValueFrom(of({ modelId, rules: LOCAL }).pipe(createClassifier$(client())));
    expect(created).toEqual({ classifierId: expect.any(String), apiKey: expect.stringMatching(/^p1inf_/), version: '1' });
    const seen = await lastValueFrom(of(created).pipe(waitForClassifier$(client(), fast), toArray()));
    const last = seen[seen.length - 1];
    expect(last.status).toBe('running');
    expect(last.url).toBe(`${emulator().url}/inference/${created.classifierId}`);
    expect(last.rules).toEqual(LOCAL);
  });

  it('should list, update and delete classifiers', async () => {
    const created = await firstValueFrom(of({ modelId, rules: LOCAL }).pipe(createClassifier$(client())));
    const listed = await lastValueFrom(classifiers$(client()).pipe(toArray()));
    expect(listed.map((c) => c.classifier_id)).toContain(created.classifierId);

    const rules: ClassifierRuleInput[] = [
      { source: '2001:db8::/32', order: 'deny', priority: 1 },
      { source: '0.0.0.0/0', order: 'allow', priority: 2 },
    ];
    const updated = await firstValueFrom(of({ classifierId: created.classifierId, rules, active: false }).pipe(updateClassifier$(client())));
    expect(updated).toMatchObject({ classifier_id: created.classifierId, rules, active: false });

    const deleted = await firstValueFrom(of(created.classifierId).pipe(deleteClassifier$(client())));
    expect(deleted).toBe(created.classifierId);
    const again = await lastValueFrom(of(created.classifierId).pipe(deleteClassifier$(client()))).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(ApiError);
    expect((again as ApiError).apiMessage).toBe('Not found classifier.');
  });

  it.each<[string, unknown]>([
    ['a CIDR without prefix', [{ source: '10.0.0.1', order: 'allow', priority: 1 }]],
    ['a prefix too long', [{ source: '10.0.0.0/33', order: 'allow', priority: 1 }]],
    ['a bad IPv6 block', [{ source: '2001:db8:::/32', order: 'allow', priority: 1 }]],
    ['an unknown order', [{ source: '10.0.0.0/8', order: 'permit', priority: 1 }]],
    ['a fractional priority', [{ source: '10.0.0.0/8', order: 'allow', priority: 1.5 }]],
  ])('should refuse %s with ValidationError before sending', async (_, rules) => {
    emulator().clearLog();
    const input = { modelId, rules: rules as ClassifierRuleInput[] };
    const err = await lastValueFrom(of(input).pipe(createClassifier$(client()))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    const patch = await lastValueFrom(of({ classifierId: 'x', rules: rules as ClassifierRuleInput[] }).pipe(updateClassifier$(client()))).catch(
      (e: unknown) => e,
    );
    expect(patch).toBeInstanceOf(ValidationError);
    expect(emulator().requests).toEqual([]);
  });

  it('should give an ApiError for an unknown model', async () => {
    const err = await lastValueFrom(of({ modelId: 9999, rules: LOCAL }).pipe(createClassifier$(client()))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).apiMessage).toBe('This model may be deleted.');
  });

  it('should fail with ClassifierFailedError when the classifier disappears', async () => {
    const created = await firstValueFrom(of({ modelId, rules: LOCAL }).pipe(createClassifier$(client())));
    await lastValueFrom(of(created.classifierId).pipe(deleteClassifier$(client())));
    const err = await lastValueFrom(of(created).pipe(waitForClassifier$(client(), fast))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClassifierFailedError);
    expect((err as ClassifierFailedError).status).toBe('missing');
  });
});

describe('waitForClassifier$ in manual mode', () => {
  const { emulator, client } = useEmulator({ manual: true });
  let modelId: number;
  beforeAll(async () => {
    const c = client();
    const events = await lastValueFrom(
      of(seattleWeather(120)).pipe(upload$(c), train$(c, { name: 'm', config: { tt: 'multi_classification', tc: 'weather', cv: 2 } }), toArray()),
    );
    const queued = events.find((e) => e.type === 'queued');
    if (queued?.type !== 'queued') throw new Error('not queued');
    await emulator().advance(queued.externalProcessId, 'finished');
    modelId = (await lastValueFrom(models$(c).pipe(toArray())))[0].model_id;
  });

  it('should emit building, then running after advanceClassifier', async () => {
    const created = await firstValueFrom(of({ modelId, rules: LOCAL }).pipe(createClassifier$(client())));
    const done = lastValueFrom(of(created).pipe(waitForClassifier$(client(), fast), toArray()));
    const first = await firstValueFrom(of(created).pipe(waitForClassifier$(client(), fast)));
    // The service sends `url: null` until the API runs; the decoded value leaves it out.
    expect(first).toMatchObject({ status: 'building' });
    expect(first).not.toHaveProperty('url');
    await emulator().advanceClassifier(created.classifierId, 'running');
    const all = await done;
    expect(all.map((c) => c.status)).toEqual(['building', 'running']);
  });

  it.each(['failed', 'terminating', 'terminated'] as const)('should end with ClassifierFailedError on %s', async (status) => {
    const created = await firstValueFrom(of({ modelId, rules: LOCAL }).pipe(createClassifier$(client())));
    await emulator().advanceClassifier(created.classifierId, status);
    const err = await lastValueFrom(of(created).pipe(waitForClassifier$(client(), fast))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClassifierFailedError);
    expect(err).toMatchObject({ classifierId: created.classifierId, status });
  });

  it('should time out with PollTimeoutError (resource classifier)', async () => {
    const created = await firstValueFrom(of({ modelId, rules: LOCAL }).pipe(createClassifier$(client())));
    // The deadline runs in virtual time, moved once the first status was seen: a 60 ms deadline
    // in real time passed before the first answer on a loaded machine (lastStatus undefined).
    const scheduler = new VirtualTimeScheduler();
    const seen: string[] = [];
    const ended = new Promise<unknown>((resolve) => {
      of(created)
        .pipe(waitForClassifier$(client({ scheduler }), { ...fast, maxWaitMs: 60 }))
        .subscribe({ next: (c) => seen.push(c.status), error: resolve, complete: () => resolve(undefined) });
    });
    await until(() => seen.length > 0, 'the first status');
    scheduler.maxFrames = 60;
    scheduler.flush();
    const err = await ended;
    expect(seen).toEqual(['building']);
    expect(err).toBeInstanceOf(PollTimeoutError);
    expect(err).toMatchObject({ resource: 'classifier', id: created.classifierId, lastStatus: { status: 'building' } });
  });
});
