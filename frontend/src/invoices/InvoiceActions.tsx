import DeleteOutlineIcon from "@mui/icons-material/DeleteOutline";
import { Button, IconButton, Stack, TextField } from "@mui/material";
import { useState } from "react";
import type { Invoice } from "../api/types";
import { formatMoney } from "../money";
import { Can } from "../permissions";
import { ActionDialog } from "../shared/ActionDialog";
import { type LineInput, creditInvoice, issueInvoice, voidInvoice } from "./actions";

/** Issue, void and credit need invoice:manage (staff, or an issuer's owner); the API checks again. */
export const MANAGE_PERMISSION = "invoice:manage";

const TEXT = {
  issue: "Issue invoice",
  void: "Void invoice",
  credit: "Issue credit note",
  issueTitle: "Issue this invoice?",
  issueText: "It gets the next number of its issuer's series and becomes payable; it can no longer be edited.",
  voidTitle: "Void this invoice?",
  voidText: "A void invoice can no longer be paid. The reason is kept on the invoice.",
  creditTitle: "Issue a credit note for this invoice?",
  creditText: "Amounts exclude VAT; VAT is added at the invoice's rate. On a paid invoice the credit is refunded to the payer at once.",
  reason: "Reason",
  line: (n: number) => `Line ${n}`,
  description: (n: number) => `Line ${n} description`,
  quantity: (n: number) => `Line ${n} quantity`,
  unitPrice: (n: number) => `Line ${n} unit price (excl. VAT)`,
  remove: (n: number) => `Remove line ${n}`,
  addLine: "Add line",
  confirmIssue: "Issue now",
  confirmVoid: "Void now",
  confirmCredit: "Issue credit note now",
  issued: "Invoice issued",
  voided: "Invoice voided",
  credited: "Credit note issued",
};

type Action = "issue" | "void" | "credit";

const EMPTY_LINE: LineInput = { description: "", quantity: "1", unit_price: "" };

export function InvoiceActions({ invoice }: { invoice: Invoice }) {
  const [open, setOpen] = useState<Action | null>(null);
  const canIssue = invoice.status === "draft";
  const canVoid = invoice.status === "draft" || invoice.status === "issued";
  const canCredit = invoice.status === "issued" || invoice.status === "paid";
  if (!canIssue && !canVoid && !canCredit) return null;
  return (
    <Can permission={MANAGE_PERMISSION}>
      <Stack direction="row" spacing={1}>
        {canIssue && (
          <Button variant="contained" onClick={() => setOpen("issue")}>
            {TEXT.issue}
          </Button>
        )}
        {canCredit && (
          <Button variant="outlined" onClick={() => setOpen("credit")}>
            {TEXT.credit}
          </Button>
        )}
        {canVoid && (
          <Button variant="outlined" color="error" onClick={() => setOpen("void")}>
            {TEXT.void}
          </Button>
        )}
      </Stack>
      {open && <InvoiceActionDialog invoice={invoice} action={open} onClose={() => setOpen(null)} />}
    </Can>
  );
}

function InvoiceActionDialog({ invoice, action, onClose }: { invoice: Invoice; action: Action; onClose: () => void }) {
  const [lines, setLines] = useState<LineInput[]>([{ ...EMPTY_LINE }]);
  const linesReady = lines.every((l) => l.description.trim() && l.quantity.trim() && l.unit_price.trim());

  function setLine(index: number, field: keyof LineInput, value: string) {
    setLines((current) => current.map((line, i) => (i === index ? { ...line, [field]: value } : line)));
  }

  async function send(reason: string) {
    if (action === "issue") await issueInvoice(invoice.id);
    else if (action === "void") await voidInvoice(invoice.id, reason);
    else {
      const sent = lines.map((l) => ({ description: l.description.trim(), quantity: l.quantity.trim(), unit_price: l.unit_price.trim() }));
      await creditInvoice(invoice.id, sent, reason);
    }
  }

  const title = { issue: TEXT.issueTitle, void: TEXT.voidTitle, credit: TEXT.creditTitle }[action];
  const text = { issue: TEXT.issueText, void: TEXT.voidText, credit: TEXT.creditText }[action];
  const confirmLabel = { issue: TEXT.confirmIssue, void: TEXT.confirmVoid, credit: TEXT.confirmCredit }[action];
  const done = { issue: TEXT.issued, void: TEXT.voided, credit: TEXT.credited }[action];

  return (
    <ActionDialog
      title={title}
      description={`${invoice.number ?? invoice.id} · ${formatMoney(invoice.total, invoice.currency)} · ${text}`}
      confirmLabel={confirmLabel}
      reasonLabel={action === "issue" ? undefined : TEXT.reason}
      reasonRequired
      ready={action !== "credit" || linesReady}
      danger={action === "void"}
      maxWidth={action === "credit" ? "md" : "sm"}
      done={done}
      refresh
      onConfirm={({ reason }) => send(reason)} // a refusal (state conflict, credit above the invoice) stays shown
      onClose={onClose}
    >
      {action === "credit" &&
        lines.map((line, index) => {
          const n = index + 1;
          return (
            <Stack
              key={n}
              direction={{ xs: "column", sm: "row" }}
              spacing={1}
              alignItems="center"
              sx={{ mt: 2 }}
              role="group"
              aria-label={TEXT.line(n)}
            >
              <TextField
                size="small"
                required
                label={TEXT.description(n)}
                value={line.description}
                onChange={(e) => setLine(index, "description", e.target.value)}
                sx={{ flex: 2 }}
              />
              <TextField
                size="small"
                required
                label={TEXT.quantity(n)}
                value={line.quantity}
                onChange={(e) => setLine(index, "quantity", e.target.value)}
                slotProps={{ htmlInput: { inputMode: "decimal" } }}
                sx={{ flex: 1 }}
              />
              <TextField
                size="small"
                required
                label={TEXT.unitPrice(n)}
                value={line.unit_price}
                onChange={(e) => setLine(index, "unit_price", e.target.value)}
                slotProps={{ htmlInput: { inputMode: "decimal" } }}
                sx={{ flex: 1 }}
              />
              <IconButton
                aria-label={TEXT.remove(n)}
                disabled={lines.length === 1}
                onClick={() => setLines((current) => current.filter((_, i) => i !== index))}
              >
                <DeleteOutlineIcon />
              </IconButton>
            </Stack>
          );
        })}
      {action === "credit" && (
        <Button sx={{ mt: 1 }} onClick={() => setLines((current) => [...current, { ...EMPTY_LINE }])}>
          {TEXT.addLine}
        </Button>
      )}
    </ActionDialog>
  );
}
