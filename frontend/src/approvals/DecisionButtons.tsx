import { Button, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle, Stack, TextField, Typography } from "@mui/material";
import { useState } from "react";
import { useGetIdentity, useNotify, useRecordContext, useRefresh } from "react-admin";
import { errorMessage } from "../api/client";
import type { Transaction } from "../api/types";
import { formatMoney } from "../money";
import { Can } from "../permissions";
import { type Decision, decide } from "./decide";

export const APPROVE_PERMISSION = "payment:approve";

const TEXT = {
  approve: "Approve",
  reject: "Reject",
  own: "Your own: another approver decides",
  confirmApprove: "Approve this transaction?",
  confirmReject: "Reject this transaction?",
  reason: "Reason",
  comment: "Comment (optional)",
  cancel: "Cancel",
  approved: "Transaction approved",
  rejected: "Transaction rejected",
};

export function DecisionButtons() {
  const record = useRecordContext<Transaction>();
  const { identity } = useGetIdentity();
  const [open, setOpen] = useState<Decision | null>(null);
  if (!record) return null;
  if (identity && record.initiated_by === String(identity.id)) {
    return (
      <Typography variant="body2" color="text.secondary">
        {TEXT.own}
      </Typography>
    );
  }
  return (
    <Can permission={APPROVE_PERMISSION}>
      <Stack direction="row" spacing={1} onClick={(event) => event.stopPropagation()}>
        <Button size="small" variant="contained" color="success" onClick={() => setOpen("approve")}>
          {TEXT.approve}
        </Button>
        <Button size="small" variant="outlined" color="error" onClick={() => setOpen("reject")}>
          {TEXT.reject}
        </Button>
      </Stack>
      {open && <DecisionDialog transaction={record} decision={open} onClose={() => setOpen(null)} />}
    </Can>
  );
}

export function DecisionDialog({
  transaction,
  decision,
  onClose,
}: {
  transaction: Transaction;
  decision: Decision;
  onClose: () => void;
}) {
  const notify = useNotify();
  const refresh = useRefresh();
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const needsReason = decision === "reject";

  async function confirm() {
    setBusy(true);
    setError(null);
    try {
      await decide(transaction.id, decision, reason.trim());
      notify(decision === "approve" ? TEXT.approved : TEXT.rejected, { type: "success" });
      onClose();
      refresh();
    } catch (failure) {
      setError(errorMessage(failure)); // the API's own reason, e.g. a four-eyes refusal
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog open onClose={onClose} onClick={(event) => event.stopPropagation()} aria-labelledby="decision-title">
      <DialogTitle id="decision-title">{decision === "approve" ? TEXT.confirmApprove : TEXT.confirmReject}</DialogTitle>
      <DialogContent>
        <DialogContentText>
          {formatMoney(transaction.amount, transaction.currency)} · {transaction.type} · {transaction.source_wallet_id} →{" "}
          {transaction.destination_wallet_id}
        </DialogContentText>
        <TextField
          autoFocus
          fullWidth
          margin="normal"
          label={needsReason ? TEXT.reason : TEXT.comment}
          required={needsReason}
          value={reason}
          onChange={(event) => setReason(event.target.value)}
        />
        {error && (
          <Typography role="alert" color="error">
            {error}
          </Typography>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>{TEXT.cancel}</Button>
        <Button
          variant="contained"
          color={decision === "approve" ? "success" : "error"}
          disabled={busy || (needsReason && !reason.trim())}
          onClick={confirm}
        >
          {decision === "approve" ? TEXT.approve : TEXT.reject}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
