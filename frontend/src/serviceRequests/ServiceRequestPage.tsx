/**
 * One service request: its details, approval chain (the version pinned on submission, else the
 * category's current one), approvals, history and comments; the actions the API says the
 * caller may take now (`available_actions`), shown only with the matching permission, each
 * behind a confirmation. The API refuses anything hidden here anyway.
 */
import {
  Alert,
  Button,
  Chip,
  Paper,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from "@mui/material";
import { type ReactNode, useState } from "react";
import { Title, useNotify, usePermissions } from "react-admin";
import { Link as RouterLink, useParams } from "react-router-dom";
import type { ApprovalChain, ServiceRequest } from "../api/types";
import { formatDateTime } from "../format";
import { formatMoney } from "../money";
import { type Permissions, type Requirement, meets } from "../permissions";
import { ACTION_LABEL, RequestActionDialog } from "./RequestActionDialog";
import { Comments } from "./Comments";
import { PRIORITY_LABEL, type RequestAction, STATUS_LABEL } from "./labels";
import { useApiGet } from "../shared/useLoaded";
import { Detail, DetailList } from "../shared/Details";

const TEXT = {
  back: "All service requests",
  loading: "Loading…",
  status: "Status",
  priority: "Priority",
  category: "Category",
  amount: "Amount",
  requester: "Requester",
  assignee: "Assignee",
  unassigned: "Unassigned",
  submitted: "Submitted",
  due: "Due",
  overdue: "Overdue",
  description: "Description",
  actions: "Actions",
  noActions: "No action open to you at this stage.",
  chain: "Approval chain",
  chainPinned: (version: number) => `Version ${version}, pinned when the request was submitted.`,
  chainCurrent: (version: number) => `The category's current chain (version ${version}); it is pinned on submission.`,
  level: "Level",
  name: "Name",
  approver: "Who approves",
  role: (name: string) => `role ${name}`,
  permission: (name: string) => `permission ${name}`,
  threshold: "Applies from",
  always: "Every amount",
  needed: "Approvals",
  state: "State",
  approved: "Approved",
  waiting: "Waiting",
  notApplicable: "Not applicable",
  pending: "Pending",
  approvals: "Approvals",
  noApprovals: "No approvals yet.",
  at: "When",
  comment: "Comment",
  history: "History",
  change: "Change",
  by: "By",
  done: (label: string) => `${label}: done`,
};

/** Who may press each action (the API checks the same, and more: eligibility, four eyes). */
export const ACTION_REQUIRES: Partial<Record<RequestAction, Requirement>> = {
  approve: { permission: "service_request:approve", scope: "all" },
  reject: { permission: "service_request:approve", scope: "all" },
  assign: { permission: "service_request:manage", scope: "all" },
  start: { permission: "service_request:manage", scope: "all" },
  complete: { permission: "service_request:manage", scope: "all" },
  cancel: { permission: "service_request:manage", scope: "all" },
};

const ACTION_ORDER: RequestAction[] = ["approve", "reject", "assign", "start", "complete", "cancel"];

function levelState(request: ServiceRequest, level: number): string {
  const progress = request.approval;
  if (!progress) return TEXT.pending;
  if (!progress.applicable_levels.includes(level)) return TEXT.notApplicable;
  if (progress.current_level === level) return TEXT.waiting;
  if (progress.current_level === null || level < progress.current_level) return TEXT.approved;
  return TEXT.pending;
}

function ChainTable({ request, chain, pinned }: { request: ServiceRequest; chain: ApprovalChain; pinned: boolean }) {
  const counts = request.approval?.approvals_per_level ?? {};
  return (
    <>
      <Typography variant="body2" color="text.secondary" gutterBottom>
        {pinned ? TEXT.chainPinned(chain.version) : TEXT.chainCurrent(chain.version)}
      </Typography>
      <Table size="small" aria-label={TEXT.chain}>
        <TableHead>
          <TableRow>
            <TableCell component="th">{TEXT.level}</TableCell>
            <TableCell component="th">{TEXT.name}</TableCell>
            <TableCell component="th">{TEXT.approver}</TableCell>
            <TableCell component="th">{TEXT.threshold}</TableCell>
            <TableCell component="th">{TEXT.needed}</TableCell>
            <TableCell component="th">{TEXT.state}</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {chain.levels.map((level, index) => {
            const number = index + 1;
            return (
              <TableRow key={number}>
                <TableCell>{number}</TableCell>
                <TableCell>{level.name}</TableCell>
                <TableCell>
                  {level.required_role ? TEXT.role(level.required_role) : TEXT.permission(level.required_permission ?? "")}
                </TableCell>
                <TableCell>{level.threshold === null ? TEXT.always : formatMoney(level.threshold, request.currency)}</TableCell>
                <TableCell>
                  {counts[String(number)] ?? 0} / {level.approvers_required}
                </TableCell>
                <TableCell>{levelState(request, number)}</TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
    </>
  );
}

function ChainSection({ request }: { request: ServiceRequest }) {
  const current = useApiGet<ApprovalChain>(
    request.chain ? null : `/service-request-categories/${encodeURIComponent(request.category)}/chain`,
  );
  const chain = request.chain ?? current.data;
  return (
    <Section id="sr-chain" title={TEXT.chain}>
      {current.error && <Alert severity="error">{current.error}</Alert>}
      {chain && <ChainTable request={request} chain={chain} pinned={Boolean(request.chain)} />}
      <Typography variant="subtitle1" component="h3" sx={{ mt: 2 }}>
        {TEXT.approvals}
      </Typography>
      {request.approvals.length === 0 ? (
        <Typography variant="body2">{TEXT.noApprovals}</Typography>
      ) : (
        <Table size="small" aria-label={TEXT.approvals}>
          <TableHead>
            <TableRow>
              <TableCell component="th">{TEXT.level}</TableCell>
              <TableCell component="th">{TEXT.by}</TableCell>
              <TableCell component="th">{TEXT.at}</TableCell>
              <TableCell component="th">{TEXT.comment}</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {request.approvals.map((approval) => (
              <TableRow key={`${approval.level}-${approval.approver_id}`}>
                <TableCell>{approval.level}</TableCell>
                <TableCell>{approval.approver_id}</TableCell>
                <TableCell>{formatDateTime(approval.at)}</TableCell>
                <TableCell>{approval.comment}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </Section>
  );
}

function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <Paper component="section" aria-labelledby={id} variant="outlined" sx={{ p: 2 }}>
      <Typography id={id} variant="h6" component="h2" gutterBottom>
        {title}
      </Typography>
      {children}
    </Paper>
  );
}


export function ServiceRequestView({ request, onChanged }: { request: ServiceRequest; onChanged: (r: ServiceRequest) => void }) {
  const { permissions } = usePermissions<Permissions>();
  const notify = useNotify();
  const [open, setOpen] = useState<RequestAction | null>(null);
  const actions = ACTION_ORDER.filter((action) => {
    const needs = ACTION_REQUIRES[action];
    return request.available_actions.includes(action) && needs !== undefined && meets(permissions, needs);
  });
  const assignee = request.assignee ? `${request.assignee.kind} ${request.assignee.id}` : TEXT.unassigned;

  return (
    <Stack spacing={2} sx={{ p: 2 }}>
      <Title title={request.title} />
      <RouterLink to="/service-requests">{TEXT.back}</RouterLink>
      <Typography variant="h5" component="h1">
        {request.title}
      </Typography>
      <Stack direction="row" spacing={1}>
        <Chip label={`${TEXT.status}: ${STATUS_LABEL[request.status]}`} />
        <Chip label={`${TEXT.priority}: ${PRIORITY_LABEL[request.priority]}`} variant="outlined" />
        {request.overdue && <Chip color="error" label={TEXT.overdue} />}
      </Stack>
      <DetailList>
        <Detail label={TEXT.category}>{request.category}</Detail>
        <Detail label={TEXT.amount}>{request.amount === null ? "—" : formatMoney(request.amount, request.currency)}</Detail>
        <Detail label={TEXT.requester}>{request.requester_id}</Detail>
        <Detail label={TEXT.assignee}>{assignee}</Detail>
        <Detail label={TEXT.submitted}>{formatDateTime(request.submitted_at) || "—"}</Detail>
        <Detail label={TEXT.due}>{formatDateTime(request.due_at) || "—"}</Detail>
        <Detail label={TEXT.description}>{request.description || "—"}</Detail>
      </DetailList>

      <Section id="sr-actions" title={TEXT.actions}>
        {actions.length === 0 ? (
          <Typography variant="body2">{TEXT.noActions}</Typography>
        ) : (
          <Stack direction="row" spacing={1} flexWrap="wrap">
            {actions.map((action) => (
              <Button
                key={action}
                variant={action === "approve" ? "contained" : "outlined"}
                color={action === "reject" || action === "cancel" ? "error" : "primary"}
                onClick={() => setOpen(action)}
              >
                {ACTION_LABEL[action]}
              </Button>
            ))}
          </Stack>
        )}
      </Section>
      {open && (
        <RequestActionDialog
          request={request}
          action={open}
          onClose={() => setOpen(null)}
          onDone={(updated) => {
            setOpen(null);
            notify(TEXT.done(ACTION_LABEL[open]), { type: "success" });
            onChanged(updated);
          }}
        />
      )}

      <ChainSection request={request} />

      <Section id="sr-history" title={TEXT.history}>
        <Table size="small" aria-label={TEXT.history}>
          <TableHead>
            <TableRow>
              <TableCell component="th">{TEXT.at}</TableCell>
              <TableCell component="th">{TEXT.change}</TableCell>
              <TableCell component="th">{TEXT.by}</TableCell>
              <TableCell component="th">{TEXT.comment}</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {request.history.map((step) => (
              <TableRow key={`${step.at}-${step.to}`}>
                <TableCell>{formatDateTime(step.at)}</TableCell>
                <TableCell>
                  {STATUS_LABEL[step.from]} → {STATUS_LABEL[step.to]}
                </TableCell>
                <TableCell>{step.actor_id}</TableCell>
                <TableCell>{step.comment}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </Section>

      <Comments requestId={request.id} />
    </Stack>
  );
}

export function ServiceRequestPage() {
  const { id = "" } = useParams();
  const loaded = useApiGet<ServiceRequest>(`/service-requests/${encodeURIComponent(id)}`);
  const [latest, setLatest] = useState<ServiceRequest | null>(null);
  const request = latest && latest.id === id ? latest : loaded.data;
  if (loaded.error) return <Alert severity="error">{loaded.error}</Alert>;
  if (!request) return <Typography sx={{ p: 2 }}>{TEXT.loading}</Typography>;
  return <ServiceRequestView request={request} onChanged={setLatest} />;
}
