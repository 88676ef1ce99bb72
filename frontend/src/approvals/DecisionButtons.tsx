import { Button, Stack, Typography } from "@mui/material";
import { useState } from "react";
import { useGetIdentity, useRecordContext } from "react-admin";
import type { Transaction } from "../api/types";
import { formatMoney } from "../money";
import { Can } from "../permissions";
import { ActionDialog } from "../shared/ActionDialog";
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
  const needsReason = decision === "reject";
  return (
    <ActionDialog
      title={decision === "approve" ? TEXT.confirmApprove : TEXT.confirmReject}
      description={
        <>
          {formatMoney(transaction.amount, transaction.currency)} · {transaction.type} · {transaction.source_wallet_id} →{" "}
          {transaction.destination_wallet_id}
        </>
      }
      confirmLabel={decision === "approve" ? TEXT.approve : TEXT.reject}
      confirmColor={decision === "approve" ? "success" : "error"}
      reasonLabel={needsReason ? TEXT.reason : TEXT.comment}
      reasonRequired={needsReason}
      reasonMaxLength={null}
      done={decision === "approve" ? TEXT.approved : TEXT.rejected}
      refresh
      onConfirm={({ reason }) => decide(transaction.id, decision, reason)} // a refusal (e.g. four eyes) stays shown
      onClose={onClose}
    />
  );
}
