import {
  Datagrid,
  DateInput,
  FunctionField,
  List,
  SelectInput,
  TextField,
  TextInput,
} from "react-admin";
import type { Transaction } from "../api/types";
import { formatDateTime } from "../format";
import { formatMoney } from "../money";
import { dayEnd, dayStart, endToDay, startToDay } from "./dates";

export const TEXT = {
  title: "Transactions",
  status: "Status",
  type: "Type",
  wallet: "Wallet ID",
  from: "From date",
  to: "To date",
  amountMin: "Minimum amount",
  amountMax: "Maximum amount",
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

/** The API's filters (GET /transactions: status, type, wallet_id, from, to, amount_min, amount_max). */
const filters = [
  <SelectInput key="status" source="status" label={TEXT.status} choices={STATUS_CHOICES} alwaysOn />,
  <SelectInput key="type" source="type" label={TEXT.type} choices={TYPE_CHOICES} alwaysOn />,
  <DateInput key="from" source="from" label={TEXT.from} parse={dayStart} format={startToDay} alwaysOn />,
  <DateInput key="to" source="to" label={TEXT.to} parse={dayEnd} format={endToDay} alwaysOn />,
  <TextInput key="wallet_id" source="wallet_id" label={TEXT.wallet} />,
  <TextInput key="amount_min" source="amount_min" label={TEXT.amountMin} />,
  <TextInput key="amount_max" source="amount_max" label={TEXT.amountMax} />,
];

export function parties(record: Transaction): string {
  return `${record.source_wallet_id} → ${record.destination_wallet_id}`;
}

/** Every transaction (staff), newest first as the API pages them; read-only. */
export function TransactionList() {
  return (
    <List<Transaction>
      resource="transactions"
      title={TEXT.title}
      filters={filters}
      perPage={25}
      exporter={false}
      sort={{ field: "created_at", order: "DESC" }}
    >
      <TransactionGrid />
    </List>
  );
}

/** The columns, shared with the wallet page's recent transactions. */
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
