import { Alert, Button, Card, CardContent, Stack, Table, TableBody, TableCell, TableRow, Typography } from "@mui/material";
import { Title } from "react-admin";
import { Link } from "react-router-dom";
import type { AccessPolicy } from "../api/types";
import { formatDateTime } from "../format";
import { useCursorPage } from "../shared/cursor";
import { Pager } from "../shared/Pager";
import { TableHeader } from "../shared/TableHeader";

export const TEXT = {
  title: "Access policies",
  intro: "Policies are evaluated in this order after the role check; any deny refuses the action.",
  why: "Why was this refused?",
  position: "Order",
  name: "Policy",
  kind: "Kind",
  enabled: "Enabled",
  on: "On",
  off: "Off",
  params: "Parameters",
  updated: "Last changed",
  seeded: "Default",
  loading: "Loading…",
};

export const KIND_TEXT: Record<AccessPolicy["kind"], string> = {
  ownership: "Ownership",
  organization_scope: "Organisation scope",
  amount_threshold: "Amount threshold",
  segregation_of_duties: "Segregation of duties",
  business_hours: "Business hours",
  data_classification: "Data classification",
};

function params(policy: AccessPolicy): string {
  const entries = Object.entries(policy.params ?? {});
  return entries.length ? entries.map(([k, v]) => `${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`).join("; ") : "—";
}

/** GET /policies: the access policies (PBAC) in evaluation order. */
export function PolicyList() {
  const paged = useCursorPage<AccessPolicy>("/policies", {}, 100);
  return (
    <Card sx={{ mt: 2 }}>
      <Title title={TEXT.title} />
      <CardContent>
        <Stack direction="row" spacing={2} alignItems="center" sx={{ mb: 2 }}>
          <Typography variant="body2" sx={{ flex: 1 }}>
            {TEXT.intro}
          </Typography>
          <Button variant="contained" component={Link} to="/policies/why">
            {TEXT.why}
          </Button>
        </Stack>
        {paged.error && (
          <Alert severity="error" role="alert">
            {paged.error}
          </Alert>
        )}
        <Table size="small" aria-label={TEXT.title}>
          <TableHeader labels={[TEXT.position, TEXT.name, TEXT.kind, TEXT.enabled, TEXT.params, TEXT.updated]} />
          <TableBody>
            {paged.loading && !paged.rows.length && (
              <TableRow>
                <TableCell colSpan={6}>{TEXT.loading}</TableCell>
              </TableRow>
            )}
            {paged.rows.map((policy) => (
              <TableRow key={policy.name}>
                <TableCell>{policy.position}</TableCell>
                <TableCell>{policy.name}</TableCell>
                <TableCell>{KIND_TEXT[policy.kind] ?? policy.kind}</TableCell>
                <TableCell>{policy.enabled ? TEXT.on : TEXT.off}</TableCell>
                <TableCell sx={{ wordBreak: "break-word" }}>{params(policy)}</TableCell>
                <TableCell>{policy.updated_by ? formatDateTime(policy.updated_at) : TEXT.seeded}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
        <Pager paged={paged} />
      </CardContent>
    </Card>
  );
}
