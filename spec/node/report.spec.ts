/** Specs: the data of a batch report. */
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  batchReport,
  buildReportData,
  collectReportData,
  escapeHtml,
  parseConfusion,
  parseContributions,
  parseEvaluation,
  parseFailures,
  parseHistory,
  parseMetrics,
  renderReportHtml,
  serveReport,
} from '../../lib/node/report';

const rec = (key: string, stage: string, at: string, extra: Record<string, unknown> = {}) => JSON.stringify({ v: 2, key, stage, polls: 0, at, ...extra });

describe('report data extraction', () => {
  it('reads every checkpoint record tolerantly: torn tail, lock lines, unknown fields, a future field', () => {
    const text = [
      rec('a', 'uploading', '2026-01-01T00:00:00.000Z', { externalProcessId: 'id-a' }),
      '{"lock":"pid 12"}',
      'not json',
      rec('a', 'training', '2026-01-01T00:00:05.000Z', { externalProcessId: 'id-a', fingerprint: 'sha256:…', somethingNew: [1] }),
      '{"v":2,"key":"b","st',
    ].join('\n');
    expect(parseHistory(text)).toEqual([
      { key: 'a', stage: 'uploading', at: Date.parse('2026-01-01T00:00:00.000Z'), externalProcessId: 'id-a' },
      { key: 'a', stage: 'training', at: Date.parse('2026-01-01T00:00:05.000Z'), externalProcessId: 'id-a' },
    ]);
  });

  it('parses metrics, a confusion matrix, contributions (largest first) and drops non-numbers', () => {
    expect(parseMetrics('metric,value\naccuracy,0.9\nlog_loss,abc\nf1,0.5\n')).toEqual({ accuracy: 0.9, f1: 0.5 });
    expect(parseConfusion('actual\\predicted,a,b\na,3,1\nb,0,4\n')).toEqual({
      actual: ['a', 'b'],
      predicted: ['a', 'b'],
      counts: [
        [3, 1],
        [0, 4],
      ],
    });
    expect(parseConfusion(undefined)).toBeUndefined();
    expect(parseContributions('column_name,contribution\nx,0.1\ny,-0.5\nz,oops\n')).toEqual([
      { column: 'y', value: -0.5 },
      { column: 'x', value: 0.1 },
    ]);
  });

  it('samples regression points evenly and counts a confusion matrix from label rows', () => {
    const rows = Array.from({ length: 1000 }, (_, i) => `${i},${i + 0.5}`).join('\n');
    const reg = parseEvaluation(`actual,predicted\n${rows}\n`, 100);
    expect(reg.pointsTotal).toBe(1000);
    expect(reg.points).toHaveLength(100);
    expect(reg.points![0]).toEqual([0, 0.5]);
    expect(reg.points![99]).toEqual([990, 990.5]);
    const cls = parseEvaluation('x,actual,predicted\n1,rain,rain\n2,sun,rain\n3,sun,sun\n');
    expect(cls.confusion).toEqual({
      actual: ['rain', 'sun'],
      predicted: ['rain', 'sun'],
      counts: [
        [1, 0],
        [1, 1],
      ],
    });
  });

  it('keeps the last failure per key and forgets it after a later success', () => {
    const log = [
      '{"type":"failed","key":"a","externalProcessId":"id-a","error":{"name":"TrainingFailedError","message":"bad data"}}',
      '{"type":"failed","key":"b","error":{"name":"AuthError","message":"401"}}',
      '{"type":"succeeded","key":"b"}',
      'garbage',
    ].join('\n');
    expect(parseFailures(log)).toEqual([{ key: 'a', name: 'TrainingFailedError', message: 'bad data', externalProcessId: 'id-a' }]);
  });

  it('builds models: status, task, headline, durations and timeline from the records, and a hint for failures', () => {
    const checkpointText = [
      rec('cls', 'uploading', '2026-01-01T00:00:00.000Z', { externalProcessId: 'id-c' }),
      rec('reg', 'uploading', '2026-01-01T00:00:02.000Z', { externalProcessId: 'id-r' }),
      rec('cls', 'uploaded', '2026-01-01T00:00:01.000Z', { externalProcessId: 'id-c' }),
      rec('cls', 'creating', '2026-01-01T00:00:01.500Z', { externalProcessId: 'id-c' }),
      rec('cls', 'training', '2026-01-01T00:00:02.000Z', { externalProcessId: 'id-c' }),
      rec('cls', 'downloaded', '2026-01-01T00:00:12.000Z', { externalProcessId: 'id-c', resultDir: 'out/cls' }),
      rec('reg', 'training', '2026-01-01T00:00:04.000Z', { externalProcessId: 'id-r' }),
      '',
    ].join('\n');
    const folders = new Map([
      [
        'cls',
        {
          dir: 'out/cls',
          metrics: 'metric,value\naccuracy,0.8\nf1,0.7\n',
          confusion: 'actual\\predicted,a,b\na,3,1\nb,0,4\n',
          contributions: 'column_name,contribution\nx,0.3\n',
        },
      ],
      ['reg2', { dir: 'out/reg2', metrics: 'metric,value\nrmse,2\nr2,0.5\n', evaluation: 'actual,predicted\n1,2\n3,3\n' }],
    ]);
    const data = buildReportData({ outDir: 'out', checkpointText, folders, now: new Date(0) });
    const byKey = Object.fromEntries(data.models.map((m) => [m.key, m]));
    expect(data.models.map((m) => m.key)).toEqual(['cls', 'reg', 'reg2']);
    expect(data.metricNames).toEqual(['accuracy', 'f1', 'rmse', 'r2']);
    expect(byKey.cls).toMatchObject({
      status: 'succeeded',
      task: 'classification',
      headline: { name: 'accuracy', value: 0.8 },
      trainingId: 'id-c',
      durations: { upload: 1, create: 1, training: 10, total: 12 },
    });
    expect(byKey.cls.timeline.map((s) => s.stage)).toEqual(['upload', 'create', 'create', 'training + download']);
    expect(byKey.reg.timeline[0]).toEqual({ stage: 'waiting', start: '2026-01-01T00:00:00.000Z', end: '2026-01-01T00:00:02.000Z' });
    expect(byKey.reg).toMatchObject({ status: 'incomplete', stage: 'training', error: { name: 'Incomplete' } });
    expect(byKey.reg.error!.hint).toContain('p1rx download id-r --wait --out out/reg');
    expect(byKey.reg2).toMatchObject({
      status: 'succeeded',
      task: 'regression',
      headline: { name: 'r2', value: 0.5 },
      points: [
        [1, 2],
        [3, 3],
      ],
    });
  });

  it("draws a running job's current stage up to now (a live page shows it grow)", () => {
    const checkpointText = `${rec('run', 'uploading', '2026-01-01T00:00:00.000Z', { externalProcessId: 'id' })}\n${rec('run', 'training', '2026-01-01T00:00:01.000Z', { externalProcessId: 'id' })}\n`;
    const data = buildReportData({ outDir: 'out', checkpointText, folders: new Map(), now: new Date('2026-01-01T00:00:09.000Z') });
    expect(data.models[0].timeline.at(-1)).toEqual({ stage: 'training + download', start: '2026-01-01T00:00:01.000Z', end: '2026-01-01T00:00:09.000Z' });
  });

  it('shows a logged failure with its typed error and recovery hint', () => {
    const data = buildReportData({
      outDir: 'out',
      eventsText: '{"type":"failed","key":"x","externalProcessId":"id-x","error":{"name":"PollTimeoutError","message":"gave up after 1 h"}}\n',
      folders: new Map(),
      now: new Date(0),
    });
    expect(data.models[0]).toMatchObject({ key: 'x', status: 'failed', error: { name: 'PollTimeoutError', message: 'gave up after 1 h' } });
    expect(data.models[0].error!.hint).toBe('the training goes on at the service: p1rx download id-x --wait --out out/x');
  });
});

describe('report data from the records alone', () => {
  const t = (s: number) => Date.parse('2026-01-01T00:00:00.000Z') + s * 1000;

  it("shows a failure the checkpoint records (typed error, message, the CLI's hint) with no event log", () => {
    const failure = {
      name: 'ApiError',
      message: 'Train Status Check answered 400',
      hint: 'training id-x was accepted by the service and goes on there.; follow it: p1rx status id-x --watch; fetch it later: p1rx download id-x --wait --out out/x',
    };
    const checkpointText = [
      rec('x', 'training', '2026-01-01T00:00:02.000Z', { externalProcessId: 'id-x', times: { uploadStart: t(0), uploadEnd: t(1), queued: t(2) } }),
      rec('x', 'training', '2026-01-01T00:00:09.000Z', { externalProcessId: 'id-x', times: { uploadStart: t(0), uploadEnd: t(1), queued: t(2) }, failure }),
      '',
    ].join('\n');
    const data = buildReportData({ outDir: 'out', checkpointText, folders: new Map(), now: new Date(t(20)) });
    expect(data.models[0]).toMatchObject({ key: 'x', status: 'failed', stage: 'training', trainingId: 'id-x', error: failure });
    // A failed job is not drawn growing up to now.
    expect(data.models[0].timeline.at(-1)!.end).toBe(new Date(t(2)).toISOString());
  });

  it('forgets a recorded failure once a later record says the job ran again', () => {
    const checkpointText = [
      rec('x', 'training', '2026-01-01T00:00:02.000Z', { externalProcessId: 'id-x', failure: { name: 'PollTimeoutError', message: 'gave up' } }),
      rec('x', 'downloaded', '2026-01-01T00:00:09.000Z', { externalProcessId: 'id-x', resultDir: 'out/x' }),
      '',
    ].join('\n');
    const folders = new Map([['x', { dir: 'out/x', metrics: 'metric,value\nr2,0.5\n' }]]);
    const data = buildReportData({ outDir: 'out', checkpointText, folders, now: new Date(t(20)) });
    expect(data.models[0]).toMatchObject({ status: 'succeeded' });
    expect(data.models[0].error).toBeUndefined();
  });

  it("draws upload, create, queue, training, the poll schedule's lag and download as separate segments", () => {
    const times = {
      uploadStart: t(1),
      uploadEnd: t(3),
      queued: t(3.5),
      trainingStart: t(5),
      finishedAtService: t(20),
      trainingEnd: t(34),
      downloadStart: t(34),
      downloadEnd: t(36),
    };
    const checkpointText = [
      // Another job started first: this one waited for a slot.
      rec('b', 'uploading', '2026-01-01T00:00:00.000Z', { externalProcessId: 'id-b' }),
      rec('a', 'downloaded', '2026-01-01T00:00:36.000Z', { externalProcessId: 'id-a', resultDir: 'out/a', times }),
      '',
    ].join('\n');
    const folders = new Map([['a', { dir: 'out/a', metrics: 'metric,value\naccuracy,0.9\n' }]]);
    const m = buildReportData({ outDir: 'out', checkpointText, folders, now: new Date(t(99)) }).models.find((x) => x.key === 'a')!;
    expect(m.timeline).toEqual([
      { stage: 'waiting', start: new Date(t(0)).toISOString(), end: new Date(t(1)).toISOString() },
      { stage: 'upload', start: new Date(t(1)).toISOString(), end: new Date(t(3)).toISOString() },
      { stage: 'create', start: new Date(t(3)).toISOString(), end: new Date(t(3.5)).toISOString() },
      { stage: 'queue', start: new Date(t(3.5)).toISOString(), end: new Date(t(5)).toISOString() },
      { stage: 'training', start: new Date(t(5)).toISOString(), end: new Date(t(20)).toISOString() },
      { stage: 'poll lag', start: new Date(t(20)).toISOString(), end: new Date(t(34)).toISOString() },
      { stage: 'download', start: new Date(t(34)).toISOString(), end: new Date(t(36)).toISOString() },
    ]);
    expect(m.durations).toEqual({ upload: 2, create: 0.5, queue: 1.5, training: 15, pollLag: 14, download: 2, total: 35 });
  });

  it('draws no wait for a job of a later run (a --resume an hour on) before its own start', () => {
    const checkpointText = [
      rec('early', 'downloaded', '2026-01-01T00:00:10.000Z', { externalProcessId: 'id-e', times: { uploadStart: t(0), downloadEnd: t(10) } }),
      rec('late', 'downloaded', '2026-01-01T01:00:10.000Z', { externalProcessId: 'id-l', times: { uploadStart: t(3600), downloadEnd: t(3610) } }),
      rec('slot', 'downloaded', '2026-01-01T01:00:20.000Z', { externalProcessId: 'id-s', times: { uploadStart: t(3608), downloadEnd: t(3620) } }),
      '',
    ].join('\n');
    const byKey = Object.fromEntries(
      buildReportData({ outDir: 'out', checkpointText, folders: new Map(), now: new Date(t(9999)) }).models.map((m) => [m.key, m]),
    );
    expect(byKey.late.timeline.map((s) => s.stage)).not.toContain('waiting');
    expect(byKey.slot.timeline[0]).toEqual({ stage: 'waiting', start: new Date(t(3600)).toISOString(), end: new Date(t(3608)).toISOString() });
  });

  it('does not trust a service finish outside the training (another clock): no lag, the training runs until seen', () => {
    const times = {
      uploadStart: t(0),
      uploadEnd: t(1),
      queued: t(2),
      finishedAtService: t(-3600),
      trainingEnd: t(10),
      downloadStart: t(10),
      downloadEnd: t(11),
    };
    const checkpointText = `${rec('a', 'downloaded', '2026-01-01T00:00:11.000Z', { externalProcessId: 'id-a', times })}\n`;
    const m = buildReportData({ outDir: 'out', checkpointText, folders: new Map(), now: new Date(t(99)) }).models[0];
    expect(m.timeline.map((s) => s.stage)).toEqual(['upload', 'create', 'training', 'download']);
    expect(m.durations).toMatchObject({ training: 8 });
    expect(m.durations.pollLag).toBeUndefined();
  });

  it("draws a running job's current stage (the service's queue) up to now", () => {
    const checkpointText = `${rec('r', 'training', '2026-01-01T00:00:02.000Z', { externalProcessId: 'id', times: { uploadStart: t(0), uploadEnd: t(1), queued: t(2) } })}\n`;
    const m = buildReportData({ outDir: 'out', checkpointText, folders: new Map(), now: new Date(t(7)) }).models[0];
    expect(m.timeline.at(-1)).toEqual({ stage: 'queue', start: new Date(t(2)).toISOString(), end: new Date(t(7)).toISOString() });
  });

  it('adds the times of journal lines (each holds what was new) and starts over at another upload', () => {
    const line = (stage: string, at: number, times: Record<string, number>) =>
      JSON.stringify({ v: 1, key: 'f', externalProcessId: 'id-f', stage, at: new Date(at).toISOString(), times });
    const journal = [
      line('uploaded', t(1), { uploadStart: t(-50), uploadEnd: t(-49) }),
      line('uploaded', t(1), { uploadStart: t(0), uploadEnd: t(1) }),
      line('downloaded', t(9), { queued: t(2), trainingStart: t(3), trainingEnd: t(8), downloadStart: t(8), downloadEnd: t(9) }),
      '',
    ].join('\n');
    const m = buildReportData({ outDir: 'out', checkpointText: journal, folders: new Map(), now: new Date(t(99)) }).models[0];
    expect(m.timeline.filter((s) => s.stage !== 'waiting').map((s) => [s.stage, (Date.parse(s.end) - Date.parse(s.start)) / 1000])).toEqual([
      ['upload', 1],
      ['create', 1],
      ['queue', 1],
      ['training', 5],
      ['download', 1],
    ]);
  });
});

describe('report HTML', () => {
  it('escapes text and keeps data from closing its script element', () => {
    expect(escapeHtml(`<img src=x onerror="alert('1')">&`)).toBe('&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt;&amp;');
    const evil = '</script><script>window.pwned=1</script><!--';
    const html = renderReportHtml(
      buildReportData({ outDir: evil, folders: new Map([[evil, { dir: evil, metrics: 'metric,value\nr2,1\n' }]]), now: new Date(0) }),
      '/*js*/',
    );
    expect(html).not.toContain('</script><script>window.pwned');
    expect(html).not.toContain('<!--');
    expect(html.match(/<script/g)).toHaveLength(3);
    expect(html).toContain('<title>Batch report: &lt;/script&gt;&lt;script&gt;window.pwned=1&lt;/script&gt;&lt;!--</title>');
  });
});

describe('batchReport on disk', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'p1rx-report-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  /** A synthetic result folder as `p1rx batch` writes it, with a 2000-row evaluation. */
  async function resultFolder(out: string, key: string, kind: 'cls' | 'reg'): Promise<void> {
    const d = path.join(out, key);
    await mkdir(d, { recursive: true });
    const contributions = `column_name,contribution\n${Array.from({ length: 12 }, (_, i) => `column_${i},${(1 / (i + 1)).toFixed(6)}`).join('\n')}\n`;
    await writeFile(path.join(d, 'analysis_summary.csv'), contributions);
    if (kind === 'cls') {
      await writeFile(
        path.join(d, 'metrics.csv'),
        `metric,value\naccuracy,${Math.random()}\nlog_loss,${Math.random()}\nprecision_macro,${Math.random()}\nrecall_macro,${Math.random()}\n`,
      );
      const labels = ['drizzle', 'fog', 'rain', 'snow', 'sun'];
      await writeFile(
        path.join(d, 'confusion_matrix.csv'),
        `actual\\predicted,${labels.join(',')}\n${labels.map((l) => `${l},${labels.map(() => Math.floor(Math.random() * 100)).join(',')}`).join('\n')}\n`,
      );
      await writeFile(
        path.join(d, 'evaluation_raw_data.csv'),
        `a,b,actual,predicted\n${Array.from({ length: 2000 }, (_, i) => `${i},${i * 2},${labels[i % 5]},${labels[(i * 7) % 5]}`).join('\n')}\n`,
      );
    } else {
      await writeFile(path.join(d, 'metrics.csv'), `metric,value\nrmse,${Math.random() * 5}\nmae,${Math.random() * 3}\nr2,${Math.random()}\n`);
      await writeFile(
        path.join(d, 'evaluation_raw_data.csv'),
        `a,b,actual,predicted\n${Array.from({ length: 2000 }, (_, i) => `${i},${i * 2},${(Math.random() * 40).toFixed(4)},${(Math.random() * 40).toFixed(6)}`).join('\n')}\n`,
      );
    }
  }

  it('writes a 100-model report under 3 MB that holds every model', async () => {
    const keys = Array.from({ length: 100 }, (_, i) => `model-${String(i).padStart(3, '0')}`);
    const lines: string[] = [];
    let t = Date.parse('2026-01-01T00:00:00Z');
    for (const [i, key] of keys.entries()) {
      await resultFolder(dir, key, i % 2 === 0 ? 'cls' : 'reg');
      const times: Record<string, number> = {};
      for (const [j, stage] of ['uploading', 'uploaded', 'creating', 'training', 'downloaded'].entries()) {
        t += 700;
        // The stage times every record carries (the full set on the last).
        Object.assign(
          times,
          [
            { uploadStart: t },
            { uploadEnd: t },
            {},
            { queued: t, trainingStart: t + 100 },
            { finishedAtService: t - 300, trainingEnd: t - 100, downloadStart: t - 100, downloadEnd: t },
          ][j],
        );
        lines.push(
          rec(key, stage, new Date(t).toISOString(), { externalProcessId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, times: { ...times } }),
        );
      }
    }
    await writeFile(path.join(dir, '.p1rx-checkpoint.jsonl'), `${lines.join('\n')}\n`);
    const file = await batchReport(dir);
    expect(file).toBe(path.join(dir, 'report.html'));
    const { size } = await stat(file);
    expect(size).toBeLessThan(3 * 1024 * 1024);
    const html = await readFile(file, 'utf8');
    for (const key of keys) expect(html).toContain(`"key":"${key}"`);
    // The report is a page, not a folder entry of the next report.
    expect((await collectReportData(dir)).models).toHaveLength(100);
  });

  it('reports a single result folder (p1rx train --out, the demo) as one model', async () => {
    await resultFolder(dir, 'one', 'reg');
    const data = await collectReportData(path.join(dir, 'one'));
    expect(data.models.map((m) => [m.key, m.status, m.task])).toEqual([['one', 'succeeded', 'regression']]);
  });

  it('serves the page and its data on loopback, read again on each request', async () => {
    await resultFolder(dir, 'first', 'cls');
    const server = await serveReport(dir);
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const page = await fetch(server.url);
      expect(page.headers.get('content-type')).toContain('text/html');
      expect(await page.text()).toContain('"live":true');
      const before = (await (await fetch(`${server.url}data.json`)).json()) as { models: { key: string }[] };
      expect(before.models.map((m) => m.key)).toEqual(['first']);
      await resultFolder(dir, 'second', 'reg');
      const after = (await (await fetch(`${server.url}data.json`)).json()) as { models: { key: string }[] };
      expect(after.models.map((m) => m.key).sort()).toEqual(['first', 'second']);
      expect((await fetch(`${server.url}../etc/passwd`)).status).toBe(404);
      expect((await fetch(server.url, { method: 'POST' })).status).toBe(404);
    } finally {
      await server.close();
    }
    await expect(serveReport(dir, { host: '0.0.0.0' })).rejects.toThrow(/loopback only/);
  });
});
