import {
  Box,
  Card,
  CardContent,
  Table,
  TableBody,
  TableCell,
  TableRow,
  Typography,
} from "@mui/material";
import { type ReactNode, useId } from "react";
import { useGetOne } from "react-admin";
import { useParams } from "react-router-dom";
import type { ReconciliationRun } from "../api/types";
import { formatDateTime } from "../format";
import { formatMoney } from "../money";
import { RUNS } from "./upload";
import { DetailList } from "../shared/Details";
import { RecordPage } from "../shared/RecordPage";
import { TableHeader } from "../shared/TableHeader";

const TEXT = {
  title: "Reconciliation run",
  back: "All reconciliation runs",
  loading: "Loading the run",
  statement: "Statement",
  period: "Period",
  lines: "Statement lines",
  sha256: "File SHA-256",
  uploaded: "Uploaded",
  matched: "Matched",
  missingInLedger: "Missing in ledger",
  missingInLedgerHelp: "Statement lines no ledger movement matched: the bank shows them, the ledger does not.",
  missingInBank: "Missing in bank",
  missingInBankHelp: "Ledger deposits and withdrawals the statement does not show.",
  none: "None.",
  line: "Line",
  date: "Date",
  ledgerDate: "Ledger date",
  reference: "Reference",
  amount: "Amount",
  type: "Type",
  transaction: "Transaction",
};

function Section({ title, help, count, children }: { title: string; help?: string; count: number; children: ReactNode }) {
  const id = useId();
  return (
    <Box component="section" aria-labelledby={id} sx={{ mt: 3 }}>
      <Typography id={id} variant="h6" component="h2">
        {title} ({count})
      </Typography>
      {help && (
        <Typography variant="body2" color="text.secondary">
          {help}
        </Typography>
      )}
      {count === 0 ? <Typography variant="body2">{TEXT.none}</Typography> : children}
    </Box>
  );
}

/** GET /reconciliation/runs/{id}: the run with its matched and unmatched lines. */
export function RunShow() {
  const { id = "" } = useParams();
  const { data: run, isPending, error } = useGetOne<ReconciliationRun & { id: string }>(RUNS, { id });
  return (
    <RecordPage title={TEXT.title} back={TEXT.back} backTo="/reconciliation" loadingLabel={TEXT.loading} loading={isPending} error={error}>
      {run && <RunDetails run={run} />}
    </RecordPage>
  );
}

export function RunDetails({ run }: { run: ReconciliationRun }) {
  const matched = run.matched ?? [];
  const inBank = run.unmatched_in_bank ?? [];
  const inLedger = run.unmatched_in_ledger ?? [];
  return (
    <Card>
      <CardContent>
        <Typography variant="h6" component="h2">
          {TEXT.statement}: {run.file_name ?? run.id}
        </Typography>
        <DetailList>
          <dt>{TEXT.period}</dt>
          <dd>
            {run.statement_from} – {run.statement_to}
          </dd>
          <dt>{TEXT.lines}</dt>
          <dd>{run.statement_lines}</dd>
          <dt>{TEXT.uploaded}</dt>
          <dd>{formatDateTime(run.created_at)}</dd>
          <dt>{TEXT.sha256}</dt>
          <dd style={{ wordBreak: "break-all", fontFamily: "monospace" }}>{run.file_sha256}</dd>
        </DetailList>
        <Section title={TEXT.matched} count={matched.length}>
          <Table size="small">
            <TableHeader labels={[TEXT.line, TEXT.date, TEXT.ledgerDate, TEXT.reference, TEXT.type, TEXT.amount, TEXT.transaction]} right={[TEXT.amount]} />
            <TableBody>
              {matched.map((m) => (
                <TableRow key={`${m.line}-${m.transaction_id}`}>
                  <TableCell>{m.line}</TableCell>
                  <TableCell>{m.date}</TableCell>
                  <TableCell>{m.ledger_date}</TableCell>
                  <TableCell>{m.reference}</TableCell>
                  <TableCell>{m.type}</TableCell>
                  <TableCell align="right">{formatMoney(m.amount, m.currency)}</TableCell>
                  <TableCell>{m.transaction_id}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Section>
        <Section title={TEXT.missingInLedger} help={TEXT.missingInLedgerHelp} count={inBank.length}>
          <Table size="small">
            <TableHeader labels={[TEXT.line, TEXT.date, TEXT.reference, TEXT.amount]} right={[TEXT.amount]} />
            <TableBody>
              {inBank.map((l) => (
                <TableRow key={l.line}>
                  <TableCell>{l.line}</TableCell>
                  <TableCell>{l.date}</TableCell>
                  <TableCell>{l.reference}</TableCell>
                  <TableCell align="right">{formatMoney(l.amount, l.currency)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Section>
        <Section title={TEXT.missingInBank} help={TEXT.missingInBankHelp} count={inLedger.length}>
          <Table size="small">
            <TableHeader labels={[TEXT.date, TEXT.reference, TEXT.type, TEXT.amount, TEXT.transaction]} right={[TEXT.amount]} />
            <TableBody>
              {inLedger.map((m) => (
                <TableRow key={m.transaction_id}>
                  <TableCell>{m.date}</TableCell>
                  <TableCell>{m.reference}</TableCell>
                  <TableCell>{m.type}</TableCell>
                  <TableCell align="right">{formatMoney(m.amount, m.currency)}</TableCell>
                  <TableCell>{m.transaction_id}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Section>
      </CardContent>
    </Card>
  );
}
