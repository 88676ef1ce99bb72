import { Datagrid, FunctionField, List, SelectInput, TextField } from "react-admin";
import type { Transaction } from "../api/types";
import { formatAge, formatDateTime } from "../format";
import { formatMoney } from "../money";
import { DecisionButtons } from "./DecisionButtons";

const filters = [
  <SelectInput
    key="type"
    source="type"
    label="Type"
    alwaysOn
    choices={[
      { id: "transfer", name: "Transfer" },
      { id: "withdrawal", name: "Withdrawal" },
      { id: "reversal", name: "Reversal" },
    ]}
  />,
];

function parties(record: Transaction): string {
  return `${record.source_wallet_id} → ${record.counterparty?.address ?? record.destination_wallet_id}`;
}

/** Pending transfers, withdrawals and reversals, oldest decisions first in line. */
export function ApprovalsInbox() {
  return (
    <List<Transaction> empty={false}
      resource="transactions"
      title="Approvals inbox"
      filter={{ status: "pending_approval" }}
      filters={filters}
      sort={{ field: "created_at", order: "ASC" }}
      perPage={25}
      exporter={false}
      storeKey="approvals"
    >
      <Datagrid bulkActionButtons={false} rowClick={false}>
        <FunctionField<Transaction>
          label="Amount"
          textAlign="right"
          render={(record) => formatMoney(record.amount, record.currency)}
        />
        <FunctionField<Transaction> label="Parties" render={parties} />
        <TextField source="type" label="Type" />
        <FunctionField<Transaction>
          label="Age"
          render={(record) => <span title={formatDateTime(record.created_at)}>{formatAge(record.created_at)}</span>}
        />
        <FunctionField<Transaction> label="Decision" render={() => <DecisionButtons />} />
      </Datagrid>
    </List>
  );
}
