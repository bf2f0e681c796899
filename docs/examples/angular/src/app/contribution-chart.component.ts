/** Example app: a bar chart of each column's contribution to the model. */
import { DecimalPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import type { Contribution } from 'prediction-one-rx';

const BAR_H = 22;
const LABEL_W = 150;
const CHART_W = 600;

/** Horizontal bars of each column's contribution: inline SVG, no chart library. */
@Component({
  selector: 'app-contribution-chart',
  imports: [DecimalPipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <svg
      [attr.viewBox]="'0 0 ' + width + ' ' + height()"
      [attr.width]="width"
      [attr.height]="height()"
      role="img"
      aria-label="Contribution of each column"
      data-testid="contributions"
    >
      @for (bar of bars(); track bar.column; let i = $index) {
        <g [attr.transform]="'translate(0,' + i * barH + ')'">
          <text x="0" [attr.y]="barH * 0.68" class="label">{{ bar.column }}</text>
          <rect [attr.x]="labelW" y="3" [attr.width]="bar.w" [attr.height]="barH - 6" rx="3" class="bar" />
          <text [attr.x]="labelW + bar.w + 6" [attr.y]="barH * 0.68" class="value">{{ bar.contribution | number: '1.3-3' }}</text>
        </g>
      }
    </svg>
  `,
  styles: `
    .label {
      font-size: 13px;
      fill: #333;
    }
    .value {
      font-size: 12px;
      fill: #555;
    }
    .bar {
      fill: #3f6fd8;
    }
  `,
})
export class ContributionChartComponent {
  readonly contributions = input.required<readonly Contribution[]>();
  readonly width = CHART_W;
  readonly barH = BAR_H;
  readonly labelW = LABEL_W;
  readonly height = computed(() => Math.max(1, this.contributions().length) * BAR_H);
  readonly bars = computed(() => {
    const list = this.contributions();
    const max = Math.max(...list.map((c) => Math.abs(c.contribution)), 1e-12);
    const room = CHART_W - LABEL_W - 60;
    return list.map((c) => ({ ...c, w: Math.max(1, (Math.abs(c.contribution) / max) * room) }));
  });
}
