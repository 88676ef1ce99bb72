/** Record a review of a risk (POPIA s19(2)(c)-(d)): what was verified and, if it changed, the
 * reassessed scores. The API lets the risk's owner or staff with risk:manage do it. */
import { Button, MenuItem, TextField } from "@mui/material";
import { useState } from "react";
import { useGetIdentity, usePermissions } from "react-admin";
import { api } from "../api/client";
import type { Risk } from "../api/types";
import { type Permissions, can } from "../permissions";
import { ActionDialog } from "../shared/ActionDialog";
import { RISK_MANAGE } from "./RiskList";
import { IMPACT_LABEL, LEVELS, LIKELIHOOD_LABEL } from "./riskText";

const TEXT = {
  review: "Record review",
  title: "Record a review of this risk?",
  note: "What was verified and what changed",
  unchanged: "Unchanged",
  likelihood: "Inherent likelihood",
  impact: "Inherent impact",
  residualLikelihood: "Residual likelihood",
  residualImpact: "Residual impact",
  done: "Review recorded",
};

const FIELDS = [
  ["likelihood", TEXT.likelihood, LIKELIHOOD_LABEL],
  ["impact", TEXT.impact, IMPACT_LABEL],
  ["residual_likelihood", TEXT.residualLikelihood, LIKELIHOOD_LABEL],
  ["residual_impact", TEXT.residualImpact, IMPACT_LABEL],
] as const;

type Field = (typeof FIELDS)[number][0];

export function ReviewButton({ risk }: { risk: Risk }) {
  const { permissions } = usePermissions<Permissions>();
  const { identity } = useGetIdentity();
  const [open, setOpen] = useState(false);
  const [note, setNote] = useState("");
  const [scores, setScores] = useState<Partial<Record<Field, string>>>({});
  const owner = identity !== undefined && risk.owner_id !== null && String(identity.id) === risk.owner_id;
  if (!owner && !can(permissions, RISK_MANAGE)) return null;

  function body() {
    const sent: Record<string, unknown> = { note: note.trim() };
    for (const [field] of FIELDS) {
      const value = scores[field];
      if (value) sent[field] = Number.parseInt(value, 10);
    }
    return sent;
  }

  return (
    <>
      <Button onClick={() => setOpen(true)}>{TEXT.review}</Button>
      {open && (
        <ActionDialog
          title={TEXT.title}
          description={risk.title}
          confirmLabel={TEXT.review}
          done={TEXT.done}
          refresh
          ready={note.trim().length >= 3}
          onConfirm={() => api.data(`/risks/${encodeURIComponent(risk.id)}/reviews`, { method: "POST", body: body() })}
          onClose={() => setOpen(false)}
        >
          <TextField label={TEXT.note} value={note} onChange={(e) => setNote(e.target.value)} required multiline fullWidth slotProps={{ htmlInput: { maxLength: 4000 } }} />
          {FIELDS.map(([field, label, names]) => (
            <TextField
              key={field}
              select
              label={label}
              value={scores[field] ?? ""}
              onChange={(e) => setScores((s) => ({ ...s, [field]: e.target.value }))}
              fullWidth
            >
              <MenuItem value="">{TEXT.unchanged}</MenuItem>
              {LEVELS.map((n) => (
                <MenuItem key={n} value={String(n)}>
                  {`${n} – ${names[n]}`}
                </MenuItem>
              ))}
            </TextField>
          ))}
        </ActionDialog>
      )}
    </>
  );
}
