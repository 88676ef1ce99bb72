import {
  Alert,
  Box,
  Button,
  Card,
  CardContent,
  CircularProgress,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from "@mui/material";
import { useId, useState } from "react";
import { Title, useGetOne } from "react-admin";
import { Link as RouterLink, useParams } from "react-router-dom";
import { errorMessage } from "../api/client";
import type { SettlementBatch } from "../api/types";
import { formatDateTime } from "../format";
import { formatMoney } from "../money";
import { Can } from "../permissions";
import { saveDownload } from "../reports/files";
import { BATCHES, type BatchItem, SETTLE_PERMISSION, exportBatch, exportItems } from "./batches";

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
    <Box sx={{ mt: 1 }}>
      <Title title={TEXT.title} />
      <Button component={RouterLink} to="/settlement" size="small" sx={{ color: "primary.dark" }}>
        {TEXT.back}
      </Button>
      {isPending && <CircularProgress aria-label={TEXT.loading} />}
      {error && <Alert severity="error">{(error as Error).message}</Alert>}
      {batch && <BatchDetails batch={batch} />}
    </Box>
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
        <Box component="dl" sx={{ display: "grid", gridTemplateColumns: "max-content 1fr", columnGap: 2, m: 0, "& dd": { m: 0 } }}>
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
        </Box>
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
                <TableHead>
                  <TableRow>
                    {[TEXT.transaction, TEXT.type, TEXT.amount, TEXT.completedAt, TEXT.reference].map((label) => (
                      <TableCell key={label} component="th" scope="col" align={label === TEXT.amount ? "right" : "left"}>
                        {label}
                      </TableCell>
                    ))}
                  </TableRow>
                </TableHead>
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
