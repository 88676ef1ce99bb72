import { Button, TextField as MuiTextField } from "@mui/material";
import { useRef, useState } from "react";
import {
  Datagrid,
  DateInput,
  FunctionField,
  List,
  NumberField,
  SelectInput,
  TextField,
  TextInput,
} from "react-admin";
import { useNavigate } from "react-router-dom";
import type { SettlementBatch } from "../api/types";
import { formatDateTime } from "../format";
import { formatMoney } from "../money";
import { Can } from "../permissions";
import { ActionDialog } from "../shared/ActionDialog";
import { addDays, businessToday } from "../shared/dates";
import { BATCHES, SETTLE_PERMISSION, closeBatch } from "./batches";
import { FilterActions } from "../shared/FilterActions";

const TEXT = {
  title: "Settlement batches",
  businessDate: "Business day",
  currency: "Currency",
  status: "Status",
  open: "Open",
  closed: "Closed",
  movements: "Movements",
  deposits: "Deposits",
  withdrawals: "Withdrawals",
  net: "Net",
  closedAt: "Closed at",
  from: "From day",
  to: "To day",
  close: "Close batch",
  confirmTitle: "Close a settlement batch?",
  confirmText:
    "Closing fixes the day's settled deposits and withdrawals in one currency into a batch for the bank. " +
    "A batch that is already closed is shown as it is.",
  day: "Business day (Africa/Windhoek)",
  closing: "Closing…",
  done: "Settlement batch closed",
};

const STATUS_CHOICES = [
  { id: "open", name: TEXT.open },
  { id: "closed", name: TEXT.closed },
];

const filters = [
  <TextInput key="currency" source="currency" label={TEXT.currency} parse={(value: string) => value.toUpperCase()} alwaysOn />,
  <SelectInput key="status" source="status" label={TEXT.status} choices={STATUS_CHOICES} alwaysOn />,
  <DateInput key="from" source="from" label={TEXT.from} />,
  <DateInput key="to" source="to" label={TEXT.to} />,
];

/** POST /settlement/batches/close after a confirmation naming the day and the currency. */
export function CloseBatchButton() {
  const [open, setOpen] = useState(false);
  return (
    <Can permission={SETTLE_PERMISSION}>
      <Button variant="contained" size="small" onClick={() => setOpen(true)}>
        {TEXT.close}
      </Button>
      {open && <CloseBatchDialog onClose={() => setOpen(false)} />}
    </Can>
  );
}

function CloseBatchDialog({ onClose }: { onClose: () => void }) {
  const navigate = useNavigate();
  const closed = useRef<SettlementBatch | null>(null);
  const [day, setDay] = useState(() => addDays(businessToday(), -1));
  const [currency, setCurrency] = useState("NAD");
  const valid = /^[A-Z]{3}$/.test(currency) && /^\d{4}-\d{2}-\d{2}$/.test(day);

  return (
    <ActionDialog
      title={TEXT.confirmTitle}
      description={TEXT.confirmText}
      confirmLabel={TEXT.close}
      busyLabel={TEXT.closing}
      ready={valid}
      done={TEXT.done}
      refresh
      onConfirm={async () => {
        closed.current = await closeBatch({ date: day, currency }); // refused e.g. while the business day is not over
      }}
      onClose={onClose}
      onDone={() => {
        if (closed.current) navigate(`/settlement/${encodeURIComponent(closed.current.id)}`);
      }}
    >
      <MuiTextField
        fullWidth
        type="date"
        label={TEXT.day}
        value={day}
        onChange={(event) => setDay(event.target.value)}
        slotProps={{ inputLabel: { shrink: true } }}
        required
      />
      <MuiTextField
        fullWidth
        label={TEXT.currency}
        value={currency}
        onChange={(event) => setCurrency(event.target.value.toUpperCase())}
        slotProps={{ htmlInput: { maxLength: 3, pattern: "[A-Z]{3}" } }}
        required
      />
    </ActionDialog>
  );
}


const money = (field: "deposits_total" | "withdrawals_total" | "net") => (batch: SettlementBatch) =>
  formatMoney(batch[field], batch.currency);

/** GET /settlement/batches: newest business day first. */
export function SettlementPage() {
  return (
    <List<SettlementBatch> empty={false}
      resource={BATCHES}
      title={TEXT.title}
      filters={filters}
      actions={
        <FilterActions>
          <CloseBatchButton />
        </FilterActions>
      }
      perPage={25}
      exporter={false}
      storeKey="settlement-batches"
    >
      <Datagrid bulkActionButtons={false} rowClick={(id) => `/settlement/${encodeURIComponent(String(id))}`}>
        <TextField sortable={false} source="business_date" label={TEXT.businessDate} />
        <TextField sortable={false} source="currency" label={TEXT.currency} />
        <FunctionField<SettlementBatch> sortable={false} label={TEXT.status} render={(b) => (b.status === "closed" ? TEXT.closed : TEXT.open)} />
        <NumberField sortable={false} source="count" label={TEXT.movements} />
        <FunctionField<SettlementBatch> sortable={false} label={TEXT.deposits} textAlign="right" render={money("deposits_total")} />
        <FunctionField<SettlementBatch> sortable={false} label={TEXT.withdrawals} textAlign="right" render={money("withdrawals_total")} />
        <FunctionField<SettlementBatch> sortable={false} label={TEXT.net} textAlign="right" render={money("net")} />
        <FunctionField<SettlementBatch> sortable={false} label={TEXT.closedAt} render={(b) => formatDateTime(b.closed_at)} />
      </Datagrid>
    </List>
  );
}
