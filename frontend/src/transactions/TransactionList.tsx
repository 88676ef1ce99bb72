import { DateInput, List, SelectInput, TextInput } from "react-admin";
import type { Transaction } from "../api/types";
import { dayEnd, dayStart, endToDay, startToDay } from "../shared/dates";
import { STATUS_CHOICES, TYPE_CHOICES, TransactionGrid } from "../shared/transactions";

export const TEXT = {
  title: "Transactions",
  status: "Status",
  type: "Type",
  wallet: "Wallet ID",
  from: "From date",
  to: "To date",
  amountMin: "Minimum amount",
  amountMax: "Maximum amount",
};

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

/** Every transaction (staff), newest first as the API pages them; read-only. */
export function TransactionList() {
  return (
    <List<Transaction> empty={false}
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
