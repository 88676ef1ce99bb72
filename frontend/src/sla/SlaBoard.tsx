/**
 * The SLA board: the cases whose clocks are breached, at risk or paused (each list paged by
 * the API), the SLA policies and the monthly compliance report. Pausing and resuming a clock
 * need sla:read and the case type's manage permission (the API checks both).
 */
import {
  Alert,
  Box,
  Button,
  Card,
  CardContent,
  Link,
  MenuItem,
  Stack,
  Tab,
  Table,
  TableBody,
  TableCell,
  TableContainer,
  TableHead,
  TableRow,
  Tabs,
  TextField,
  Typography,
} from "@mui/material";
import { type ReactNode, useId, useState } from "react";
import { Title } from "react-admin";
import { Link as RouterLink } from "react-router-dom";
import { api } from "../api/client";
import type { SlaCase, SlaPolicy, SlaReport, SlaReportLine } from "../api/types";
import { TIME_ZONE, formatDateTime } from "../format";
import { Can } from "../permissions";
import { ActionDialog } from "../shared/ActionDialog";
import { CASE_TYPE_LABEL, caseLink, currentGoal, timingText, workingTime } from "./slaText";
import { useCursorPage } from "../shared/cursor";
import { Pager } from "../shared/Pager";
import { useLoaded } from "../shared/useLoaded";

export const SLA_READ = "sla:read";
/** The permission the API asks, besides sla:read, to pause or resume a case of each type. */
export const CASE_MANAGE_PERMISSION: Record<SlaCase["case_type"], string> = {
  service_request: "service_request:manage",
  incident: "incident:manage",
  privacy_request: "privacy:manage",
};

const TEXT = {
  title: "SLA board",
  tabs: "SLA views",
  breached: "Breached",
  atRisk: "At risk",
  paused: "Paused",
  policies: "Policies",
  report: "Monthly report",
  type: "Type",
  reference: "Reference",
  categoryPriority: "Category / priority",
  policy: "Policy",
  goal: "Goal",
  due: "Due",
  timing: "Late / left",
  actions: "Actions",
  pause: "Pause",
  resume: "Resume",
  pauseTitle: "Pause this SLA clock?",
  resumeTitle: "Resume this SLA clock?",
  reason: "Reason",
  noReasons: "This case's policy names no pause reasons, so its clock cannot be paused.",
  pausedDone: "SLA clock paused",
  resumed: "SLA clock resumed",
  pausedFor: "Paused:",
  none: "No cases.",
  loading: "Loading…",
  name: "Name",
  caseType: "Case type",
  category: "Category",
  priority: "Priority",
  clock: "Clock",
  targets: "Response / resolution / escalation",
  pauseOn: "Pause reasons",
  active: "Active",
  yes: "Yes",
  no: "No",
  any: "any",
  noPolicies: "No SLA policies.",
  month: "Month",
  byCaseType: "Compliance by case type",
  byGroup: "Compliance by policy (case type, category, priority)",
  cases: "Cases",
  responseMet: "First response met",
  resolutionMet: "Resolution met",
  breachedCount: "Breached",
  noData: "No cases in this month.",
  notDecided: "none decided",
  period: (start: string, end: string) => `From ${start} to ${end}`,
  clockName: { business_hours: "Business hours", "24x7": "24×7" } as Record<string, string>,
};

type CaseState = "breached" | "at_risk" | "paused";
const VIEWS = [
  { id: "breached", label: TEXT.breached },
  { id: "at_risk", label: TEXT.atRisk },
  { id: "paused", label: TEXT.paused },
  { id: "policies", label: TEXT.policies },
  { id: "report", label: TEXT.report },
] as const;
type View = (typeof VIEWS)[number]["id"];

export function SlaBoard({ now }: { now?: Date } = {}) {
  const [view, setView] = useState<View>("breached");
  const tabsId = useId();
  return (
    // On a card (white): MUI's primary text colour is below 4.5:1 on the page background.
    <Card sx={{ m: 2 }}>
      <CardContent>
        <Title title={TEXT.title} />
        <Typography variant="h5" component="h1" gutterBottom>
          {TEXT.title}
        </Typography>
        <Tabs value={view} onChange={(_, value: View) => setView(value)} aria-label={TEXT.tabs} variant="scrollable">
          {VIEWS.map((v) => (
            <Tab key={v.id} value={v.id} label={v.label} id={`${tabsId}-${v.id}`} aria-controls={`${tabsId}-panel`} />
          ))}
        </Tabs>
        {/* One panel, showing the selected view (so every tab's aria-controls names an element). */}
        <Box role="tabpanel" id={`${tabsId}-panel`} aria-labelledby={`${tabsId}-${view}`} sx={{ pt: 2 }}>
          {view === "policies" ? <PoliciesTable /> : view === "report" ? <ReportView now={now} /> : <CasesTable state={view} now={now} />}
        </Box>
      </CardContent>
    </Card>
  );
}

function Loaded({ loading, error, empty, emptyText, children }: { loading: boolean; error: string | null; empty: boolean; emptyText: string; children: ReactNode }) {
  if (error) return <Alert severity="error">{error}</Alert>;
  if (loading) return <Typography>{TEXT.loading}</Typography>;
  if (empty) return <Typography>{emptyText}</Typography>;
  return <>{children}</>;
}

export function CasesTable({ state, now }: { state: CaseState; now?: Date }) {
  const list = useCursorPage<SlaCase>("/sla/cases", { state });
  const [acting, setActing] = useState<{ c: SlaCase; action: "pause" | "resume" } | null>(null);
  const label = VIEWS.find((v) => v.id === state)!.label;
  return (
    <>
      <Loaded loading={list.loading} error={list.error} empty={list.rows.length === 0} emptyText={TEXT.none}>
        <TableContainer>
          <Table size="small" aria-label={`${label} cases`}>
            <TableHead>
              <TableRow>
                <TableCell>{TEXT.type}</TableCell>
                <TableCell>{TEXT.reference}</TableCell>
                <TableCell>{TEXT.categoryPriority}</TableCell>
                <TableCell>{TEXT.policy}</TableCell>
                <TableCell>{TEXT.goal}</TableCell>
                <TableCell>{TEXT.due}</TableCell>
                <TableCell>{TEXT.timing}</TableCell>
                <TableCell>{TEXT.actions}</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {list.rows.map((c) => {
                const { name, goal } = currentGoal(c);
                return (
                  <TableRow key={`${c.case_type}/${c.case_id}`}>
                    <TableCell>{CASE_TYPE_LABEL[c.case_type]}</TableCell>
                    <TableCell>
                      <Link component={RouterLink} to={caseLink(c)}>
                        {c.case_id}
                      </Link>
                    </TableCell>
                    <TableCell>
                      {c.category} / {c.priority}
                    </TableCell>
                    <TableCell>{c.policy.name}</TableCell>
                    <TableCell>{name}</TableCell>
                    <TableCell>{formatDateTime(goal.due_at)}</TableCell>
                    <TableCell>
                      {timingText(goal, now)}
                      {c.paused && c.pause_reason && (
                        <Typography variant="body2" color="text.secondary">
                          {TEXT.pausedFor} {c.pause_reason}
                        </Typography>
                      )}
                    </TableCell>
                    <TableCell>
                      <Can permission={[SLA_READ, CASE_MANAGE_PERMISSION[c.case_type]]}>
                        {c.paused ? (
                          <Button size="small" variant="outlined" onClick={() => setActing({ c, action: "resume" })}>
                            {TEXT.resume}
                          </Button>
                        ) : (
                          <Button size="small" variant="outlined" onClick={() => setActing({ c, action: "pause" })}>
                            {TEXT.pause}
                          </Button>
                        )}
                      </Can>
                    </TableCell>
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
        </TableContainer>
      </Loaded>
      <Pager paged={list} showPage />
      {acting?.action === "pause" && <PauseDialog c={acting.c} onClose={() => setActing(null)} onDone={list.reload} />}
      {acting?.action === "resume" && (
        <ActionDialog
          title={TEXT.resumeTitle}
          description={`${CASE_TYPE_LABEL[acting.c.case_type]} ${acting.c.case_id}`}
          confirmLabel={TEXT.resume}
          done={TEXT.resumed}
          refresh
          onConfirm={() => api.data(`${casePath(acting.c)}/resume`, { method: "POST" })}
          onClose={() => setActing(null)}
          onDone={list.reload}
        />
      )}
    </>
  );
}

function casePath(c: SlaCase): string {
  return `/sla/cases/${encodeURIComponent(c.case_type)}/${encodeURIComponent(c.case_id)}`;
}

const loadPolicy = (path: string) => api.data<SlaPolicy>(path);
const loadReport = (period: string) => api.data<SlaReport>("/sla/report", { query: { period } });

/** Pause with one of the reasons the case's policy honours (the API refuses any other). */
function PauseDialog({ c, onClose, onDone }: { c: SlaCase; onClose: () => void; onDone: () => void }) {
  const policy = useLoaded(`/sla/policies/${encodeURIComponent(c.policy.id)}`, loadPolicy);
  // Free text when the policy cannot be read; the API checks the reason either way.
  const reasons = policy.data?.pause_on ?? null;
  const [reason, setReason] = useState("");
  const noReasons = reasons !== null && reasons.length === 0;
  return (
    <ActionDialog
      title={TEXT.pauseTitle}
      description={`${CASE_TYPE_LABEL[c.case_type]} ${c.case_id} · ${c.policy.name}`}
      confirmLabel={TEXT.pause}
      done={TEXT.pausedDone}
      refresh
      ready={reason.trim().length > 0}
      onConfirm={() => api.data(`${casePath(c)}/pause`, { method: "POST", body: { reason: reason.trim() } })}
      onClose={onClose}
      onDone={onDone}
    >
      {policy.loading ? (
        <Typography>{TEXT.loading}</Typography>
      ) : noReasons ? (
        <Typography>{TEXT.noReasons}</Typography>
      ) : reasons ? (
        <TextField select label={TEXT.reason} value={reason} onChange={(e) => setReason(e.target.value)} required fullWidth>
          {reasons.map((r) => (
            <MenuItem key={r} value={r}>
              {r}
            </MenuItem>
          ))}
        </TextField>
      ) : (
        <TextField label={TEXT.reason} value={reason} onChange={(e) => setReason(e.target.value)} required fullWidth slotProps={{ htmlInput: { maxLength: 64 } }} />
      )}
    </ActionDialog>
  );
}

export function PoliciesTable() {
  const list = useCursorPage<SlaPolicy>("/sla/policies", {}, 50);
  return (
    <>
      <Loaded loading={list.loading} error={list.error} empty={list.rows.length === 0} emptyText={TEXT.noPolicies}>
        <TableContainer>
          <Table size="small" aria-label={TEXT.policies}>
            <TableHead>
              <TableRow>
                <TableCell>{TEXT.name}</TableCell>
                <TableCell>{TEXT.caseType}</TableCell>
                <TableCell>{TEXT.category}</TableCell>
                <TableCell>{TEXT.priority}</TableCell>
                <TableCell>{TEXT.clock}</TableCell>
                <TableCell>{TEXT.targets}</TableCell>
                <TableCell>{TEXT.pauseOn}</TableCell>
                <TableCell>{TEXT.active}</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {list.rows.map((p) => (
                <TableRow key={p.id}>
                  <TableCell>{p.name}</TableCell>
                  <TableCell>{CASE_TYPE_LABEL[p.case_type]}</TableCell>
                  <TableCell>{p.category === "*" ? TEXT.any : p.category}</TableCell>
                  <TableCell>{p.priority === "*" ? TEXT.any : p.priority}</TableCell>
                  <TableCell>{TEXT.clockName[p.clock] ?? p.clock}</TableCell>
                  <TableCell>
                    {workingTime(p.response_minutes)} / {workingTime(p.resolution_minutes)} / {workingTime(p.escalation_minutes)}
                  </TableCell>
                  <TableCell>{p.pause_on.join(", ")}</TableCell>
                  <TableCell>{p.active ? TEXT.yes : TEXT.no}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </TableContainer>
      </Loaded>
      <Pager paged={list} showPage />
    </>
  );
}

/** "2026-12": the month now in Windhoek (the report's months are Windhoek months). */
export function currentPeriod(now: Date = new Date()): string {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone: TIME_ZONE, year: "numeric", month: "2-digit" }).formatToParts(now);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${part("year")}-${part("month")}`;
}

function met(percent: string | null, count: number, decided: number): string {
  return decided === 0 || percent === null ? TEXT.notDecided : `${percent} % (${count} of ${decided})`;
}

function ReportTable({ lines, caption, grouped }: { lines: SlaReportLine[]; caption: string; grouped: boolean }) {
  return (
    <TableContainer sx={{ mb: 3 }}>
      <Table size="small">
        <caption style={{ captionSide: "top", textAlign: "left", fontWeight: 600 }}>{caption}</caption>
        <TableHead>
          <TableRow>
            <TableCell>{TEXT.caseType}</TableCell>
            {grouped && <TableCell>{TEXT.category}</TableCell>}
            {grouped && <TableCell>{TEXT.priority}</TableCell>}
            <TableCell align="right">{TEXT.cases}</TableCell>
            <TableCell align="right">{TEXT.responseMet}</TableCell>
            <TableCell align="right">{TEXT.resolutionMet}</TableCell>
            <TableCell align="right">{TEXT.breachedCount}</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {lines.map((l) => (
            <TableRow key={`${l.case_type}/${l.category}/${l.priority}`}>
              <TableCell component="th" scope="row">
                {CASE_TYPE_LABEL[l.case_type as SlaCase["case_type"]] ?? l.case_type}
              </TableCell>
              {grouped && <TableCell>{l.category === "*" ? TEXT.any : l.category}</TableCell>}
              {grouped && <TableCell>{l.priority === "*" ? TEXT.any : l.priority}</TableCell>}
              <TableCell align="right">{l.cases}</TableCell>
              <TableCell align="right">{met(l.response_met_percent, l.response_met, l.response_decided)}</TableCell>
              <TableCell align="right">{met(l.resolution_met_percent, l.resolution_met, l.resolution_decided)}</TableCell>
              <TableCell align="right">{l.breached}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </TableContainer>
  );
}

export function ReportView({ now }: { now?: Date }) {
  const [period, setPeriod] = useState(() => currentPeriod(now));
  const { data: report, error, loading } = useLoaded(/^\d{4}-\d{2}$/.test(period) ? period : null, loadReport);
  return (
    <Stack spacing={2}>
      <TextField
        type="month"
        label={TEXT.month}
        value={period}
        onChange={(e) => setPeriod(e.target.value)}
        slotProps={{ inputLabel: { shrink: true } }}
        sx={{ maxWidth: 220 }}
      />
      <Loaded loading={loading} error={error} empty={!report || report.by_case_type.length === 0} emptyText={TEXT.noData}>
        {report && (
          <>
            <Typography variant="body2">{TEXT.period(formatDateTime(report.start), formatDateTime(report.end))}</Typography>
            <ReportTable lines={report.by_case_type} caption={TEXT.byCaseType} grouped={false} />
            <ReportTable lines={report.groups} caption={TEXT.byGroup} grouped />
          </>
        )}
      </Loaded>
    </Stack>
  );
}
