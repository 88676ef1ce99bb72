/**
 * The home page's charts (recharts), loaded lazily: `React.lazy(() => import("./Charts"))`
 * keeps recharts out of the initial bundle. No animation (stable screenshots, and nothing
 * moves for people who prefer reduced motion). The chart is a picture: the same figures are
 * in the section's summary line and table, so it is hidden from assistive technology and
 * takes no keyboard focus (`accessibilityLayer={false}`).
 */
import Box from "@mui/material/Box";
import Paper from "@mui/material/Paper";
import Typography from "@mui/material/Typography";
import { useTheme } from "@mui/material/styles";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { BarChartProps, ChartRow } from "./chartTypes";

interface TipProps {
  active?: boolean;
  payload?: ReadonlyArray<{ payload?: unknown }>;
}

function Tip({ active, payload }: TipProps) {
  const row = payload?.[0]?.payload as (ChartRow & { label: string }) | undefined;
  if (!active || !row) return null;
  return (
    <Paper variant="outlined" sx={{ p: 1 }}>
      <Typography variant="subtitle2">{row.label}</Typography>
      {row.tip.map((line) => (
        <Typography key={line} variant="body2">
          {line}
        </Typography>
      ))}
    </Paper>
  );
}

export default function BarChartView({ rows, series, valueTicks = false }: BarChartProps) {
  const theme = useTheme();
  const colours = [theme.palette.primary.main, theme.palette.secondary.main, theme.palette.warning.dark, theme.palette.success.dark];
  const data = rows.map((row) => ({ ...row.values, label: row.label, tip: row.tip }));
  return (
    <Box aria-hidden="true" sx={{ width: "100%", height: 220 }}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} accessibilityLayer={false} margin={{ top: 8, right: 8, bottom: 8, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="label" tick={{ fontSize: 12 }} />
          <YAxis allowDecimals={false} tick={valueTicks ? { fontSize: 12 } : false} width={valueTicks ? 40 : 8} />
          <Tooltip content={<Tip />} isAnimationActive={false} />
          {series.length > 1 && <Legend />}
          {series.map((s, i) => (
            <Bar key={s.key} dataKey={s.key} name={s.name} stackId={s.stack} fill={colours[i % colours.length]} isAnimationActive={false} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </Box>
  );
}
