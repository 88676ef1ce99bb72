import {
  Alert,
  Box,
  Button,
  Card,
  CardContent,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from "@mui/material";
import { useId, useState } from "react";
import { useGetOne } from "react-admin";
import { useParams } from "react-router-dom";
import { errorMessage } from "../api/client";
import type { SettlementBatch } from "../api/types";
import { formatDateTime } from "../format";
import { formatMoney } from "../money";
import { Can } from "../permissions";
import { saveDownload } from "../shared/files";
import { BATCHES, type BatchItem, SETTLE_PERMISSION, exportBatch, exportItems } from "./batches";
import { DetailList } from "../shared/Details";
import { RecordPage } from "../shared/RecordPage";
import { TableHeader } from "../shared/TableHeader";

const TEXT = {
  title: "Settlement batch",
  back: "All settlement batches",
  loading: "Loading the batch",
  businessDate: "Business day",
  currency: "Currency",
  status: "Status",
  open: "Open",
  closed: "Closed",
  closedAt: "Closed at",
  closedBy: "Closed by",
  nightly: "the nightly job",
  totals: "Totals",
  kind: "Movement",
  count: "Count",
  total: "Total",
  deposits: "Deposits",
  withdrawals: "Withdrawals",
  net: "Net",
  download: "Download CSV",
  showItems: "Show items",
  items: "Items",
  none: "No settled movements.",
  transaction: "Transaction",
  type: "Type",
  amount: "Amount",
  completedAt: "Completed at",
  reference: "Reference",
};

/** GET /settlement/batches/{id}: its totals; its items and CSV from the export. */
export function BatchShow() {
  const { id = "" } = useParams();
  const { data: batch, isPending, error } = useGetOne<SettlementBatch>(BATCHES, { id });
  return (
    <RecordPage title={TEXT.title} back={TEXT.back} backTo="/settlement" loadingLabel={TEXT.loading} loading={isPending} error={error}>
      {batch && <BatchDetails batch={batch} />}
    </RecordPage>
  );
}

export function BatchDetails({ batch }: { batch: SettlementBatch }) {
  const totalsId = useId();
  const itemsId = useId();
  const [items, setItems] = useState<BatchItem[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function fetchExport(then: "save" | "show") {
    setBusy(true);
    setError(null);
    try {
      const file = await exportBatch(batch.id);
      if (then === "save") saveDownload(file);
      else setItems(exportItems(await file.blob.text()));
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  }

  const rows: [string, number, string][] = [
    [TEXT.deposits, batch.deposits_count, batch.deposits_total],
    [TEXT.withdrawals, batch.withdrawals_count, batch.withdrawals_total],
    [TEXT.net, batch.count, batch.net],
  ];
  return (
    <Card>
      <CardContent>
        <Typography variant="h6" component="h2">
          {batch.business_date} · {batch.currency}
        </Typography>
        <DetailList>
          <dt>{TEXT.status}</dt>
          <dd>{batch.status === "closed" ? TEXT.closed : TEXT.open}</dd>
          {batch.closed_at && (
            <>
              <dt>{TEXT.closedAt}</dt>
              <dd>{formatDateTime(batch.closed_at)}</dd>
              <dt>{TEXT.closedBy}</dt>
              <dd>{batch.closed_by ?? TEXT.nightly}</dd>
            </>
          )}
        </DetailList>
        <Typography id={totalsId} variant="h6" component="h2" sx={{ mt: 2 }}>
          {TEXT.totals}
        </Typography>
        <Table size="small" aria-labelledby={totalsId}>
          <TableHead>
            <TableRow>
              <TableCell component="th" scope="col">
                {TEXT.kind}
              </TableCell>
              <TableCell component="th" scope="col" align="right">
                {TEXT.count}
              </TableCell>
              <TableCell component="th" scope="col" align="right">
                {TEXT.total}
              </TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {rows.map(([label, count, amount]) => (
              <TableRow key={label}>
                <TableCell component="th" scope="row">
                  {label}
                </TableCell>
                <TableCell align="right">{count}</TableCell>
                <TableCell align="right">{formatMoney(amount, batch.currency)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
        <Can permission={SETTLE_PERMISSION}>
          <Stack direction="row" spacing={1} sx={{ mt: 2 }}>
            <Button variant="contained" disabled={busy} onClick={() => fetchExport("save")}>
              {TEXT.download}
            </Button>
            <Button variant="outlined" disabled={busy} onClick={() => fetchExport("show")}>
              {TEXT.showItems}
            </Button>
          </Stack>
        </Can>
        {error && (
          <Alert severity="error" role="alert" sx={{ mt: 2 }}>
            {error}
          </Alert>
        )}
        {items && (
          <Box component="section" aria-labelledby={itemsId} sx={{ mt: 2 }}>
            <Typography id={itemsId} variant="h6" component="h2">
              {TEXT.items} ({items.length})
            </Typography>
            {items.length === 0 ? (
              <Typography variant="body2">{TEXT.none}</Typography>
            ) : (
              <Table size="small">
                <TableHeader labels={[TEXT.transaction, TEXT.type, TEXT.amount, TEXT.completedAt, TEXT.reference]} right={[TEXT.amount]} />
                <TableBody>
                  {items.map((item) => (
                    <TableRow key={item.transaction_id}>
                      <TableCell>{item.transaction_id}</TableCell>
                      <TableCell>{item.type}</TableCell>
                      <TableCell align="right">{formatMoney(item.amount, item.currency || batch.currency)}</TableCell>
                      <TableCell>{formatDateTime(item.completed_at)}</TableCell>
                      <TableCell>{item.reference}</TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            )}
          </Box>
        )}
      </CardContent>
    </Card>
  );
}
