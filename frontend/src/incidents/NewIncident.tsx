/** The form opening an incident (POST /incidents); its priority comes from impact x urgency. */
import { Alert, Button, Paper, Stack, TextField, Typography } from "@mui/material";
import { type ChangeEvent, type FormEvent, useState } from "react";
import { Title, useNotify } from "react-admin";
import { Link as RouterLink, useNavigate } from "react-router-dom";
import { api, errorMessage } from "../api/client";
import type { Incident } from "../api/types";
import { LEVELS, SEVERITY_LABEL, TYPE_LABEL } from "./labels";

const TEXT = {
  title: "New incident",
  back: "All incidents",
  type: "Type",
  chooseType: "Choose a type",
  titleField: "Title",
  description: "Description",
  impact: "Impact",
  urgency: "Urgency",
  severity: "Severity",
  severityFromPriority: "From the priority",
  affectedSystems: "Affected systems",
  dataCategories: "Personal information categories",
  commaSeparated: "Comma-separated, optional",
  affectedSubjects: "Affected data subjects",
  optionalCount: "Optional: how many people",
  submit: "Open incident",
  opened: "Incident opened",
};

function list(value: string): string[] {
  return value
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);
}

interface Draft {
  type: string;
  title: string;
  description: string;
  impact: string;
  urgency: string;
  severity: string;
  affected_systems: string;
  data_categories: string;
  affected_subjects: string;
}

/** The POST /incidents body from the form (optional fields left out when blank). */
export function incidentBody(draft: Draft): Record<string, unknown> {
  const body: Record<string, unknown> = {
    type: draft.type,
    title: draft.title.trim(),
    description: draft.description.trim(),
    impact: Number.parseInt(draft.impact, 10),
    urgency: Number.parseInt(draft.urgency, 10),
    affected_systems: list(draft.affected_systems),
    data_categories: list(draft.data_categories),
  };
  if (draft.severity) body.severity = draft.severity;
  if (draft.affected_subjects.trim()) body.affected_subjects = Number.parseInt(draft.affected_subjects, 10);
  return body;
}

export function NewIncident() {
  const navigate = useNavigate();
  const notify = useNotify();
  const [draft, setDraft] = useState<Draft>({
    type: "",
    title: "",
    description: "",
    impact: "2",
    urgency: "2",
    severity: "",
    affected_systems: "",
    data_categories: "",
    affected_subjects: "",
  });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (name: keyof Draft) => (event: ChangeEvent<HTMLInputElement>) => setDraft((d) => ({ ...d, [name]: event.target.value }));
  const native = { select: { native: true }, inputLabel: { shrink: true } };

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const incident = await api.data<Incident>("/incidents", { method: "POST", body: incidentBody(draft) });
      notify(TEXT.opened, { type: "success" });
      navigate(`/incidents/${incident.id}`);
    } catch (failure) {
      setError(errorMessage(failure));
      setBusy(false);
    }
  }

  return (
    <Stack spacing={2} sx={{ p: 2, maxWidth: 720 }}>
      <Title title={TEXT.title} />
      <RouterLink to="/incidents">{TEXT.back}</RouterLink>
      <Typography variant="h5" component="h1">
        {TEXT.title}
      </Typography>
      <Paper component="form" variant="outlined" sx={{ p: 2 }} onSubmit={submit} noValidate>
        <TextField select fullWidth margin="normal" required label={TEXT.type} value={draft.type} onChange={set("type")} slotProps={native}>
          <option value="" disabled>
            {TEXT.chooseType}
          </option>
          {Object.entries(TYPE_LABEL).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </TextField>
        <TextField
          fullWidth
          margin="normal"
          required
          label={TEXT.titleField}
          value={draft.title}
          onChange={set("title")}
          slotProps={{ htmlInput: { minLength: 3, maxLength: 200 } }}
        />
        <TextField
          fullWidth
          margin="normal"
          required
          multiline
          minRows={3}
          label={TEXT.description}
          value={draft.description}
          onChange={set("description")}
          slotProps={{ htmlInput: { maxLength: 8000 } }}
        />
        <Stack direction="row" spacing={2}>
          <TextField select fullWidth margin="normal" required label={TEXT.impact} value={draft.impact} onChange={set("impact")} slotProps={native}>
            {LEVELS.map((level) => (
              <option key={level.value} value={level.value}>
                {level.label}
              </option>
            ))}
          </TextField>
          <TextField select fullWidth margin="normal" required label={TEXT.urgency} value={draft.urgency} onChange={set("urgency")} slotProps={native}>
            {LEVELS.map((level) => (
              <option key={level.value} value={level.value}>
                {level.label}
              </option>
            ))}
          </TextField>
          <TextField select fullWidth margin="normal" label={TEXT.severity} value={draft.severity} onChange={set("severity")} slotProps={native}>
            <option value="">{TEXT.severityFromPriority}</option>
            {Object.entries(SEVERITY_LABEL).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </TextField>
        </Stack>
        <TextField fullWidth margin="normal" label={TEXT.affectedSystems} helperText={TEXT.commaSeparated} value={draft.affected_systems} onChange={set("affected_systems")} />
        <TextField fullWidth margin="normal" label={TEXT.dataCategories} helperText={TEXT.commaSeparated} value={draft.data_categories} onChange={set("data_categories")} />
        <TextField
          fullWidth
          margin="normal"
          type="number"
          label={TEXT.affectedSubjects}
          helperText={TEXT.optionalCount}
          value={draft.affected_subjects}
          onChange={set("affected_subjects")}
          slotProps={{ htmlInput: { min: 0, step: 1 } }}
        />
        {error && (
          <Alert severity="error" sx={{ my: 1 }}>
            {error}
          </Alert>
        )}
        <Button type="submit" variant="contained" disabled={busy || !draft.type || draft.title.trim().length < 3 || !draft.description.trim()}>
          {TEXT.submit}
        </Button>
      </Paper>
    </Stack>
  );
}
