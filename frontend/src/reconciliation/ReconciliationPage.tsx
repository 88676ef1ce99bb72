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
import { type FormEvent, useId, useState } from "react";
import { Datagrid, FunctionField, List, NumberField, TextField, useRefresh } from "react-admin";
import { useNavigate } from "react-router-dom";
import { errorMessage } from "../api/client";
import type { ReconciliationRun } from "../api/types";
import { formatDateTime } from "../format";
import { Can } from "../permissions";
import { type MalformedLine, RECONCILE_PERMISSION, RUNS, malformedLines, uploadStatement } from "./upload";

const TEXT = {
  title: "Reconciliation",
  uploadHeading: "Reconcile a bank statement",
  uploadHelp: "CSV, UTF-8, with the header: date, reference, amount, currency.",
  file: "Bank statement (CSV)",
  upload: "Upload statement",
  uploading: "Uploading…",
  malformed: "Malformed lines",
  line: "Line",
  problem: "Problem",
  created: "Uploaded",
  period: "Statement period",
  fileName: "File",
  lines: "Lines",
  matched: "Matched",
  missingInLedger: "Missing in ledger",
  missingInBank: "Missing in bank",
};

/** Upload a statement; a refused file lists its malformed lines (no run is stored then). */
export function StatementUpload() {
  const id = useId();
  const navigate = useNavigate();
  const refresh = useRefresh();
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [malformed, setMalformed] = useState<MalformedLine[] | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(null);
    setMalformed(null);
    try {
      const run = await uploadStatement(file);
      refresh();
      navigate(`/reconciliation/${encodeURIComponent(run.id)}`);
    } catch (failure) {
      setError(errorMessage(failure));
      setMalformed(malformedLines(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card sx={{ mb: 2 }}>
      <CardContent>
        <Typography variant="h6" component="h2" gutterBottom>
          {TEXT.uploadHeading}
        </Typography>
        <Box component="form" onSubmit={submit} noValidate>
          <Stack direction={{ xs: "column", sm: "row" }} spacing={2} alignItems={{ sm: "center" }}>
            <Box>
              <Typography component="label" htmlFor={`${id}-file`} variant="body2" sx={{ display: "block", mb: 0.5 }}>
                {TEXT.file}
              </Typography>
              <input
                id={`${id}-file`}
                name="file"
                type="file"
                accept=".csv,text/csv"
                aria-describedby={`${id}-help`}
                onChange={(event) => setFile(event.target.files?.[0] ?? null)}
              />
              <Typography id={`${id}-help`} variant="caption" color="text.secondary" sx={{ display: "block" }}>
                {TEXT.uploadHelp}
              </Typography>
            </Box>
            <Button type="submit" variant="contained" disabled={!file || busy}>
              {busy ? TEXT.uploading : TEXT.upload}
            </Button>
          </Stack>
        </Box>
        {error && (
          <Alert severity="error" sx={{ mt: 2 }}>
            {error}
          </Alert>
        )}
        {malformed && <MalformedLines lines={malformed} />}
      </CardContent>
    </Card>
  );
}

export function MalformedLines({ lines }: { lines: MalformedLine[] }) {
  const id = useId();
  return (
    <Box component="section" aria-labelledby={id} sx={{ mt: 2 }}>
      <Typography id={id} variant="subtitle1" component="h3">
        {TEXT.malformed}
      </Typography>
      <Table size="small" aria-labelledby={id}>
        <TableHead>
          <TableRow>
            <TableCell component="th" scope="col">
              {TEXT.line}
            </TableCell>
            <TableCell component="th" scope="col">
              {TEXT.problem}
            </TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {lines.map((row, index) => (
            <TableRow key={`${row.line}-${index}`}>
              <TableCell>{row.line}</TableCell>
              <TableCell>{row.message}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Box>
  );
}

/** GET /reconciliation/runs: newest first, with their counts. */
export function ReconciliationPage() {
  return (
    <>
      <Can permission={RECONCILE_PERMISSION}>
        <StatementUpload />
      </Can>
      <List<ReconciliationRun> empty={false}
        resource={RUNS}
        title={TEXT.title}
        perPage={25}
        exporter={false}
        storeKey="reconciliation-runs"
        disableSyncWithLocation
      >
        <Datagrid bulkActionButtons={false} rowClick={(id) => `/reconciliation/${encodeURIComponent(String(id))}`}>
          <FunctionField<ReconciliationRun> sortable={false} label={TEXT.created} render={(run) => formatDateTime(run.created_at)} />
          <FunctionField<ReconciliationRun> sortable={false} label={TEXT.period} render={(run) => `${run.statement_from} – ${run.statement_to}`} />
          <TextField sortable={false} source="file_name" label={TEXT.fileName} emptyText="—" />
          <NumberField sortable={false} source="statement_lines" label={TEXT.lines} />
          <NumberField sortable={false} source="counts.matched" label={TEXT.matched} />
          <NumberField sortable={false} source="counts.unmatched_in_bank" label={TEXT.missingInLedger} />
          <NumberField sortable={false} source="counts.unmatched_in_ledger" label={TEXT.missingInBank} />
        </Datagrid>
      </List>
    </>
  );
}
