/** The batch report page's script (runs in the browser; bundled with Observable Plot at build time by scripts/build-report-client.mjs). */
/**
 * The batch report page's script (runs in the browser; bundled with Observable Plot at build
 * time by scripts/build-report-client.mjs). It reads the report's data from the
 * `#p1rx-data` element and builds the page. Data reaches the document only through
 * `textContent`, attributes set with `setAttribute`, and Plot (which writes SVG text nodes):
 * never through `innerHTML`.
 *
 * @internal
 * @packageDocumentation
 */
import * as Plot from '@observablehq/plot';
import type { ReportData, ReportModel } from './reportData';

interface State {
  data: ReportData;
  sortKey: string;
  sortDir: 1 | -1;
  filter: string;
  open: Set<string>;
}

type Child = Node | string | undefined | false;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const c of children) if (c !== undefined && c !== false) node.append(typeof c === 'string' ? document.createTextNode(c) : c);
  return node;
}

const fmt = (v: number | undefined): string => (v === undefined ? '' : Math.abs(v) >= 1000 || v === Math.round(v) ? String(v) : v.toPrecision(4));

interface Column {
  readonly id: string;
  readonly label: string;
  readonly numeric: boolean;
  readonly value: (m: ReportModel) => string | number | undefined;
}

function columns(data: ReportData): Column[] {
  return [
    { id: 'key', label: 'model', numeric: false, value: (m) => m.key },
    { id: 'task', label: 'task', numeric: false, value: (m) => m.task },
    { id: 'status', label: 'status', numeric: false, value: (m) => m.status },
    { id: 'headline', label: 'headline', numeric: true, value: (m) => m.headline?.value },
    ...data.metricNames.map((n): Column => ({ id: `metric:${n}`, label: n, numeric: true, value: (m) => m.metrics[n] })),
    { id: 'upload', label: 'upload s', numeric: true, value: (m) => m.durations.upload },
    { id: 'queue', label: 'queue s', numeric: true, value: (m) => m.durations.queue },
    { id: 'training', label: 'training s', numeric: true, value: (m) => m.durations.training },
    { id: 'pollLag', label: 'poll lag s', numeric: true, value: (m) => m.durations.pollLag },
    { id: 'download', label: 'download s', numeric: true, value: (m) => m.durations.download },
    { id: 'total', label: 'total s', numeric: true, value: (m) => m.durations.total },
    { id: 'trainingId', label: 'training id', numeric: false, value: (m) => m.trainingId },
    { id: 'resultDir', label: 'result folder', numeric: false, value: (m) => m.resultDir },
  ];
}

function compare(a: string | number | undefined, b: string | number | undefined): number {
  if (a === undefined) return b === undefined ? 0 : 1;
  if (b === undefined) return -1;
  return typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b), undefined, { numeric: true });
}

function leaderboard(state: State, rerender: () => void): HTMLElement {
  const cols = columns(state.data);
  const col = cols.find((c) => c.id === state.sortKey) ?? cols[0];
  const needle = state.filter.toLowerCase();
  const shown = state.data.models
    .filter((m) => needle === '' || [m.key, m.task, m.status, m.trainingId ?? '', m.error?.name ?? ''].some((s) => s.toLowerCase().includes(needle)))
    .sort((a, b) => {
      const c = compare(col.value(a), col.value(b));
      // Missing values stay last in both directions.
      return col.value(a) === undefined || col.value(b) === undefined ? c : c * state.sortDir;
    });
  const head = el(
    'tr',
    {},
    ...cols.map((c) => {
      const th = el('th', { 'data-col': c.id, title: `sort by ${c.label}` }, c.label);
      if (c.id === state.sortKey) th.setAttribute('aria-sort', state.sortDir === 1 ? 'ascending' : 'descending');
      th.addEventListener('click', () => {
        if (state.sortKey === c.id) state.sortDir = state.sortDir === 1 ? -1 : 1;
        else {
          state.sortKey = c.id;
          state.sortDir = c.numeric ? -1 : 1;
        }
        rerender();
      });
      return th;
    }),
  );
  const body = el(
    'tbody',
    {},
    ...shown.map((m) =>
      el(
        'tr',
        { 'data-key': m.key },
        ...cols.map((c) => {
          const v = c.value(m);
          const text = typeof v === 'number' ? fmt(v) : (v ?? '');
          const td = el(
            'td',
            c.numeric ? { class: 'num' } : c.id === 'status' ? { class: `s-${m.status}` } : {},
            c.id === 'headline' && m.headline ? `${m.headline.name} ${text}` : text,
          );
          return td;
        }),
      ),
    ),
  );
  return el(
    'div',
    { class: 'scroll' },
    el('table', { id: 'leaderboard' }, el('thead', {}, head), body),
    el('p', { class: 'meta', id: 'shown' }, `${shown.length} of ${state.data.models.length} models`),
  );
}

function plotBox(id: string, title: string, plot: Element): HTMLElement {
  return el('div', { class: 'plot', 'data-plot': id }, el('div', { class: 'meta' }, title), plot);
}

function distributions(data: ReportData): HTMLElement {
  return el(
    'div',
    { class: 'grid' },
    ...data.metricNames.map((name) => {
      const values = data.models.flatMap((m) => (m.metrics[name] === undefined ? [] : [{ key: m.key, value: m.metrics[name] }]));
      const plot = Plot.plot({
        width: 360,
        height: 110,
        marginLeft: 20,
        x: { label: name, nice: true },
        marks: [
          values.length >= 5 ? Plot.boxX(values, { x: 'value' }) : null,
          Plot.dotX(values, { x: 'value', fill: 'steelblue', fillOpacity: 0.7, title: (d: { key: string; value: number }) => `${d.key}: ${d.value}` }),
        ],
      });
      return plotBox(`metric:${name}`, `${name} across ${values.length} models`, plot);
    }),
  );
}

function timeline(data: ReportData): HTMLElement {
  const segments = data.models.flatMap((m) => m.timeline.map((s) => ({ key: m.key, stage: s.stage, start: new Date(s.start), end: new Date(s.end) })));
  if (segments.length === 0) return el('p', { class: 'meta' }, 'No timed records (no checkpoint in the out folder).');
  const keys = [...new Set(segments.map((s) => s.key))];
  const plot = Plot.plot({
    width: 1100,
    height: Math.max(120, keys.length * 16 + 60),
    marginLeft: Math.min(220, 8 + 7 * Math.max(...keys.map((k) => k.length))),
    x: { type: 'time', label: 'time' },
    y: { domain: keys, label: null },
    color: {
      legend: true,
      domain: ['waiting', 'upload', 'create', 'queue', 'training', 'poll lag', 'download', 'training + download'],
      range: ['#d9d9d9', '#4c78a8', '#9ecae9', '#f2cf5b', '#54a24b', '#e45756', '#b279a2', '#88d27a'],
      unknown: '#999',
    },
    marks: [
      Plot.barX(segments, {
        x1: 'start',
        x2: 'end',
        y: 'key',
        fill: 'stage',
        ariaLabel: (d: { key: string; stage: string }) => `${d.key}: ${d.stage}`,
        title: (d: { key: string; stage: string; start: Date; end: Date }) =>
          `${d.key} ${d.stage}: ${((d.end.getTime() - d.start.getTime()) / 1000).toFixed(1)} s`,
      }),
    ],
  });
  return plotBox(
    'timeline',
    "Each job: waiting for a slot, upload, create, the service's queue, training, poll lag (finished at the service, not yet seen) and download",
    plot,
  );
}

function failures(data: ReportData): HTMLElement {
  const failed = data.models.filter((m) => m.error);
  if (failed.length === 0) return el('p', { class: 'meta', id: 'no-failures' }, 'No failures.');
  return el(
    'div',
    { id: 'failures' },
    ...failed.map((m) =>
      el(
        'div',
        { class: 'failure', 'data-key': m.key },
        el('strong', {}, m.key),
        ` ${m.status}${m.stage ? ` (stage ${m.stage})` : ''}: `,
        el('code', {}, `${m.error!.name}: ${m.error!.message}`),
        m.error!.hint !== undefined && el('div', { class: 'hint' }, 'what to do: ', el('code', {}, m.error!.hint)),
      ),
    ),
  );
}

function modelPlots(m: ReportModel): HTMLElement {
  const boxes: HTMLElement[] = [];
  if (m.confusion) {
    const { actual, predicted, counts } = m.confusion;
    const cells = actual.flatMap((a, i) => predicted.map((p, j) => ({ actual: a, predicted: p, count: counts[i][j] })));
    boxes.push(
      plotBox(
        'confusion',
        'confusion matrix (rows: actual, columns: predicted)',
        Plot.plot({
          width: Math.max(260, 60 * predicted.length + 100),
          height: Math.max(200, 34 * actual.length + 70),
          marginLeft: 90,
          x: { domain: predicted, label: 'predicted', tickRotate: predicted.length > 6 ? -30 : 0 },
          y: { domain: actual, label: 'actual' },
          color: { scheme: 'blues' },
          marks: [
            Plot.cell(cells, { x: 'predicted', y: 'actual', fill: 'count', inset: 0.5 }),
            Plot.text(cells, { x: 'predicted', y: 'actual', text: 'count', fill: 'black' }),
          ],
        }),
      ),
    );
  }
  if (m.points) {
    const pts = m.points.map(([actual, predicted]) => ({ actual, predicted }));
    const all = m.points.flat();
    const lo = Math.min(...all);
    const hi = Math.max(...all);
    boxes.push(
      plotBox(
        'scatter',
        `actual against predicted (${m.points.length} of ${m.pointsTotal ?? m.points.length} evaluation rows)`,
        Plot.plot({
          width: 340,
          height: 320,
          grid: true,
          x: { label: 'actual', domain: [lo, hi] },
          y: { label: 'predicted', domain: [lo, hi] },
          marks: [
            Plot.line(
              [
                [lo, lo],
                [hi, hi],
              ],
              { stroke: '#aaa' },
            ),
            Plot.dot(pts, { x: 'actual', y: 'predicted', r: 2, fill: 'steelblue', fillOpacity: 0.6 }),
          ],
        }),
      ),
    );
  }
  if (m.contributions.length > 0) {
    boxes.push(
      plotBox(
        'contributions',
        'column contributions',
        Plot.plot({
          width: 380,
          height: 24 * m.contributions.length + 50,
          marginLeft: Math.min(200, 8 + 7 * Math.max(...m.contributions.map((c) => c.column.length))),
          x: { label: 'contribution', grid: true },
          y: { domain: m.contributions.map((c) => c.column), label: null },
          marks: [Plot.barX(m.contributions, { x: 'value', y: 'column', fill: '#4c78a8' }), Plot.ruleX([0])],
        }),
      ),
    );
  }
  if (boxes.length === 0) boxes.push(el('p', { class: 'meta' }, 'No result files to plot.'));
  return el('div', { class: 'grid' }, ...boxes);
}

function models(state: State): HTMLElement {
  return el(
    'div',
    { id: 'models' },
    ...state.data.models.map((m) => {
      const details = el(
        'details',
        { class: 'model', 'data-key': m.key },
        el('summary', {}, `${m.key} · ${m.task} · ${m.status}${m.headline ? ` · ${m.headline.name} ${fmt(m.headline.value)}` : ''}`),
      );
      const render = () => {
        if (details.open && details.childElementCount === 1) details.append(modelPlots(m));
      };
      details.addEventListener('toggle', () => {
        if (details.open) state.open.add(m.key);
        else state.open.delete(m.key);
        render();
      });
      if (state.open.has(m.key)) {
        details.open = true;
        render();
      }
      return details;
    }),
  );
}

function render(state: State, root: HTMLElement, live: boolean): void {
  const counts = (s: ReportModel['status']) => state.data.models.filter((m) => m.status === s).length;
  const filter = el('input', { id: 'filter', type: 'search', placeholder: 'filter: model, task, status, id, error' });
  filter.value = state.filter;
  const board = el('div', {});
  const draw = () => board.replaceChildren(leaderboard(state, draw));
  filter.addEventListener('input', () => {
    state.filter = filter.value;
    draw();
  });
  draw();
  root.replaceChildren(
    el('h1', {}, state.data.title),
    el(
      'p',
      { class: 'meta' },
      `${state.data.models.length} models: ${counts('succeeded')} succeeded, ${counts('failed')} failed, ${counts('incomplete')} incomplete · generated ${state.data.generatedAt} · `,
      live ? el('span', { id: 'live' }, '● live') : '',
    ),
    el('h2', {}, 'Leaderboard'),
    filter,
    board,
    el('h2', {}, 'Metrics across models'),
    distributions(state.data),
    el('h2', {}, 'Timeline'),
    timeline(state.data),
    el('h2', {}, 'Failures'),
    failures(state.data),
    el('h2', {}, 'Models'),
    el('button', { id: 'open-all', type: 'button' }, 'open all'),
    models(state),
  );
  document
    .getElementById('open-all')!
    .addEventListener('click', () => document.querySelectorAll<HTMLDetailsElement>('details.model').forEach((d) => (d.open = true)));
}

function main(): void {
  const data = JSON.parse(document.getElementById('p1rx-data')!.textContent!) as ReportData;
  const config = JSON.parse(document.getElementById('p1rx-config')!.textContent!) as { live: boolean };
  const root = document.getElementById('app')!;
  const state: State = { data, sortKey: 'headline', sortDir: -1, filter: '', open: new Set() };
  render(state, root, config.live);
  if (!config.live) return;
  let last = JSON.stringify(data.models);
  const poll = async () => {
    try {
      const res = await fetch('data.json', { cache: 'no-store' });
      if (res.ok) {
        const next = (await res.json()) as ReportData;
        const text = JSON.stringify(next.models);
        if (text !== last) {
          last = text;
          state.data = next;
          render(state, root, true);
        }
      }
    } catch {
      // The server stopped: keep the last page.
    }
    setTimeout(() => void poll(), 1000);
  };
  setTimeout(() => void poll(), 1000);
}

main();
