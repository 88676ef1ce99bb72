import { MenuItem, TextField as MuiTextField, Stack, Typography } from "@mui/material";
import { useState } from "react";
import { FunctionField, Link, ReferenceManyField, Show, SimpleShowLayout, TextField, useRecordContext } from "react-admin";
import type { Wallet } from "../api/types";
import { formatDateTime } from "../format";
import { formatMoney } from "../money";
import { useShowError } from "../shared/showError";
import { dayEnd, dayStart } from "../shared/dates";
import { DownloadButton } from "../shared/files";
import { TransactionGrid } from "../shared/transactions";

const TEXT = {
  title: "Wallet",
  id: "Wallet ID",
  currency: "Currency",
  status: "Status",
  address: "Address",
  opened: "Opened",
  balance: "Balance",
  available: "Available",
  held: "Held",
  recent: "Recent transactions",
  all: "All transactions of this wallet",
  none: "No transactions yet.",
  statement: "Statement",
  from: "Statement from",
  to: "Statement to",
  format: "Statement format",
  csv: "CSV",
  pdf: "PDF",
  download: "Download statement",
  hint: "Leave the dates empty for the whole history. Dates are days in Windhoek, both included.",
};

export type StatementFormat = "csv" | "pdf";

/** GET /wallets/{id}/statement?format=csv|pdf&from=&to= (from/to: instants with an offset). */
export function statementQuery(format: StatementFormat, from: string, to: string) {
  return { format, from: dayStart(from) || undefined, to: dayEnd(to) || undefined };
}

function Statement() {
  const wallet = useRecordContext<Wallet>();
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [format, setFormat] = useState<StatementFormat>("pdf");
  if (!wallet) return null;
  return (
    <Stack spacing={2} component="section" aria-labelledby="statement-heading">
      <Typography variant="h6" component="h2" id="statement-heading">
        {TEXT.statement}
      </Typography>
      <Stack direction={{ xs: "column", sm: "row" }} spacing={2} alignItems="flex-start">
        <MuiTextField
          size="small"
          type="date"
          label={TEXT.from}
          value={from}
          onChange={(event) => setFrom(event.target.value)}
          slotProps={{ inputLabel: { shrink: true } }}
        />
        <MuiTextField
          size="small"
          type="date"
          label={TEXT.to}
          value={to}
          onChange={(event) => setTo(event.target.value)}
          slotProps={{ inputLabel: { shrink: true } }}
        />
        <MuiTextField
          size="small"
          select
          label={TEXT.format}
          value={format}
          onChange={(event) => setFormat(event.target.value as StatementFormat)}
          sx={{ minWidth: 160 }}
        >
          <MenuItem value="pdf">{TEXT.pdf}</MenuItem>
          <MenuItem value="csv">{TEXT.csv}</MenuItem>
        </MuiTextField>
        <div>
          <DownloadButton
            variant="contained"
            path={`/wallets/${encodeURIComponent(String(wallet.id))}/statement`}
            query={statementQuery(format, from, to)}
            label={TEXT.download}
          />
        </div>
      </Stack>
      <Typography variant="body2" color="text.secondary">
        {TEXT.hint}
      </Typography>
    </Stack>
  );
}

function RecentTransactions() {
  const wallet = useRecordContext<Wallet>();
  if (!wallet) return null;
  const all = `/transactions?filter=${encodeURIComponent(JSON.stringify({ wallet_id: wallet.id }))}`;
  return (
    <Stack spacing={1} component="section" aria-labelledby="recent-heading">
      <Typography variant="h6" component="h2" id="recent-heading">
        {TEXT.recent}
      </Typography>
      <ReferenceManyField reference="transactions" target="wallet_id" perPage={10} empty={<Typography>{TEXT.none}</Typography>}>
        <TransactionGrid />
      </ReferenceManyField>
      <Link to={all}>{TEXT.all}</Link>
    </Stack>
  );
}

/** A wallet's balances (read-only), its recent transactions and its statement. */
export function WalletShow() {
  const onError = useShowError("wallets");
  return (
    <Show<Wallet> resource="wallets" title={TEXT.title} queryOptions={{ onError }}>
      <SimpleShowLayout>
        <TextField source="id" label={TEXT.id} />
        <TextField source="currency" label={TEXT.currency} />
        <TextField source="status" label={TEXT.status} />
        <TextField source="address" label={TEXT.address} emptyText="" />
        <FunctionField<Wallet> label={TEXT.opened} render={(w) => formatDateTime(w.created_at)} />
        <FunctionField<Wallet> label={TEXT.balance} render={(w) => formatMoney(w.balance, w.currency)} />
        <FunctionField<Wallet> label={TEXT.available} render={(w) => formatMoney(w.available_balance, w.currency)} />
        <FunctionField<Wallet> label={TEXT.held} render={(w) => formatMoney(w.held, w.currency)} />
      </SimpleShowLayout>
      <Stack spacing={4} sx={{ p: 2 }}>
        <RecentTransactions />
        <Statement />
      </Stack>
    </Show>
  );
}
