/**
 * What the home page hands to the lazily loaded chart module (./Charts), so that the page
 * itself never imports recharts: recharts stays out of the initial bundle.
 */

/** One bar series: `key` names the numeric value in each row's `values`. */
export interface ChartSeries {
  key: string;
  name: string;
  /** Bars of the same stack id are stacked. */
  stack?: string;
}

/** One category on the x axis. */
export interface ChartRow {
  label: string;
  /** Bar heights (display only: never shown as text). */
  values: Record<string, number>;
  /** The tooltip's lines: the exact figures as text (money from the API's decimal strings). */
  tip: string[];
}

export interface BarChartProps {
  rows: ChartRow[];
  series: ChartSeries[];
  /** Show numeric ticks on the value axis (counts); money charts hide them, the tooltip and the table carry the exact text. */
  valueTicks?: boolean;
}
