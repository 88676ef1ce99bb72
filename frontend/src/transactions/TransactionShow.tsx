import { Stack, Typography } from "@mui/material";
import { FunctionField, Link, Show, SimpleShowLayout, TextField, useRecordContext } from "react-admin";
import type { Transaction } from "../api/types";
import { formatDateTime } from "../format";
import { formatMoney } from "../money";
import { useShowError } from "../shared/showError";
import { DownloadButton } from "../shared/files";
import { STATUS_CHOICES, TYPE_CHOICES, choiceName } from "../shared/transactions";

const TEXT = {
  title: "Transaction",
  id: "Transaction ID",
  type: "Type",
  status: "Status",
  amount: "Amount",
  fee: "Fee",
  reversed: "Reversed so far",
  source: "From wallet",
  destination: "To wallet",
  counterparty: "Counterparty",
  description: "Description",
  reference: "External reference",
  initiatedBy: "Initiated by (user ID)",
  created: "Created",
  expires: "Approval expires",
  decidedBy: "Decided by (user ID)",
  decidedAt: "Decided",
  reason: "Decision reason",
  completed: "Completed",
  reversalOf: "Reversal of",
  history: "Status history",
  parties: "Parties",
  receipt: "Download receipt (PDF)",
  receiptHint: "A receipt exists only for a payment of an invoice.",
};

function WalletLink({ id }: { id: string | null | undefined }) {
  if (!id) return null;
  return <Link to={`/wallets/${encodeURIComponent(id)}/show`}>{id}</Link>;
}

function ReceiptDownload() {
  const record = useRecordContext<Transaction>();
  if (!record) return null;
  return (
    <Stack spacing={1} alignItems="flex-start">
      <DownloadButton path={`/transactions/${encodeURIComponent(record.id)}/receipt`} label={TEXT.receipt} />
      <Typography variant="body2" color="text.secondary">
        {TEXT.receiptHint}
      </Typography>
    </Stack>
  );
}

/** One transaction, read-only: its parties, amounts and status history; decisions live in the approvals inbox. */
export function TransactionShow() {
  const onError = useShowError("transactions");
  return (
    <Show<Transaction> resource="transactions" title={TEXT.title} queryOptions={{ onError }}>
      <SimpleShowLayout>
        <TextField source="id" label={TEXT.id} />
        <FunctionField<Transaction> label={TEXT.type} render={(r) => choiceName(TYPE_CHOICES, r.type)} />
        <FunctionField<Transaction> label={TEXT.status} render={(r) => choiceName(STATUS_CHOICES, r.status)} />
        <FunctionField<Transaction> label={TEXT.amount} render={(r) => formatMoney(r.amount, r.currency)} />
        <FunctionField<Transaction> label={TEXT.fee} render={(r) => formatMoney(r.fee, r.currency)} />
        <FunctionField<Transaction> label={TEXT.reversed} render={(r) => formatMoney(r.reversed_amount, r.currency)} />
        <Typography variant="h6" component="h2">
          {TEXT.parties}
        </Typography>
        <FunctionField<Transaction> label={TEXT.source} render={(r) => <WalletLink id={r.source_wallet_id} />} />
        <FunctionField<Transaction> label={TEXT.destination} render={(r) => <WalletLink id={r.destination_wallet_id} />} />
        <FunctionField<Transaction>
          label={TEXT.counterparty}
          render={(r) => (r.counterparty ? `${r.counterparty.kind} · ${r.counterparty.address ?? r.counterparty.wallet_id}` : "")}
        />
        <TextField source="initiated_by" label={TEXT.initiatedBy} />
        <TextField source="description" label={TEXT.description} emptyText="" />
        <TextField source="external_reference" label={TEXT.reference} emptyText="" />
        <FunctionField<Transaction>
          label={TEXT.reversalOf}
          render={(r) => (r.reversal_of ? <Link to={`/transactions/${encodeURIComponent(r.reversal_of)}/show`}>{r.reversal_of}</Link> : "")}
        />
        <Typography variant="h6" component="h2">
          {TEXT.history}
        </Typography>
        <FunctionField<Transaction> label={TEXT.created} render={(r) => formatDateTime(r.created_at)} />
        <FunctionField<Transaction> label={TEXT.expires} render={(r) => formatDateTime(r.expires_at)} />
        <TextField source="decided_by" label={TEXT.decidedBy} emptyText="" />
        <FunctionField<Transaction> label={TEXT.decidedAt} render={(r) => formatDateTime(r.decided_at)} />
        <TextField source="decision_reason" label={TEXT.reason} emptyText="" />
        <FunctionField<Transaction> label={TEXT.completed} render={(r) => formatDateTime(r.completed_at)} />
        <ReceiptDownload />
      </SimpleShowLayout>
    </Show>
  );
}
