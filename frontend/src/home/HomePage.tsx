/**
 * The dashboard's home page: five small figures, each shown only when the caller's
 * permissions allow its endpoint (GET /me/permissions; the API refuses everyone else anyway).
 * Each section states its figures in text (a summary line and a table) and draws a chart
 * loaded lazily, so recharts is not in the initial bundle. Money is always the API's decimal
 * strings through `formatMoney`; bar heights come from `displayScale` (display only).
 */
import Alert from "@mui/material/Alert";
import Box from "@mui/material/Box";
import Card from "@mui/material/Card";
import CardContent from "@mui/material/CardContent";
import CircularProgress from "@mui/material/CircularProgress";
import Skeleton from "@mui/material/Skeleton";
import Table from "@mui/material/Table";
import TableBody from "@mui/material/TableBody";
import TableCell from "@mui/material/TableCell";
import TableHead from "@mui/material/TableHead";
import TableRow from "@mui/material/TableRow";
import Typography from "@mui/material/Typography";
import { type ReactNode, Suspense, lazy, useId } from "react";
import { Title, usePermissions } from "react-admin";
import { errorMessage } from "../api/client";
import type { ApprovalQueueSummary, DailyTransfers, OpenIncidentsByPriority, ReconciliationRun, SlaReport, SlaReportLine } from "../api/types";
import { formatAge, formatDateTime } from "../format";
import { formatMoney } from "../money";
import { type Permissions, meets } from "../permissions";
import type { BarChartProps, ChartRow } from "./chartTypes";
import { barHeight, percentHeight } from "./displayScale";
import { APPROVE, INCIDENT_READ, RECONCILE, SLA_READ, type Figures, canSeeAllTransactions, formatDay, useFigures, windhoekMonth } from "./figures";

const Chart = lazy(() => import("./Charts"));

export const DAYS = 14;
export const RUNS = 5;
const PRIORITIES = ["P1", "P2", "P3", "P4", "P5"] as const;

const TEXT = {
  title: "Home",
  loading: "Loading",
  nothing: "There is nothing on the home page for your permissions.",
  table: (what: string) => `Table: ${what}`,
  transfers: (n: number) => (n === 1 ? "1 transfer" : `${n} transfers`),
  daily: {
    title: "Transfers per day",
    today: "Today",
    none: `No completed transfers in the last ${DAYS} days.`,
    date: "Date",
    count: "Transfers",
    value: "Value",
    noValue: "None",
  },
  approvals: {
    title: "Approvals waiting",
    none: "Nothing waits for approval.",
    waiting: (n: number, since: string, age: string) =>
      `${n} waiting for approval, the oldest since ${since} (${age})`,
    age: "Waiting",
    count: "Movements",
    buckets: { under_1h: "Under 1 h", from_1h_to_4h: "1–4 h", from_4h_to_24h: "4–24 h", over_24h: "24 h or more" },
  },
  incidents: {
    title: "Open incidents by priority",
    summary: (n: number) => (n === 1 ? "1 incident not closed" : `${n} incidents not closed`),
    priority: "Priority",
    count: "Incidents",
  },
  sla: {
    title: "SLA compliance",
    none: (period: string) => `No SLA cases in ${period}.`,
    summary: (period: string, cases: number, breached: number) => `${period}: ${cases} cases, ${breached} breached`,
    caseType: "Case type",
    cases: "Cases",
    response: "Response met",
    resolution: "Resolution met",
    breached: "Breached",
    undecided: "No goal decided",
    met: (percent: string, met: number, decided: number) => `${percent}% (${met} of ${decided})`,
  },
  reconciliation: {
    title: "Reconciliation exceptions",
    none: "No reconciliation runs yet.",
    latest: (when: string, bank: number, ledger: number) =>
      `Latest run (${when}): ${bank} unmatched in bank, ${ledger} unmatched in ledger`,
    run: "Run",
    statement: "Statement",
    bank: "Unmatched in bank",
    ledger: "Unmatched in ledger",
    matched: "Matched",
  },
};

// -- building blocks ---------------------------------------------------------------------------
function Section({ title, children }: { title: string; children: ReactNode }) {
  const id = useId();
  return (
    <Card component="section" aria-labelledby={id} variant="outlined">
      <CardContent>
        <Typography id={id} variant="h6" component="h2" gutterBottom>
          {title}
        </Typography>
        {children}
      </CardContent>
    </Card>
  );
}

/** The answer's states: a spinner, the API's message, or the figures. */
function Loaded<T>({ figures, children }: { figures: Figures<T>; children: (data: T) => ReactNode }) {
  if (figures.error !== undefined) return <Alert severity="error">{errorMessage(figures.error)}</Alert>;
  if (figures.data === undefined) return <CircularProgress size={24} aria-label={TEXT.loading} />;
  return <>{children(figures.data)}</>;
}

function LazyChart(props: BarChartProps) {
  return (
    <Suspense fallback={<Skeleton variant="rectangular" height={220} animation={false} />}>
      <Chart {...props} />
    </Suspense>
  );
}

/** The figures as a table (the chart's text alternative), folded under a summary. */
function FiguresTable({ caption, head, rows }: { caption: string; head: string[]; rows: ReactNode[][] }) {
  return (
    <Box component="details" sx={{ mt: 1 }}>
      <Box component="summary" sx={{ cursor: "pointer" }}>
        {TEXT.table(caption)}
      </Box>
      <Table size="small" aria-label={caption}>
        <TableHead>
          <TableRow>
            {head.map((h) => (
              <TableCell key={h} component="th" scope="col">
                {h}
              </TableCell>
            ))}
          </TableRow>
        </TableHead>
        <TableBody>
          {rows.map((cells, r) => (
            <TableRow key={r}>
              {cells.map((cell, c) => (
                <TableCell key={c}>{cell}</TableCell>
              ))}
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Box>
  );
}

// -- the sections ------------------------------------------------------------------------------
type Day = DailyTransfers["days"][number];

/** The distinct values in order (ES2022 has no toSorted; nothing is sorted in place). */
function sortedUnique(values: string[]): string[] {
  const out: string[] = [];
  for (const v of values) {
    if (out.includes(v)) continue;
    const at = out.findIndex((o) => o > v);
    if (at < 0) out.push(v);
    else out.splice(at, 0, v);
  }
  return out;
}

function dayValues(day: Day): string[] {
  return day.totals.map((t) => formatMoney(t.value, t.currency));
}

export function DailyTransfersSection() {
  const figures = useFigures<DailyTransfers>("/transactions/daily", { days: DAYS });
  return (
    <Section title={TEXT.daily.title}>
      <Loaded figures={figures}>
        {(data) => {
          const today = data.days[data.days.length - 1];
          const currencies = sortedUnique(data.days.flatMap((d) => d.totals.map((t) => t.currency)));
          const rows: ChartRow[] = data.days.map((d) => ({
            label: formatDay(d.date),
            values: Object.fromEntries(currencies.map((c) => [c, barHeight(d.totals.find((t) => t.currency === c)?.value ?? "0")])),
            tip: [TEXT.transfers(d.count), ...dayValues(d)],
          }));
          return (
            <>
              <Typography>
                {`${TEXT.daily.today}: ${[TEXT.transfers(today?.count ?? 0), ...(today ? dayValues(today) : [])].join(", ")}`}
              </Typography>
              {currencies.length === 0 ? (
                <Typography color="text.secondary">{TEXT.daily.none}</Typography>
              ) : (
                <LazyChart rows={rows} series={currencies.map((c) => ({ key: c, name: c }))} />
              )}
              <FiguresTable
                caption={TEXT.daily.title}
                head={[TEXT.daily.date, TEXT.daily.count, TEXT.daily.value]}
                rows={data.days.map((d) => [formatDay(d.date), d.count, dayValues(d).join(", ") || TEXT.daily.noValue])}
              />
            </>
          );
        }}
      </Loaded>
    </Section>
  );
}

const BUCKETS = ["under_1h", "from_1h_to_4h", "from_4h_to_24h", "over_24h"] as const;

export function ApprovalQueueSection() {
  const figures = useFigures<ApprovalQueueSummary>("/transactions/approval-queue");
  return (
    <Section title={TEXT.approvals.title}>
      <Loaded figures={figures}>
        {(data) => (
          <>
            <Typography>
              {data.pending === 0 || !data.oldest_created_at
                ? TEXT.approvals.none
                : TEXT.approvals.waiting(data.pending, formatDateTime(data.oldest_created_at), formatAge(data.oldest_created_at))}
            </Typography>
            <LazyChart
              valueTicks
              series={[{ key: "count", name: TEXT.approvals.count }]}
              rows={BUCKETS.map((b) => ({
                label: TEXT.approvals.buckets[b],
                values: { count: data[b] },
                tip: [`${TEXT.approvals.count}: ${data[b]}`],
              }))}
            />
            <FiguresTable
              caption={TEXT.approvals.title}
              head={[TEXT.approvals.age, TEXT.approvals.count]}
              rows={BUCKETS.map((b) => [TEXT.approvals.buckets[b], data[b]])}
            />
          </>
        )}
      </Loaded>
    </Section>
  );
}

export function OpenIncidentsSection() {
  const figures = useFigures<OpenIncidentsByPriority>("/incidents/open-by-priority");
  return (
    <Section title={TEXT.incidents.title}>
      <Loaded figures={figures}>
        {(data) => {
          const count = (p: string) => data.by_priority[p] ?? 0;
          return (
            <>
              <Typography>
                {`${TEXT.incidents.summary(data.total)}: ${PRIORITIES.map((p) => `${p} ${count(p)}`).join(", ")}`}
              </Typography>
              <LazyChart
                valueTicks
                series={[{ key: "count", name: TEXT.incidents.count }]}
                rows={PRIORITIES.map((p) => ({ label: p, values: { count: count(p) }, tip: [`${TEXT.incidents.count}: ${count(p)}`] }))}
              />
              <FiguresTable
                caption={TEXT.incidents.title}
                head={[TEXT.incidents.priority, TEXT.incidents.count]}
                rows={PRIORITIES.map((p) => [p, count(p)])}
              />
            </>
          );
        }}
      </Loaded>
    </Section>
  );
}

function percentText(percent: string | null | undefined, met: number, decided: number): string {
  return percent == null ? TEXT.sla.undecided : TEXT.sla.met(percent, met, decided);
}

export function SlaSection({ period }: { period: string }) {
  const figures = useFigures<SlaReport>("/sla/report", { period });
  return (
    <Section title={TEXT.sla.title}>
      <Loaded figures={figures}>
        {(data) => {
          const lines: SlaReportLine[] = data.by_case_type;
          const cases = lines.reduce((n, l) => n + l.cases, 0);
          const breached = lines.reduce((n, l) => n + l.breached, 0);
          const response = (l: SlaReportLine) => percentText(l.response_met_percent, l.response_met, l.response_decided);
          const resolution = (l: SlaReportLine) => percentText(l.resolution_met_percent, l.resolution_met, l.resolution_decided);
          if (lines.length === 0) return <Typography>{TEXT.sla.none(period)}</Typography>;
          return (
            <>
              <Typography>{TEXT.sla.summary(period, cases, breached)}</Typography>
              <LazyChart
                series={[
                  { key: "response", name: TEXT.sla.response },
                  { key: "resolution", name: TEXT.sla.resolution },
                ]}
                rows={lines.map((l) => ({
                  label: l.case_type,
                  values: { response: percentHeight(l.response_met_percent), resolution: percentHeight(l.resolution_met_percent) },
                  tip: [`${TEXT.sla.response}: ${response(l)}`, `${TEXT.sla.resolution}: ${resolution(l)}`],
                }))}
              />
              <FiguresTable
                caption={TEXT.sla.title}
                head={[TEXT.sla.caseType, TEXT.sla.cases, TEXT.sla.response, TEXT.sla.resolution, TEXT.sla.breached]}
                rows={lines.map((l) => [l.case_type, l.cases, response(l), resolution(l), l.breached])}
              />
            </>
          );
        }}
      </Loaded>
    </Section>
  );
}

export function ReconciliationSection() {
  const figures = useFigures<ReconciliationRun[]>("/reconciliation/runs", { limit: RUNS });
  return (
    <Section title={TEXT.reconciliation.title}>
      <Loaded figures={figures}>
        {(runs) => {
          const latest = runs[0];
          if (!latest) return <Typography>{TEXT.reconciliation.none}</Typography>;
          const t = TEXT.reconciliation;
          const oldestFirst = runs.reduceRight<ReconciliationRun[]>((acc, r) => [...acc, r], []);
          return (
            <>
              <Typography>
                {t.latest(formatDateTime(latest.created_at), latest.counts.unmatched_in_bank, latest.counts.unmatched_in_ledger)}
              </Typography>
              <LazyChart
                valueTicks
                series={[
                  { key: "bank", name: t.bank, stack: "unmatched" },
                  { key: "ledger", name: t.ledger, stack: "unmatched" },
                ]}
                rows={oldestFirst.map((r) => ({
                  label: formatDay(r.statement_to),
                  values: { bank: r.counts.unmatched_in_bank, ledger: r.counts.unmatched_in_ledger },
                  tip: [`${t.bank}: ${r.counts.unmatched_in_bank}`, `${t.ledger}: ${r.counts.unmatched_in_ledger}`],
                }))}
              />
              <FiguresTable
                caption={t.title}
                head={[t.run, t.statement, t.bank, t.ledger, t.matched]}
                rows={runs.map((r) => [
                  formatDateTime(r.created_at),
                  `${formatDay(r.statement_from)} – ${formatDay(r.statement_to)}`,
                  r.counts.unmatched_in_bank,
                  r.counts.unmatched_in_ledger,
                  r.counts.matched,
                ])}
              />
            </>
          );
        }}
      </Loaded>
    </Section>
  );
}

// -- the page ----------------------------------------------------------------------------------
export function HomePage() {
  const { permissions, isPending } = usePermissions<Permissions>();
  const sections = [
    canSeeAllTransactions(permissions) && <DailyTransfersSection key="daily" />,
    meets(permissions, APPROVE) && <ApprovalQueueSection key="approvals" />,
    meets(permissions, INCIDENT_READ) && <OpenIncidentsSection key="incidents" />,
    meets(permissions, SLA_READ) && <SlaSection key="sla" period={windhoekMonth()} />,
    meets(permissions, RECONCILE) && <ReconciliationSection key="reconciliation" />,
  ].filter(Boolean);
  return (
    <Box sx={{ mt: 2 }}>
      <Title title={TEXT.title} />
      {isPending ? (
        <CircularProgress aria-label={TEXT.loading} />
      ) : sections.length === 0 ? (
        <Alert severity="info">{TEXT.nothing}</Alert>
      ) : (
        <Box sx={{ display: "grid", gap: 2, gridTemplateColumns: "repeat(auto-fill, minmax(min(100%, 420px), 1fr))" }}>{sections}</Box>
      )}
    </Box>
  );
}
