import { FormControlLabel, Radio, RadioGroup, TextField } from "@mui/material";
import { useState } from "react";
import { api } from "../api/client";
import type { ServiceRequest } from "../api/types";
import { ActionDialog } from "../shared/ActionDialog";
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
export function RequestActionDialog({
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
  const [kind, setKind] = useState<"user" | "team">("user");
  const [assigneeId, setAssigneeId] = useState("");
  const needsReason = action === "reject";

  return (
    <ActionDialog
      title={TEXT.actions[action].question}
      description={request.title}
      confirmLabel={TEXT.actions[action].button}
      cancelLabel={TEXT.cancel}
      reasonLabel={needsReason ? TEXT.reason : TEXT.comment}
      reasonRequired={needsReason}
      reasonMultiline
      reasonMaxLength={null}
      ready={action !== "assign" || assigneeId.trim() !== ""}
      danger={action === "reject" || action === "cancel"}
      onConfirm={async ({ reason }) => {
        const updated = await api.data<ServiceRequest>(`/service-requests/${encodeURIComponent(request.id)}/${action}`, {
          method: "POST",
          body: actionBody(action, reason, { kind, id: assigneeId.trim() }),
        });
        onDone(updated); // a refusal (e.g. the requester's own approval) stays shown in the dialog
      }}
      onClose={onClose}
    >
      {action === "assign" && (
        <>
          <RadioGroup row aria-label={TEXT.assignTo} value={kind} onChange={(event) => setKind(event.target.value as "user" | "team")}>
            <FormControlLabel value="user" control={<Radio />} label={TEXT.user} />
            <FormControlLabel value="team" control={<Radio />} label={TEXT.team} />
          </RadioGroup>
          <TextField
            fullWidth
            required
            label={kind === "user" ? TEXT.userId : TEXT.teamId}
            value={assigneeId}
            onChange={(event) => setAssigneeId(event.target.value)}
          />
        </>
      )}
    </ActionDialog>
  );
}
