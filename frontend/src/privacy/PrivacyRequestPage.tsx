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
import { useState } from "react";
import { Title, useGetOne, useNotify } from "react-admin";
import { Link as RouterLink, useParams } from "react-router-dom";
import { api, errorMessage } from "../api/client";
import type { AuditLogEntry, PrivacyRequestStaffView } from "../api/types";
import { formatDateTime } from "../format";
import { Can } from "../permissions";
import { useCursorPage } from "../shared/cursor";
import { Pager } from "../shared/Pager";
import { PRIVACY_MANAGE, PrivacyRequestActions } from "./PrivacyRequestActions";
import { STATUS_LABEL, TYPE_LABEL, dueText, history } from "./privacyText";
import { saveDownload } from "../shared/files";
import { Detail, DetailList } from "../shared/Details";

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
        <Pager paged={trail} previousLabel={TEXT.previousPage} nextLabel={TEXT.nextPage} />
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
      saveDownload(await api.download(`/privacy-requests/${encodeURIComponent(r.id)}/bundle`));
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
          <DetailList>
            <Detail label={TEXT.type}>{TYPE_LABEL[r.type] ?? r.type}</Detail>
            <Detail label={TEXT.status}>{STATUS_LABEL[r.status] ?? r.status}</Detail>
            <Detail label={TEXT.received}>{formatDateTime(r.received_at)}</Detail>
            <Detail label={TEXT.due}>{formatDateTime(r.due_at)}</Detail>
            <Detail label={TEXT.deadline}>{dueText(r, now)}</Detail>
            {r.extension && <Detail label={TEXT.extension}>{TEXT.extensionText(r.extension.days, r.extension.reason)}</Detail>}
            <Detail label={TEXT.identity}>{r.identity_verified ? TEXT.verified : TEXT.notVerified}</Detail>
            <Detail label={TEXT.subject}>{r.subject_id}</Detail>
            <Detail label={TEXT.assignee}>{r.assignee_id ?? TEXT.unassigned}</Detail>
            {r.details && <Detail label={TEXT.details}>{r.details}</Detail>}
            {r.correction && <Detail label={TEXT.correction}>{`${r.correction.field}: ${r.correction.value}`}</Detail>}
            {r.type === "access" && <Detail label={TEXT.bundle}>{r.bundle_status}</Detail>}
            {r.resolution && <Detail label={TEXT.resolution}>{r.resolution}</Detail>}
            {r.legal_ground && <Detail label={TEXT.legalGround}>{r.legal_ground}</Detail>}
          </DetailList>
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
