import {
  Alert,
  Box,
  Button,
  Card,
  CardContent,
  MenuItem,
  Stack,
  TextField,
  Typography,
} from "@mui/material";
import { useId, useState } from "react";
import { errorMessage } from "../api/client";
import { formatDateTime } from "../format";
import { Can } from "../permissions";
import { saveDownload } from "../shared/files";
import { AUDIT_EXPORT, type AuditExport, type ExportFormat, type VerificationResult, exportAuditLog, verifyAudit } from "./auditApi";
import { DetailList } from "../shared/Details";

const TEXT = {
  heading: "Export and verify",
  help:
    "Exports a run of the hash chain with its signed manifest. Verification re-hashes the chain on the server " +
    "and checks the downloaded export against its manifest in this browser.",
  format: "Export format",
  jsonl: "JSON Lines",
  csv: "CSV",
  fromSeq: "From sequence",
  toSeq: "To sequence (empty: the latest)",
  export: "Export audit log",
  exporting: "Exporting…",
  verify: "Verify audit log",
  verifying: "Verifying…",
  exportHeading: "Last export",
  file: "File",
  exportId: "Export id",
  sha256: "SHA-256 (computed in this browser)",
  unavailable: "not available in this browser",
  entries: "Entries",
  range: "Sequence range",
  manifestSha: "Manifest SHA-256",
  lastHash: "Last hash",
  checkpoints: "Signed checkpoints",
  generated: "Generated",
  noManifest: "No manifest",
  verification: "Verification",
  notRun: "Not verified yet.",
  problems: "Problems found",
  seq: "Entry",
  reason: "Reason",
};

function seqValue(text: string): number | undefined {
  return /^\d+$/.test(text.trim()) ? Number(text.trim()) : undefined; // a sequence number, not money
}

function ExportFacts({ exported }: { exported: AuditExport }) {
  const manifest = exported.manifest;
  const mono = { fontFamily: "monospace", wordBreak: "break-all" } as const;
  return (
    <DetailList>
      <dt>{TEXT.file}</dt>
      <dd>{exported.file.filename}</dd>
      <dt>{TEXT.exportId}</dt>
      <dd style={mono}>{exported.exportId ?? "—"}</dd>
      <dt>{TEXT.sha256}</dt>
      <dd style={mono}>{exported.sha256 ?? TEXT.unavailable}</dd>
      {manifest ? (
        <>
          <dt>{TEXT.manifestSha}</dt>
          <dd style={mono}>{manifest.data_sha256}</dd>
          <dt>{TEXT.entries}</dt>
          <dd>{manifest.count}</dd>
          <dt>{TEXT.range}</dt>
          <dd>
            {manifest.first_seq}–{manifest.last_seq}
          </dd>
          <dt>{TEXT.lastHash}</dt>
          <dd style={mono}>{manifest.last_hash}</dd>
          <dt>{TEXT.checkpoints}</dt>
          <dd>{manifest.checkpoints.length}</dd>
          <dt>{TEXT.generated}</dt>
          <dd>{formatDateTime(manifest.generated_at)}</dd>
        </>
      ) : (
        <>
          <dt>{TEXT.noManifest}</dt>
          <dd>{exported.manifestError ?? "—"}</dd>
        </>
      )}
    </DetailList>
  );
}

function VerificationProblems({ result }: { result: VerificationResult }) {
  const id = useId();
  if (result.ok || result.problems.length === 0) return null;
  return (
    <Box component="section" aria-labelledby={id} sx={{ mt: 1 }}>
      <Typography id={id} variant="subtitle2" component="h4">
        {TEXT.problems}
      </Typography>
      <Box component="ul" sx={{ mt: 0 }}>
        {result.problems.slice(0, 20).map((p, index) => (
          <li key={`${p.seq}-${index}`}>
            {p.seq === null ? p.reason : `${TEXT.seq} #${p.seq}: ${p.reason}`}
          </li>
        ))}
      </Box>
    </Box>
  );
}

/** Export the chain (saved as a file), then verify: on the server and the file in the browser. */
export function AuditExportPanel() {
  const headingId = useId();
  const [format, setFormat] = useState<ExportFormat>("jsonl");
  const [fromSeq, setFromSeq] = useState("");
  const [toSeq, setToSeq] = useState("");
  const [exported, setExported] = useState<AuditExport | null>(null);
  const [result, setResult] = useState<VerificationResult | null>(null);
  const [busy, setBusy] = useState<"export" | "verify" | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function verify(current: AuditExport | null) {
    setBusy("verify");
    setResult(null);
    try {
      setResult(await verifyAudit(current));
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(null);
    }
  }

  async function runExport() {
    setBusy("export");
    setError(null);
    setResult(null);
    let current: AuditExport;
    try {
      current = await exportAuditLog({ format, fromSeq: seqValue(fromSeq), toSeq: seqValue(toSeq) });
      saveDownload(current.file);
      setExported(current);
    } catch (failure) {
      setError(errorMessage(failure)); // e.g. archived entries: export from a later sequence
      setBusy(null);
      return;
    }
    await verify(current); // every export is checked at once; "Verify audit log" re-checks
  }

  return (
    <Card sx={{ mb: 2 }}>
      <CardContent>
        <Typography id={headingId} variant="h6" component="h2">
          {TEXT.heading}
        </Typography>
        <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
          {TEXT.help}
        </Typography>
        <Stack direction={{ xs: "column", md: "row" }} spacing={2} alignItems={{ md: "center" }} useFlexGap flexWrap="wrap">
          <TextField
            select
            size="small"
            label={TEXT.format}
            value={format}
            onChange={(e) => setFormat(e.target.value as ExportFormat)}
            sx={{ minWidth: 160 }}
          >
            <MenuItem value="jsonl">{TEXT.jsonl}</MenuItem>
            <MenuItem value="csv">{TEXT.csv}</MenuItem>
          </TextField>
          <TextField
            size="small"
            label={TEXT.fromSeq}
            value={fromSeq}
            onChange={(e) => setFromSeq(e.target.value)}
            slotProps={{ htmlInput: { inputMode: "numeric", pattern: "[0-9]*" } }}
          />
          <TextField
            size="small"
            label={TEXT.toSeq}
            value={toSeq}
            onChange={(e) => setToSeq(e.target.value)}
            slotProps={{ htmlInput: { inputMode: "numeric", pattern: "[0-9]*" } }}
          />
          <Button variant="contained" disabled={busy !== null} onClick={runExport} sx={{ whiteSpace: "nowrap", flexShrink: 0 }}>
            {busy === "export" ? TEXT.exporting : TEXT.export}
          </Button>
          <Button variant="outlined" disabled={busy !== null} onClick={() => verify(exported)} sx={{ whiteSpace: "nowrap", flexShrink: 0 }}>
            {busy === "verify" ? TEXT.verifying : TEXT.verify}
          </Button>
        </Stack>
        {error && (
          <Alert severity="error" role="alert" sx={{ mt: 2 }}>
            {error}
          </Alert>
        )}
        {exported && (
          <Box component="section" aria-label={TEXT.exportHeading} sx={{ mt: 2 }}>
            <Typography variant="subtitle1" component="h3">
              {TEXT.exportHeading}
            </Typography>
            <ExportFacts exported={exported} />
          </Box>
        )}
        <Typography variant="subtitle1" component="h3" sx={{ mt: 2 }}>
          {TEXT.verification}
        </Typography>
        <Box role="status" aria-live="polite" aria-atomic="true">
          {busy === "verify" ? (
            <Typography>{TEXT.verifying}</Typography>
          ) : result ? (
            <Alert severity={result.ok ? "success" : "error"} role="none">
              {result.summary}
            </Alert>
          ) : (
            <Typography color="text.secondary">{TEXT.notRun}</Typography>
          )}
        </Box>
        {result && <VerificationProblems result={result} />}
      </CardContent>
    </Card>
  );
}

/** The panel, for callers holding audit:export (the API refuses the others anyway). */
export function AuditExportSection() {
  return (
    <Can permission={AUDIT_EXPORT}>
      <AuditExportPanel />
    </Can>
  );
}
