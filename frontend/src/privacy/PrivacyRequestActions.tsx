/**
 * What staff with privacy:manage may do to a data-subject request, following the API's
 * transitions: verify identity, assign, start, extend once (with a reason), complete, refuse
 * (with a reason and legal ground). Each behind a confirmation; the API refuses anything the
 * request's state does not allow, and its message is shown.
 */
import { Button, MenuItem, Stack, TextField } from "@mui/material";
import { useState } from "react";
import { useGetIdentity } from "react-admin";
import { api } from "../api/client";
import type { PrivacyRequestStaffView } from "../api/types";
import { Can } from "../permissions";
import { ActionDialog } from "../shared/ActionDialog";
import { METHOD_LABEL, TYPE_LABEL, isOpen } from "./privacyText";

export const PRIVACY_MANAGE = "privacy:manage";

const TEXT = {
  verify: "Verify identity",
  assign: "Assign",
  start: "Start work",
  extend: "Extend deadline",
  complete: "Complete",
  refuse: "Refuse",
  verifyTitle: "Record an identity check?",
  assignTitle: "Assign this request?",
  startTitle: "Start work on this request?",
  extendTitle: "Extend the deadline?",
  completeTitle: "Complete this request?",
  refuseTitle: "Refuse this request?",
  method: "Method",
  result: "Result",
  passed: "Passed",
  failed: "Failed",
  note: "Note (what was checked; no copies of documents)",
  assignee: "Assignee user ID",
  assignMe: "Assign to me",
  days: "Days (1–30)",
  reason: "Reason",
  reasonToSubject: "Reason (told to the requester)",
  legalGround: "Legal ground",
  resolution: "Resolution",
  resolutionRequired: "Resolution (required for an objection)",
  startAccess: "For an access request the personal-data bundle is then built; review it before completing.",
  completeAccess: "Completing releases the access bundle to the requester.",
  done: {
    verify: "Identity check recorded",
    assign: "Request assigned",
    start: "Work started",
    extend: "Deadline extended",
    complete: "Request completed",
    refuse: "Request refused",
  },
};

export type PrivacyAction = "verify" | "assign" | "start" | "extend" | "complete" | "refuse";

/** The actions the request's state allows (the API's transitions). */
export function availableActions(r: PrivacyRequestStaffView): PrivacyAction[] {
  const actions: PrivacyAction[] = [];
  if (r.status === "received" || r.status === "verifying") actions.push("verify");
  if (isOpen(r.status)) actions.push("assign");
  if (r.status === "verifying" && r.identity_verified) actions.push("start");
  if (r.status === "in_progress" && r.extension === null) actions.push("extend");
  if (r.status === "in_progress" || r.status === "extended") actions.push("complete");
  if (isOpen(r.status)) actions.push("refuse");
  return actions;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function PrivacyRequestActions({ request }: { request: PrivacyRequestStaffView }) {
  const [open, setOpen] = useState<PrivacyAction | null>(null);
  const actions = availableActions(request);
  if (actions.length === 0) return null;
  return (
    <Can permission={PRIVACY_MANAGE}>
      <Stack direction="row" spacing={1} useFlexGap sx={{ flexWrap: "wrap" }}>
        {actions.map((action) => (
          <Button
            key={action}
            variant={action === "refuse" ? "outlined" : "contained"}
            color={action === "refuse" ? "error" : "primary"}
            onClick={() => setOpen(action)}
          >
            {TEXT[action]}
          </Button>
        ))}
      </Stack>
      {open && <ActionForm request={request} action={open} onClose={() => setOpen(null)} />}
    </Can>
  );
}

function ActionForm({ request, action, onClose }: { request: PrivacyRequestStaffView; action: PrivacyAction; onClose: () => void }) {
  const { identity } = useGetIdentity();
  const [method, setMethod] = useState("identity_document");
  const [passed, setPassed] = useState("true");
  const [text, setText] = useState(""); // note, reason or resolution
  const [legalGround, setLegalGround] = useState("");
  const [assignee, setAssignee] = useState(request.assignee_id ?? "");
  const [days, setDays] = useState("30");
  const path = `/privacy-requests/${encodeURIComponent(request.id)}/${action}`;
  const post = (body?: unknown) => () => api.data(path, { method: "POST", ...(body === undefined ? {} : { body }) });
  const summary = `${TYPE_LABEL[request.type] ?? request.type} · ${request.id}`;
  const common = { confirmLabel: TEXT[action], done: TEXT.done[action], refresh: true, onClose, description: summary };
  const daysNumber = Number.parseInt(days, 10);

  switch (action) {
    case "verify":
      return (
        <ActionDialog {...common} title={TEXT.verifyTitle} onConfirm={post({ method, passed: passed === "true", note: text.trim() || null })}>
          <TextField select label={TEXT.method} value={method} onChange={(e) => setMethod(e.target.value)} fullWidth>
            {Object.entries(METHOD_LABEL).map(([id, name]) => (
              <MenuItem key={id} value={id}>
                {name}
              </MenuItem>
            ))}
          </TextField>
          <TextField select label={TEXT.result} value={passed} onChange={(e) => setPassed(e.target.value)} fullWidth>
            <MenuItem value="true">{TEXT.passed}</MenuItem>
            <MenuItem value="false">{TEXT.failed}</MenuItem>
          </TextField>
          <TextField label={TEXT.note} value={text} onChange={(e) => setText(e.target.value)} multiline fullWidth slotProps={{ htmlInput: { maxLength: 1000 } }} />
        </ActionDialog>
      );
    case "assign":
      return (
        <ActionDialog {...common} title={TEXT.assignTitle} ready={UUID.test(assignee.trim())} onConfirm={post({ assignee_id: assignee.trim() })}>
          <TextField label={TEXT.assignee} value={assignee} onChange={(e) => setAssignee(e.target.value)} required fullWidth />
          {identity && (
            <Button sx={{ alignSelf: "flex-start" }} onClick={() => setAssignee(String(identity.id))}>
              {TEXT.assignMe}
            </Button>
          )}
        </ActionDialog>
      );
    case "start":
      return (
        <ActionDialog {...common} title={TEXT.startTitle} description={request.type === "access" ? `${summary}. ${TEXT.startAccess}` : summary} onConfirm={post()} />
      );
    case "extend":
      return (
        <ActionDialog
          {...common}
          title={TEXT.extendTitle}
          ready={text.trim().length >= 3 && daysNumber >= 1 && daysNumber <= 30}
          onConfirm={post({ days: daysNumber, reason: text.trim() })}
        >
          <TextField type="number" label={TEXT.days} value={days} onChange={(e) => setDays(e.target.value)} required slotProps={{ htmlInput: { min: 1, max: 30 } }} />
          <TextField label={TEXT.reasonToSubject} value={text} onChange={(e) => setText(e.target.value)} required multiline fullWidth slotProps={{ htmlInput: { maxLength: 1000 } }} />
        </ActionDialog>
      );
    case "complete":
      return (
        <ActionDialog
          {...common}
          title={TEXT.completeTitle}
          description={request.type === "access" ? `${summary}. ${TEXT.completeAccess}` : summary}
          ready={request.type !== "objection" || text.trim().length > 0}
          onConfirm={post({ resolution: text.trim() || null })}
        >
          <TextField
            label={request.type === "objection" ? TEXT.resolutionRequired : TEXT.resolution}
            value={text}
            onChange={(e) => setText(e.target.value)}
            required={request.type === "objection"}
            multiline
            fullWidth
            slotProps={{ htmlInput: { maxLength: 4000 } }}
          />
        </ActionDialog>
      );
    case "refuse":
      return (
        <ActionDialog
          {...common}
          title={TEXT.refuseTitle}
          danger
          ready={text.trim().length >= 3 && legalGround.trim().length >= 3}
          onConfirm={post({ reason: text.trim(), legal_ground: legalGround.trim() })}
        >
          <TextField label={TEXT.reason} value={text} onChange={(e) => setText(e.target.value)} required multiline fullWidth slotProps={{ htmlInput: { maxLength: 4000 } }} />
          <TextField
            label={TEXT.legalGround}
            value={legalGround}
            onChange={(e) => setLegalGround(e.target.value)}
            required
            fullWidth
            helperText="e.g. PAIA s33–s46, or POPIA s14(1)(a)"
            slotProps={{ htmlInput: { maxLength: 500 } }}
          />
        </ActionDialog>
      );
  }
}
