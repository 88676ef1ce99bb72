import {
  Alert,
  Box,
  Button,
  Card,
  CardContent,
  Chip,
  Grid,
  MenuItem,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableRow,
  TextField,
  Typography,
} from "@mui/material";
import { type FormEvent, useState } from "react";
import { Title } from "react-admin";
import { Link, useSearchParams } from "react-router-dom";
import { type ApiClient, api, errorMessage } from "../api/client";
import type { PolicyDecision, PolicyEvaluation, PolicyEvaluationBody } from "../api/types";
import { TableHeader } from "../shared/TableHeader";

const TEXT = {
  title: "Why was this refused?",
  intro:
    "Replays an access decision: the role check, then every enabled policy in order, with each step's reason. A deny is recorded in the audit log.",
  back: "Back to policies",
  request: "The request",
  userId: "User ID",
  userIdHelp: "Whose access to check",
  action: "Action (permission)",
  actionHelp: "A permission name, e.g. payment:approve",
  resourceType: "Resource type",
  resourceTypeHelp: "e.g. payment",
  resourceId: "Resource ID",
  ownerId: "Owner ID",
  organizationId: "Organisation ID",
  makerId: "Maker ID",
  makerHelp: "Who created the resource (maker-checker)",
  classification: "Classification",
  amount: "Amount",
  amountHelp: "A decimal, e.g. 12500.00",
  currency: "Currency",
  at: "At (local time)",
  atHelp: "Empty: now",
  emergency: "Emergency reason",
  evaluate: "Evaluate",
  evaluating: "Evaluating…",
  decision: "Decision",
  allowed: "Allowed",
  denied: "Denied",
  reason: "Reason",
  approvalRequired: "Needs an approval",
  alert: "Raises an alert",
  override: "An emergency reason would allow it",
  trace: "Evaluation steps",
  step: "Step",
  policy: "Policy",
  effect: "Effect",
  requires: "Needs permission",
  flags: "Notes",
  effects: { allow: "Allow", deny: "Deny", not_applicable: "Not applicable" } as Record<PolicyDecision["effect"], string>,
};

const CLASSIFICATIONS = ["public", "internal", "confidential", "restricted"] as const;
type Classification = (typeof CLASSIFICATIONS)[number];
const CLASSIFICATION_TEXT: Record<Classification, string> = {
  public: "Public",
  internal: "Internal",
  confidential: "Confidential",
  restricted: "Restricted",
};

interface Form {
  user_id: string;
  action: string;
  type: string;
  id: string;
  owner_id: string;
  organization_id: string;
  maker_id: string;
  classification: Classification;
  amount: string;
  currency: string;
  at: string;
  emergency_reason: string;
}

const optional = (value: string) => (value.trim() ? value.trim() : null);

/** The POST /policies/evaluate body the form describes (empty fields left out). */
export function evaluationBody(form: Form): PolicyEvaluationBody {
  return {
    user_id: form.user_id.trim(),
    action: form.action.trim(),
    resource: {
      type: form.type.trim(),
      id: optional(form.id),
      owner_id: optional(form.owner_id),
      organization_id: optional(form.organization_id),
      classification: form.classification,
      maker_id: optional(form.maker_id),
      amount: optional(form.amount), // a decimal string, never a JS number
      currency: optional(form.currency)?.toUpperCase() ?? null,
    },
    at: form.at ? new Date(form.at).toISOString() : null,
    emergency_reason: optional(form.emergency_reason),
  };
}

export function evaluate(body: PolicyEvaluationBody, client: ApiClient = api): Promise<PolicyEvaluation> {
  return client.data<PolicyEvaluation>("/policies/evaluate", { method: "POST", body });
}

function flags(step: PolicyDecision): string {
  return [
    step.approval_required && TEXT.approvalRequired,
    step.alert && TEXT.alert,
    step.emergency_override && TEXT.override,
  ]
    .filter(Boolean)
    .join("; ");
}

/** A form for POST /policies/evaluate and the decision's trace, step by step. */
export function PolicyTrace() {
  const [search] = useSearchParams();
  const [form, setForm] = useState<Form>({
    user_id: search.get("user_id") ?? "",
    action: search.get("action") ?? "",
    type: search.get("type") ?? "",
    id: search.get("id") ?? "",
    owner_id: search.get("owner_id") ?? "",
    organization_id: search.get("organization_id") ?? "",
    maker_id: search.get("maker_id") ?? "",
    classification: (CLASSIFICATIONS as readonly string[]).includes(search.get("classification") ?? "")
      ? (search.get("classification") as Classification)
      : "internal",
    amount: search.get("amount") ?? "",
    currency: search.get("currency") ?? "",
    at: "",
    emergency_reason: "",
  });
  const [result, setResult] = useState<PolicyEvaluation | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const field = (name: keyof Form) => ({
    value: form[name],
    onChange: (event: { target: { value: string } }) => setForm((current) => ({ ...current, [name]: event.target.value })),
    fullWidth: true,
    size: "small" as const,
  });

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      setResult(await evaluate(evaluationBody(form)));
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card sx={{ mt: 2 }}>
      <Title title={TEXT.title} />
      <CardContent>
        <Stack direction="row" spacing={2} alignItems="center" sx={{ mb: 2 }}>
          <Typography variant="body2" sx={{ flex: 1 }}>
            {TEXT.intro}
          </Typography>
          <Button component={Link} to="/policies">
            {TEXT.back}
          </Button>
        </Stack>
        <Box component="form" onSubmit={submit} aria-label={TEXT.request} noValidate>
          <Grid container spacing={2}>
            <Grid size={{ xs: 12, md: 6 }}>
              <TextField label={TEXT.userId} helperText={TEXT.userIdHelp} required {...field("user_id")} />
            </Grid>
            <Grid size={{ xs: 12, md: 6 }}>
              <TextField label={TEXT.action} helperText={TEXT.actionHelp} required {...field("action")} />
            </Grid>
            <Grid size={{ xs: 12, md: 4 }}>
              <TextField label={TEXT.resourceType} helperText={TEXT.resourceTypeHelp} required {...field("type")} />
            </Grid>
            <Grid size={{ xs: 12, md: 4 }}>
              <TextField label={TEXT.resourceId} {...field("id")} />
            </Grid>
            <Grid size={{ xs: 12, md: 4 }}>
              <TextField select label={TEXT.classification} {...field("classification")}>
                {CLASSIFICATIONS.map((c) => (
                  <MenuItem key={c} value={c}>
                    {CLASSIFICATION_TEXT[c]}
                  </MenuItem>
                ))}
              </TextField>
            </Grid>
            <Grid size={{ xs: 12, md: 4 }}>
              <TextField label={TEXT.ownerId} {...field("owner_id")} />
            </Grid>
            <Grid size={{ xs: 12, md: 4 }}>
              <TextField label={TEXT.organizationId} {...field("organization_id")} />
            </Grid>
            <Grid size={{ xs: 12, md: 4 }}>
              <TextField label={TEXT.makerId} helperText={TEXT.makerHelp} {...field("maker_id")} />
            </Grid>
            <Grid size={{ xs: 12, md: 4 }}>
              <TextField label={TEXT.amount} helperText={TEXT.amountHelp} {...field("amount")} slotProps={{ htmlInput: { inputMode: "decimal" } }} />
            </Grid>
            <Grid size={{ xs: 12, md: 2 }}>
              <TextField label={TEXT.currency} {...field("currency")} slotProps={{ htmlInput: { maxLength: 3 } }} />
            </Grid>
            <Grid size={{ xs: 12, md: 6 }}>
              <TextField
                label={TEXT.at}
                helperText={TEXT.atHelp}
                type="datetime-local"
                {...field("at")}
                slotProps={{ inputLabel: { shrink: true } }}
              />
            </Grid>
            <Grid size={12}>
              <TextField label={TEXT.emergency} {...field("emergency_reason")} slotProps={{ htmlInput: { maxLength: 500 } }} />
            </Grid>
          </Grid>
          <Button
            type="submit"
            variant="contained"
            sx={{ mt: 2 }}
            disabled={busy || !form.user_id.trim() || !form.action.trim() || !form.type.trim()}
          >
            {busy ? TEXT.evaluating : TEXT.evaluate}
          </Button>
        </Box>
        {error && (
          <Alert severity="error" role="alert" sx={{ mt: 2 }}>
            {error}
          </Alert>
        )}
        {result && <Decision result={result} />}
      </CardContent>
    </Card>
  );
}

function Decision({ result }: { result: PolicyEvaluation }) {
  return (
    <Box component="section" aria-labelledby="policy-decision" sx={{ mt: 3 }}>
      <Typography id="policy-decision" variant="h6" component="h2">
        {TEXT.decision}
      </Typography>
      <Alert severity={result.allowed ? "success" : "error"} sx={{ my: 1 }}>
        <strong>{result.allowed ? TEXT.allowed : TEXT.denied}</strong>
        {" — "}
        {result.reason}
      </Alert>
      <Stack direction="row" spacing={1} sx={{ mb: 2 }}>
        {result.approval_required && <Chip label={TEXT.approvalRequired} />}
        {result.alert && <Chip label={TEXT.alert} />}
        {result.emergency_override && <Chip label={TEXT.override} />}
      </Stack>
      <Typography variant="subtitle1" component="h3">
        {TEXT.trace}
      </Typography>
      <Table size="small" aria-label={TEXT.trace}>
        <TableHeader labels={[TEXT.step, TEXT.policy, TEXT.effect, TEXT.reason, TEXT.requires, TEXT.flags]} />
        <TableBody>
          {result.trace.map((step, index) => (
            <TableRow key={`${index}-${step.policy}`}>
              <TableCell>{index + 1}</TableCell>
              <TableCell>{step.policy}</TableCell>
              <TableCell>
                <Typography
                  variant="body2"
                  component="span"
                  color={step.effect === "deny" ? "error" : step.effect === "allow" ? "success.dark" : "text.secondary"}
                  fontWeight={step.effect === "deny" ? 700 : 400}
                >
                  {TEXT.effects[step.effect]}
                </Typography>
              </TableCell>
              <TableCell>{step.reason}</TableCell>
              <TableCell>{step.required_permission ?? "—"}</TableCell>
              <TableCell>{flags(step) || "—"}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Box>
  );
}
