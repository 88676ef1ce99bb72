import { Stack, Table, TableBody, TableCell, TableFooter, TableHead, TableRow, Typography } from "@mui/material";
import { FunctionField, Link, Show, SimpleShowLayout, TextField, useRecordContext } from "react-admin";
import type { CreditNote, Invoice, InvoiceLine } from "../api/types";
import { formatDateTime } from "../format";
import { formatMoney } from "../money";
import { useShowError } from "../shared/showError";
import { DownloadButton } from "../shared/files";
import { InvoiceActions } from "./InvoiceActions";
import { TEXT as LIST_TEXT, statusName } from "./InvoiceList";
import { InvoicePdf } from "./InvoicePdf";

const TEXT = {
  title: "Invoice",
  number: "Number",
  draft: LIST_TEXT.draft,
  status: "Status",
  issuer: "Issuer",
  issuerVat: "Issuer VAT number",
  payer: "Payer",
  payerId: "Payer (user ID)",
  issued: "Issued",
  dueDate: "Due date",
  paid: "Paid",
  paidBy: "Payment transaction",
  pending: "Payment waiting for approval",
  voided: "Voided",
  voidReason: "Void reason",
  lines: "Lines",
  description: "Description",
  quantity: "Quantity",
  unitPrice: "Unit price",
  net: "Net",
  subtotal: "Subtotal",
  vat: (rate: string) => `VAT (${rate}%)`,
  total: "Total",
  credited: "Credited",
  due: "Amount due",
  creditNotes: "Credit notes",
  reason: "Reason",
  refund: "Refund transaction",
  created: "Created",
  receipt: "Download receipt (PDF)",
};

function TransactionLink({ id }: { id: string | null | undefined }) {
  return id ? <Link to={`/transactions/${encodeURIComponent(id)}/show`}>{id}</Link> : null;
}

function Lines({ invoice }: { invoice: Invoice }) {
  const money = (value: string) => formatMoney(value, invoice.currency);
  const total = (label: string, value: string) => (
    <TableRow>
      <TableCell colSpan={3} align="right">
        {label}
      </TableCell>
      <TableCell align="right">{money(value)}</TableCell>
    </TableRow>
  );
  return (
    <Stack spacing={1} component="section" aria-labelledby="lines-heading">
      <Typography variant="h6" component="h2" id="lines-heading">
        {TEXT.lines}
      </Typography>
      <Table size="small" aria-labelledby="lines-heading">
        <TableHead>
          <TableRow>
            <TableCell>{TEXT.description}</TableCell>
            <TableCell align="right">{TEXT.quantity}</TableCell>
            <TableCell align="right">{TEXT.unitPrice}</TableCell>
            <TableCell align="right">{TEXT.net}</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {invoice.lines.map((line: InvoiceLine, index) => (
            <TableRow key={index}>
              <TableCell>{line.description}</TableCell>
              <TableCell align="right">{line.quantity}</TableCell>
              <TableCell align="right">{money(line.unit_price)}</TableCell>
              <TableCell align="right">{money(line.net)}</TableCell>
            </TableRow>
          ))}
        </TableBody>
        <TableFooter>
          {total(TEXT.subtotal, invoice.subtotal)}
          {total(TEXT.vat(invoice.vat_rate), invoice.vat)}
          {total(TEXT.total, invoice.total)}
          {total(TEXT.credited, invoice.credited)}
          {total(TEXT.due, invoice.amount_due)}
        </TableFooter>
      </Table>
    </Stack>
  );
}

function CreditNotes({ invoice }: { invoice: Invoice }) {
  const notes = invoice.credit_notes ?? [];
  if (notes.length === 0) return null;
  return (
    <Stack spacing={1} component="section" aria-labelledby="credit-notes-heading">
      <Typography variant="h6" component="h2" id="credit-notes-heading">
        {TEXT.creditNotes}
      </Typography>
      <Table size="small" aria-labelledby="credit-notes-heading">
        <TableHead>
          <TableRow>
            <TableCell>{TEXT.number}</TableCell>
            <TableCell>{TEXT.reason}</TableCell>
            <TableCell align="right">{TEXT.subtotal}</TableCell>
            <TableCell align="right">{TEXT.vat(invoice.vat_rate)}</TableCell>
            <TableCell align="right">{TEXT.total}</TableCell>
            <TableCell>{TEXT.refund}</TableCell>
            <TableCell>{TEXT.created}</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {notes.map((note: CreditNote) => (
            <TableRow key={note.id}>
              <TableCell>{note.number}</TableCell>
              <TableCell>{note.reason}</TableCell>
              <TableCell align="right">{formatMoney(note.subtotal, invoice.currency)}</TableCell>
              <TableCell align="right">{formatMoney(note.vat, invoice.currency)}</TableCell>
              <TableCell align="right">{formatMoney(note.total, invoice.currency)}</TableCell>
              <TableCell>
                <TransactionLink id={note.refund_transaction_id} />
              </TableCell>
              <TableCell>{formatDateTime(note.created_at)}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Stack>
  );
}

function Details() {
  const invoice = useRecordContext<Invoice>();
  if (!invoice) return null;
  return (
    <Stack spacing={4} sx={{ p: 2 }}>
      <InvoiceActions invoice={invoice} />
      <Lines invoice={invoice} />
      <CreditNotes invoice={invoice} />
      {invoice.paid_transaction_id && (
        <div>
          <DownloadButton path={`/transactions/${encodeURIComponent(invoice.paid_transaction_id)}/receipt`} label={TEXT.receipt} />
        </div>
      )}
      {/* Keyed on the status: issuing or voiding changes the PDF, so it is fetched again. */}
      <InvoicePdf key={invoice.status} invoiceId={invoice.id} isDraft={invoice.status === "draft"} />
    </Stack>
  );
}

/** One invoice: parties, lines and totals, its actions (invoice:manage) and its PDF. */
export function InvoiceShow() {
  const onError = useShowError("invoices");
  return (
    <Show<Invoice> resource="invoices" title={TEXT.title} queryOptions={{ onError }}>
      <SimpleShowLayout>
        <FunctionField<Invoice> label={TEXT.number} render={(i) => i.number ?? TEXT.draft} />
        <FunctionField<Invoice> label={TEXT.status} render={(i) => statusName(i.status)} />
        <FunctionField<Invoice> label={TEXT.issuer} render={(i) => `${i.issuer.name}, ${i.issuer.address}`} />
        <FunctionField<Invoice> label={TEXT.issuerVat} render={(i) => i.issuer.vat_number ?? ""} />
        <FunctionField<Invoice>
          label={TEXT.payer}
          render={(i) => [i.payer.name, i.payer.address, i.payer.vat_number].filter(Boolean).join(", ")}
        />
        <TextField source="payer_id" label={TEXT.payerId} />
        <FunctionField<Invoice> label={TEXT.issued} render={(i) => formatDateTime(i.issued_at)} />
        <FunctionField<Invoice> label={TEXT.dueDate} render={(i) => i.due_date ?? ""} />
        <FunctionField<Invoice> label={TEXT.total} render={(i) => formatMoney(i.total, i.currency)} />
        <FunctionField<Invoice> label={TEXT.due} render={(i) => formatMoney(i.amount_due, i.currency)} />
        <FunctionField<Invoice> label={TEXT.paid} render={(i) => formatDateTime(i.paid_at)} />
        <FunctionField<Invoice> label={TEXT.paidBy} render={(i) => <TransactionLink id={i.paid_transaction_id} />} />
        <FunctionField<Invoice> label={TEXT.pending} render={(i) => <TransactionLink id={i.pending_transaction_id} />} />
        <FunctionField<Invoice> label={TEXT.voided} render={(i) => formatDateTime(i.voided_at)} />
        <TextField source="void_reason" label={TEXT.voidReason} emptyText="" />
      </SimpleShowLayout>
      <Details />
    </Show>
  );
}
