import { Datagrid, FunctionField, List, SelectInput, TextInput } from "react-admin";
import type { Invoice } from "../api/types";
import { formatDateTime } from "../format";
import { formatMoney } from "../money";

export const TEXT = {
  title: "Invoices",
  status: "Status",
  issuer: "Issuer",
  issuerId: "Issuer ID",
  number: "Number",
  draft: "Draft (no number yet)",
  payer: "Payer",
  total: "Total",
  due: "Amount due",
  issued: "Issued",
  dueDate: "Due date",
};

export const STATUS_CHOICES = [
  { id: "draft", name: "Draft" },
  { id: "issued", name: "Issued" },
  { id: "paid", name: "Paid" },
  { id: "void", name: "Void" },
];

export function statusName(status: string): string {
  return STATUS_CHOICES.find((choice) => choice.id === status)?.name ?? status;
}

/** GET /invoices filters: status, issuer_id. */
const filters = [
  <SelectInput key="status" source="status" label={TEXT.status} choices={STATUS_CHOICES} alwaysOn />,
  <TextInput key="issuer_id" source="issuer_id" label={TEXT.issuerId} />,
];

/** Every invoice (staff), newest first as the API pages them. */
export function InvoiceList() {
  return (
    <List<Invoice> empty={false} resource="invoices" title={TEXT.title} filters={filters} perPage={25} exporter={false}>
      <Datagrid bulkActionButtons={false} rowClick="show">
        <FunctionField<Invoice> label={TEXT.number} sortable={false} render={(i) => i.number ?? TEXT.draft} />
        <FunctionField<Invoice> label={TEXT.status} sortable={false} render={(i) => statusName(i.status)} />
        <FunctionField<Invoice> label={TEXT.issuer} sortable={false} render={(i) => i.issuer.name} />
        <FunctionField<Invoice> label={TEXT.payer} sortable={false} render={(i) => i.payer.name} />
        <FunctionField<Invoice> label={TEXT.total} textAlign="right" sortable={false} render={(i) => formatMoney(i.total, i.currency)} />
        <FunctionField<Invoice> label={TEXT.due} textAlign="right" sortable={false} render={(i) => formatMoney(i.amount_due, i.currency)} />
        <FunctionField<Invoice> label={TEXT.issued} sortable={false} render={(i) => formatDateTime(i.issued_at)} />
        <FunctionField<Invoice> label={TEXT.dueDate} sortable={false} render={(i) => i.due_date ?? ""} />
      </Datagrid>
    </List>
  );
}
