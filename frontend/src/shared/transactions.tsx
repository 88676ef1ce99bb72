/**
 * Transactions as the money screens show them: status and type labels, and the columns of a
 * transaction list (the transactions list and a wallet's recent transactions).
 */
import { Datagrid, FunctionField, TextField } from "react-admin";
import type { Transaction } from "../api/types";
import { formatDateTime } from "../format";
import { formatMoney } from "../money";

const TEXT = {
  status: "Status",
  type: "Type",
  created: "Created",
  amount: "Amount",
  parties: "Parties",
  description: "Description",
};

export const STATUS_CHOICES = [
  { id: "pending_approval", name: "Pending approval" },
  { id: "completed", name: "Completed" },
  { id: "rejected", name: "Rejected" },
  { id: "expired", name: "Expired" },
  { id: "reversed", name: "Reversed" },
  { id: "failed", name: "Failed" },
];

export const TYPE_CHOICES = [
  { id: "transfer", name: "Transfer" },
  { id: "deposit", name: "Deposit" },
  { id: "withdrawal", name: "Withdrawal" },
  { id: "reversal", name: "Reversal" },
];

/** The label of a status or type value (the value itself when unknown). */
export function choiceName(choices: { id: string; name: string }[], value: string | null | undefined): string {
  return choices.find((choice) => choice.id === value)?.name ?? value ?? "";
}

export function parties(record: Transaction): string {
  return `${record.source_wallet_id} → ${record.destination_wallet_id}`;
}

/** The columns of a transaction list inside a react-admin list context; a row opens the transaction. */
export function TransactionGrid() {
  return (
    <Datagrid bulkActionButtons={false} rowClick="show" resource="transactions">
      <FunctionField<Transaction> label={TEXT.created} sortable={false} render={(record) => formatDateTime(record.created_at)} />
      <FunctionField<Transaction> label={TEXT.type} sortable={false} render={(record) => choiceName(TYPE_CHOICES, record.type)} />
      <FunctionField<Transaction> label={TEXT.status} sortable={false} render={(record) => choiceName(STATUS_CHOICES, record.status)} />
      <FunctionField<Transaction>
        label={TEXT.amount}
        textAlign="right"
        sortable={false}
        render={(record) => formatMoney(record.amount, record.currency)}
      />
      <FunctionField<Transaction> label={TEXT.parties} sortable={false} render={parties} />
      <TextField source="description" label={TEXT.description} sortable={false} emptyText="" />
    </Datagrid>
  );
}
