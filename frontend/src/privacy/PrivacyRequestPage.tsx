/** One data-subject request: what was asked, its deadline, its history and the actions
 * staff with privacy:manage may take. */
import {
  Alert,
  Box,
  Button,
  Card,
  CardContent,
  Link,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from "@mui/material";
import { type ReactNode, useState } from "react";
import { Title, useGetOne, useNotify } from "react-admin";
import { Link as RouterLink, useParams } from "react-router-dom";
import { api, errorMessage } from "../api/client";
import type { AuditLogEntry, PrivacyRequestStaffView } from "../api/types";
import { formatDateTime } from "../format";
import { Can } from "../permissions";
import { useCursorPage } from "../sla/useCursorPage";
import { PRIVACY_MANAGE, PrivacyRequestActions } from "./PrivacyRequestActions";
import { STATUS_LABEL, TYPE_LABEL, dueText, history } from "./privacyText";

const AUDIT_VIEW = "audit:view";

const TEXT = {
  title: "Privacy request",
  back: "Back to privacy requests",
  loading: "Loading…",
  summary: "Summary",
  actions: "Actions",
  history: "History",
  type: "Type",
  status: "Status",
  details: "Details",
  correction: "Correction asked",
  received: "Received",
  due: "Due",
  deadline: "Deadline",
  extension: "Extension",
  identity: "Identity",
  verified: "Verified",
  notVerified: "Not verified",
  subject: "Data subject",
  assignee: "Assignee",
  unassigned: "Unassigned",
  bundle: "Access bundle",
  resolution: "Resolution",
  legalGround: "Legal ground",
  when: "When",
  event: "Event",
  detail: "Detail",
  reviewBundle: "Download access bundle for review",
  audit: "Audit trail",
  action: "Action",
  actor: "By",
  reason: "Reason",
  system: "System",
  noAudit: "No audit entries.",
  previousPage: "Previous audit page",
  nextPage: "Next audit page",
  extensionText: (days: number, reason: string | null) => `${days} d${reason ? `: ${reason}` : ""}`,
};

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Box component="div" sx={{ display: "contents" }}>
      <Typography component="dt" variant="body2" sx={{ fontWeight: 600 }}>
        {label}
      </Typography>
      <Typography component="dd" variant="body2" sx={{ m: 0 }}>
        {children}
      </Typography>
    </Box>
  );
}

/** Saves an authenticated download (object URL + <a download>). */
async function save(path: string): Promise<void> {
  const { blob, filename } = await api.download(path);
  const url = URL.createObjectURL(blob);
  const anchor = document.createElement("a");
  anchor.href = url;
  anchor.download = filename;
  anchor.click();
  URL.revokeObjectURL(url);
}

export function PrivacyRequestPage({ now }: { now?: Date } = {}) {
  const { id = "" } = useParams<{ id: string }>();
  const { data: request, isPending, error } = useGetOne<PrivacyRequestStaffView>("privacy-requests", { id }, { enabled: Boolean(id) });
  return (
    <Box sx={{ p: 2 }}>
      <Title title={TEXT.title} />
      <Typography variant="h5" component="h1" gutterBottom>
        {TEXT.title}
      </Typography>
      <Link component={RouterLink} to="/privacy" sx={{ color: "primary.dark" }}>
        {TEXT.back}
      </Link>
      {error ? (
        <Alert severity="error" sx={{ mt: 2 }}>
          {errorMessage(error)}
        </Alert>
      ) : isPending || !request ? (
        <Typography sx={{ mt: 2 }}>{TEXT.loading}</Typography>
      ) : (
        <RequestDetail request={request} now={now} />
      )}
    </Box>
  );
}

/** Who did what to the request, from the audit log (audit:view). */
function AuditTrail({ id }: { id: string }) {
  const trail = useCursorPage<AuditLogEntry>("/audit-logs", { resource_type: "privacy_request", resource_id: id }, 50);
  return (
    <Card>
      <CardContent>
        <Typography variant="h6" component="h2" gutterBottom>
          {TEXT.audit}
        </Typography>
        {trail.error ? (
          <Alert severity="error">{trail.error}</Alert>
        ) : trail.loading ? (
          <Typography>{TEXT.loading}</Typography>
        ) : trail.rows.length === 0 ? (
          <Typography>{TEXT.noAudit}</Typography>
        ) : (
          <Table size="small" aria-label={TEXT.audit}>
            <TableHead>
              <TableRow>
                <TableCell>{TEXT.when}</TableCell>
                <TableCell>{TEXT.action}</TableCell>
                <TableCell>{TEXT.actor}</TableCell>
                <TableCell>{TEXT.reason}</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {trail.rows.map((entry) => (
                <TableRow key={entry.id}>
                  <TableCell>{formatDateTime(entry.occurred_at)}</TableCell>
                  <TableCell>{entry.action}</TableCell>
                  <TableCell>{entry.actor_id ?? TEXT.system}</TableCell>
                  <TableCell>{entry.reason ?? ""}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
        {(trail.hasPrevious || trail.hasNext) && (
          <Stack direction="row" spacing={2} sx={{ mt: 1 }}>
            <Button onClick={trail.previous} disabled={!trail.hasPrevious}>
              {TEXT.previousPage}
            </Button>
            <Button onClick={trail.next} disabled={!trail.hasNext}>
              {TEXT.nextPage}
            </Button>
          </Stack>
        )}
      </CardContent>
    </Card>
  );
}

function RequestDetail({ request: r, now }: { request: PrivacyRequestStaffView; now?: Date }) {
  const notify = useNotify();
  const [downloading, setDownloading] = useState(false);
  async function review() {
    setDownloading(true);
    try {
      await save(`/privacy-requests/${encodeURIComponent(r.id)}/bundle`);
    } catch (failure) {
      notify(errorMessage(failure), { type: "error" });
    } finally {
      setDownloading(false);
    }
  }
  return (
    <Stack spacing={2} sx={{ mt: 2 }}>
      <Card>
        <CardContent>
          <Typography variant="h6" component="h2" gutterBottom>
            {TEXT.summary}
          </Typography>
          <Box component="dl" sx={{ display: "grid", gridTemplateColumns: "max-content 1fr", columnGap: 2, rowGap: 1, m: 0 }}>
            <Field label={TEXT.type}>{TYPE_LABEL[r.type] ?? r.type}</Field>
            <Field label={TEXT.status}>{STATUS_LABEL[r.status] ?? r.status}</Field>
            <Field label={TEXT.received}>{formatDateTime(r.received_at)}</Field>
            <Field label={TEXT.due}>{formatDateTime(r.due_at)}</Field>
            <Field label={TEXT.deadline}>{dueText(r, now)}</Field>
            {r.extension && <Field label={TEXT.extension}>{TEXT.extensionText(r.extension.days, r.extension.reason)}</Field>}
            <Field label={TEXT.identity}>{r.identity_verified ? TEXT.verified : TEXT.notVerified}</Field>
            <Field label={TEXT.subject}>{r.subject_id}</Field>
            <Field label={TEXT.assignee}>{r.assignee_id ?? TEXT.unassigned}</Field>
            {r.details && <Field label={TEXT.details}>{r.details}</Field>}
            {r.correction && <Field label={TEXT.correction}>{`${r.correction.field}: ${r.correction.value}`}</Field>}
            {r.type === "access" && <Field label={TEXT.bundle}>{r.bundle_status}</Field>}
            {r.resolution && <Field label={TEXT.resolution}>{r.resolution}</Field>}
            {r.legal_ground && <Field label={TEXT.legalGround}>{r.legal_ground}</Field>}
          </Box>
        </CardContent>
      </Card>
      <Can permission={PRIVACY_MANAGE}>
        <Card>
          <CardContent>
            <Typography variant="h6" component="h2" gutterBottom>
              {TEXT.actions}
            </Typography>
            <Stack spacing={2}>
              <PrivacyRequestActions request={r} />
              {r.bundle_status === "built" && (
                <Button variant="outlined" sx={{ alignSelf: "flex-start" }} disabled={downloading} onClick={review}>
                  {TEXT.reviewBundle}
                </Button>
              )}
            </Stack>
          </CardContent>
        </Card>
      </Can>
      <Card>
        <CardContent>
          <Typography variant="h6" component="h2" gutterBottom>
            {TEXT.history}
          </Typography>
          <Table size="small" aria-label={TEXT.history}>
            <TableHead>
              <TableRow>
                <TableCell>{TEXT.when}</TableCell>
                <TableCell>{TEXT.event}</TableCell>
                <TableCell>{TEXT.detail}</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {history(r).map((entry, index) => (
                <TableRow key={`${entry.at}-${index}`}>
                  <TableCell>{formatDateTime(entry.at)}</TableCell>
                  <TableCell>{entry.event}</TableCell>
                  <TableCell>{entry.detail}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </CardContent>
      </Card>
      <Can permission={{ permission: AUDIT_VIEW, scope: "all" }}>
        <AuditTrail id={r.id} />
      </Can>
    </Stack>
  );
}
