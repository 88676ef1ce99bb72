import { Button, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle, FormControlLabel, Radio, RadioGroup, TextField, Typography } from "@mui/material";
import { useState } from "react";
import { api, errorMessage } from "../api/client";
import type { ServiceRequest } from "../api/types";
import type { RequestAction } from "./labels";

const TEXT = {
  cancel: "Back",
  comment: "Comment (optional)",
  reason: "Reason",
  assignTo: "Assign to",
  user: "A user",
  team: "A team",
  userId: "User id",
  teamId: "Team id",
  actions: {
    submit: { button: "Submit", question: "Submit this request for approval?" },
    approve: { button: "Approve", question: "Approve this request at its pending level?" },
    reject: { button: "Reject", question: "Reject this request?" },
    assign: { button: "Assign", question: "Assign this request?" },
    start: { button: "Start work", question: "Start work on this request?" },
    complete: { button: "Complete", question: "Mark this request as completed?" },
    cancel: { button: "Cancel request", question: "Cancel this request?" },
  } satisfies Record<RequestAction, { button: string; question: string }>,
};

export const ACTION_LABEL: Record<RequestAction, string> = Object.fromEntries(
  Object.entries(TEXT.actions).map(([action, text]) => [action, text.button]),
) as Record<RequestAction, string>;

/** The body each action's route takes (workflow_schemas: command, reject, assign bodies). */
export function actionBody(action: RequestAction, text: string, assignee?: { kind: "user" | "team"; id: string }) {
  if (action === "reject") return { reason: text };
  if (action === "assign") {
    const target = assignee?.kind === "team" ? { team_id: assignee.id } : { user_id: assignee?.id };
    return { ...target, comment: text };
  }
  return { comment: text };
}

/** The confirmation for one action: its comment or reason, then POST; the API's refusal shown here. */
export function ActionDialog({
  request,
  action,
  onClose,
  onDone,
}: {
  request: ServiceRequest;
  action: RequestAction;
  onClose: () => void;
  onDone: (updated: ServiceRequest) => void;
}) {
  const [text, setText] = useState("");
  const [kind, setKind] = useState<"user" | "team">("user");
  const [assigneeId, setAssigneeId] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const needsReason = action === "reject";
  const ready = (!needsReason || text.trim() !== "") && (action !== "assign" || assigneeId.trim() !== "");
  const titleId = `sr-action-${action}`;

  async function confirm() {
    setBusy(true);
    setError(null);
    try {
      const updated = await api.data<ServiceRequest>(`/service-requests/${encodeURIComponent(request.id)}/${action}`, {
        method: "POST",
        body: actionBody(action, text.trim(), { kind, id: assigneeId.trim() }),
      });
      onDone(updated);
    } catch (failure) {
      setError(errorMessage(failure)); // e.g. the API refusing the requester's own approval
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog open onClose={onClose} aria-labelledby={titleId} fullWidth maxWidth="sm">
      <DialogTitle id={titleId}>{TEXT.actions[action].question}</DialogTitle>
      <DialogContent>
        <DialogContentText>{request.title}</DialogContentText>
        {action === "assign" && (
          <>
            <RadioGroup row aria-label={TEXT.assignTo} value={kind} onChange={(event) => setKind(event.target.value as "user" | "team")}>
              <FormControlLabel value="user" control={<Radio />} label={TEXT.user} />
              <FormControlLabel value="team" control={<Radio />} label={TEXT.team} />
            </RadioGroup>
            <TextField
              fullWidth
              margin="normal"
              required
              label={kind === "user" ? TEXT.userId : TEXT.teamId}
              value={assigneeId}
              onChange={(event) => setAssigneeId(event.target.value)}
            />
          </>
        )}
        <TextField
          autoFocus
          fullWidth
          multiline
          minRows={2}
          margin="normal"
          label={needsReason ? TEXT.reason : TEXT.comment}
          required={needsReason}
          value={text}
          onChange={(event) => setText(event.target.value)}
        />
        {error && (
          <Typography role="alert" color="error">
            {error}
          </Typography>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>{TEXT.cancel}</Button>
        <Button variant="contained" color={action === "reject" || action === "cancel" ? "error" : "primary"} disabled={busy || !ready} onClick={confirm}>
          {TEXT.actions[action].button}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
