/**
 * One incident: its details, the status actions its state machine allows (acknowledge from
 * open; investigate from open or acknowledged; resolve while active, with a root cause or a
 * resolution note; close once resolved), an edit of its details (PATCH), its timeline with
 * "Add note", and the POPIA s22 breach-notification panel. Changes need incident:manage; the
 * API refuses them otherwise.
 */
import {
  Alert,
  Box,
  Button,
  Chip,
  DialogContentText,
  List,
  ListItem,
  ListItemText,
  Paper,
  Stack,
  TextField,
  Typography,
} from "@mui/material";
import { type ChangeEvent, useState } from "react";
import { Title, useNotify } from "react-admin";
import { Link as RouterLink, useParams } from "react-router-dom";
import { api, errorMessage } from "../api/client";
import type { Incident } from "../api/types";
import { formatDateTime } from "../format";
import { Can } from "../permissions";
import { useNow } from "./BreachClock";
import { BreachPanel, MANAGE } from "./BreachPanel";
import { LEVELS, SEVERITY_LABEL, STATUS_LABEL, TYPE_LABEL } from "./labels";
import { ActionDialog } from "../shared/ActionDialog";
import { useApiGet } from "../shared/useLoaded";
import { Detail, DetailList } from "../shared/Details";

const TEXT = {
  back: "All incidents",
  loading: "Loading…",
  priority: (p: string) => `Priority ${p}`,
  status: "Status",
  type: "Type",
  severity: "Severity",
  source: "Source",
  impactUrgency: "Impact / urgency",
  owner: "Owner",
  nobody: "Nobody",
  reportedBy: "Reported by",
  opened: "Opened",
  affectedSystems: "Affected systems",
  dataCategories: "Personal information categories",
  affectedSubjects: "Affected data subjects",
  rootCause: "Root cause",
  remediation: "Remediation",
  postIncidentActions: "Post-incident actions",
  resolutionNote: "Resolution note",
  description: "Description",
  none: "—",
  actions: "Actions",
  noActions: "No status change is open from here.",
  edit: "Edit details",
  editTitle: "Edit the incident's details",
  titleField: "Title",
  impact: "Impact",
  urgency: "Urgency",
  save: "Save",
  back2: "Back",
  timeline: "Timeline",
  note: "Note",
  addNote: "Add note",
  noteAdded: "Note added",
  saved: "Incident updated",
  done: (label: string) => `${label}: done`,
  actionsText: {
    acknowledge: { button: "Acknowledge", question: "Acknowledge this incident?" },
    investigate: { button: "Investigate", question: "Start investigating this incident?" },
    resolve: { button: "Resolve", question: "Resolve this incident?" },
    close: { button: "Close incident", question: "Close this incident?" },
  },
  closeNote: "Closing note (optional)",
  resolveHelp: "Give the root cause or a resolution note.",
};

export type IncidentAction = keyof typeof TEXT.actionsText;

/** What the API's state machine allows from each status (domain/incidents.py). */
export function allowedActions(status: Incident["status"]): IncidentAction[] {
  switch (status) {
    case "open":
      return ["acknowledge", "investigate", "resolve"];
    case "acknowledged":
      return ["investigate", "resolve"];
    case "investigating":
      return ["resolve"];
    case "resolved":
      return ["close"];
    case "closed":
      return [];
  }
}


function IncidentActionDialog({
  incident,
  action,
  onClose,
  onDone,
}: {
  incident: Incident;
  action: IncidentAction;
  onClose: () => void;
  onDone: (updated: Incident) => void;
}) {
  const [rootCause, setRootCause] = useState(incident.root_cause ?? "");
  const [note, setNote] = useState("");
  const ready = action !== "resolve" || rootCause.trim() !== "" || note.trim() !== "";

  function body(): Record<string, string> | undefined {
    if (action === "resolve") {
      return { ...(rootCause.trim() ? { root_cause: rootCause.trim() } : {}), ...(note.trim() ? { note: note.trim() } : {}) };
    }
    if (action === "close") return note.trim() ? { note: note.trim() } : {};
    return undefined;
  }

  return (
    <ActionDialog
      title={TEXT.actionsText[action].question}
      description={incident.title}
      confirmLabel={TEXT.actionsText[action].button}
      cancelLabel={TEXT.back2}
      ready={ready}
      onConfirm={async () => {
        onDone(await api.data<Incident>(`/incidents/${encodeURIComponent(incident.id)}/${action}`, { method: "POST", body: body() }));
      }}
      onClose={onClose}
    >
      {action === "resolve" && (
        <>
          <DialogContentText>{TEXT.resolveHelp}</DialogContentText>
          <TextField fullWidth multiline minRows={2} label={TEXT.rootCause} value={rootCause} onChange={(e) => setRootCause(e.target.value)} />
          <TextField fullWidth multiline minRows={2} label={TEXT.resolutionNote} value={note} onChange={(e) => setNote(e.target.value)} />
        </>
      )}
      {action === "close" && (
        <TextField fullWidth multiline minRows={2} label={TEXT.closeNote} value={note} onChange={(e) => setNote(e.target.value)} />
      )}
    </ActionDialog>
  );
}

const EDITABLE = ["title", "description", "severity", "impact", "urgency", "root_cause", "remediation", "post_incident_actions"] as const;
type Editable = (typeof EDITABLE)[number];

/** The PATCH body: only the fields that changed. */
export function editChanges(incident: Incident, form: Record<Editable, string>): Record<string, string | number> {
  const changes: Record<string, string | number> = {};
  for (const name of EDITABLE) {
    const value = form[name].trim();
    if (name === "impact" || name === "urgency") {
      if (Number.parseInt(value, 10) !== incident[name]) changes[name] = Number.parseInt(value, 10);
    } else if (value !== (incident[name] ?? "")) {
      changes[name] = value;
    }
  }
  return changes;
}

function EditDialog({ incident, onClose, onDone }: { incident: Incident; onClose: () => void; onDone: (i: Incident) => void }) {
  const [form, setForm] = useState<Record<Editable, string>>({
    title: incident.title,
    description: incident.description,
    severity: incident.severity,
    impact: String(incident.impact),
    urgency: String(incident.urgency),
    root_cause: incident.root_cause ?? "",
    remediation: incident.remediation ?? "",
    post_incident_actions: incident.post_incident_actions ?? "",
  });
  const set = (name: Editable) => (event: ChangeEvent<HTMLInputElement>) => setForm((f) => ({ ...f, [name]: event.target.value }));
  const native = { select: { native: true }, inputLabel: { shrink: true } };
  const levels = LEVELS.some((l) => l.value === incident.impact || l.value === incident.urgency)
    ? LEVELS
    : [...LEVELS, { value: incident.impact, label: String(incident.impact) }];

  return (
    <ActionDialog
      title={TEXT.editTitle}
      confirmLabel={TEXT.save}
      cancelLabel={TEXT.back2}
      maxWidth="md"
      onConfirm={async () => {
        onDone(await api.data<Incident>(`/incidents/${encodeURIComponent(incident.id)}`, { method: "PATCH", body: editChanges(incident, form) }));
      }}
      onClose={onClose}
    >
      <TextField fullWidth label={TEXT.titleField} value={form.title} onChange={set("title")} />
      <TextField fullWidth multiline minRows={2} label={TEXT.description} value={form.description} onChange={set("description")} />
      <Stack direction="row" spacing={2}>
        <TextField select fullWidth label={TEXT.severity} value={form.severity} onChange={set("severity")} slotProps={native}>
          {Object.entries(SEVERITY_LABEL).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </TextField>
        <TextField select fullWidth label={TEXT.impact} value={form.impact} onChange={set("impact")} slotProps={native}>
          {levels.map((l) => (
            <option key={l.value} value={l.value}>
              {l.label}
            </option>
          ))}
        </TextField>
        <TextField select fullWidth label={TEXT.urgency} value={form.urgency} onChange={set("urgency")} slotProps={native}>
          {levels.map((l) => (
            <option key={l.value} value={l.value}>
              {l.label}
            </option>
          ))}
        </TextField>
      </Stack>
      <TextField fullWidth multiline label={TEXT.rootCause} value={form.root_cause} onChange={set("root_cause")} />
      <TextField fullWidth multiline label={TEXT.remediation} value={form.remediation} onChange={set("remediation")} />
      <TextField fullWidth multiline label={TEXT.postIncidentActions} value={form.post_incident_actions} onChange={set("post_incident_actions")} />
    </ActionDialog>
  );
}

function Timeline({ incident, onChanged }: { incident: Incident; onChanged: (i: Incident) => void }) {
  const notify = useNotify();
  const [note, setNote] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function add() {
    setBusy(true);
    setError(null);
    try {
      const updated = await api.data<Incident>(`/incidents/${encodeURIComponent(incident.id)}/timeline`, { method: "POST", body: { note: note.trim() } });
      setNote("");
      notify(TEXT.noteAdded, { type: "success" });
      onChanged(updated);
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Paper component="section" aria-labelledby="incident-timeline" variant="outlined" sx={{ p: 2 }}>
      <Typography id="incident-timeline" variant="h6" component="h2" gutterBottom>
        {TEXT.timeline}
      </Typography>
      <List dense>
        {incident.timeline.map((entry, index) => (
          <ListItem key={`${entry.at}-${index}`} disableGutters>
            <ListItemText
              primary={`${formatDateTime(entry.at)} · ${entry.kind}${entry.note ? `: ${entry.note}` : ""}`}
              secondary={entry.actor}
            />
          </ListItem>
        ))}
      </List>
      <Can permission={MANAGE}>
        {error && <Alert severity="error">{error}</Alert>}
        <Box sx={{ display: "flex", gap: 1, alignItems: "flex-start", mt: 1 }}>
          <TextField
            label={TEXT.note}
            multiline
            minRows={2}
            fullWidth
            value={note}
            onChange={(event) => setNote(event.target.value)}
            slotProps={{ htmlInput: { maxLength: 4000 } }}
          />
          <Button variant="outlined" disabled={busy || !note.trim()} onClick={() => void add()}>
            {TEXT.addNote}
          </Button>
        </Box>
      </Can>
    </Paper>
  );
}

export function IncidentView({ incident, onChanged, reload, now }: { incident: Incident; onChanged: (i: Incident) => void; reload: () => void; now: Date }) {
  const notify = useNotify();
  const [action, setAction] = useState<IncidentAction | null>(null);
  const [editing, setEditing] = useState(false);
  const actions = allowedActions(incident.status);
  const text = (value: string | null | undefined) => value || TEXT.none;

  return (
    <Stack spacing={2} sx={{ p: 2 }}>
      <Title title={incident.title} />
      <RouterLink to="/incidents">{TEXT.back}</RouterLink>
      <Typography variant="h5" component="h1">
        {incident.title}
      </Typography>
      <Stack direction="row" spacing={1}>
        <Chip color={incident.priority === "P1" || incident.priority === "P2" ? "error" : "default"} label={TEXT.priority(incident.priority)} />
        <Chip variant="outlined" label={`${TEXT.status}: ${STATUS_LABEL[incident.status]}`} />
      </Stack>
      <DetailList>
        <Detail label={TEXT.type}>{TYPE_LABEL[incident.type]}</Detail>
        <Detail label={TEXT.severity}>{SEVERITY_LABEL[incident.severity]}</Detail>
        <Detail label={TEXT.impactUrgency}>
          {incident.impact} / {incident.urgency}
        </Detail>
        <Detail label={TEXT.source}>{incident.source === "automatic" ? `automatic (${incident.alarm_key ?? ""})` : "manual"}</Detail>
        <Detail label={TEXT.reportedBy}>{incident.reported_by}</Detail>
        <Detail label={TEXT.owner}>{incident.owner_id ?? TEXT.nobody}</Detail>
        <Detail label={TEXT.opened}>{formatDateTime(incident.opened_at)}</Detail>
        <Detail label={TEXT.description}>{incident.description}</Detail>
        <Detail label={TEXT.affectedSystems}>{incident.affected_systems.join(", ") || TEXT.none}</Detail>
        <Detail label={TEXT.dataCategories}>{incident.data_categories.join(", ") || TEXT.none}</Detail>
        <Detail label={TEXT.affectedSubjects}>{incident.affected_subjects ?? TEXT.none}</Detail>
        <Detail label={TEXT.rootCause}>{text(incident.root_cause)}</Detail>
        <Detail label={TEXT.remediation}>{text(incident.remediation)}</Detail>
        <Detail label={TEXT.postIncidentActions}>{text(incident.post_incident_actions)}</Detail>
        {incident.resolution_note && <Detail label={TEXT.resolutionNote}>{incident.resolution_note}</Detail>}
      </DetailList>

      <Can permission={MANAGE}>
        <Paper component="section" aria-labelledby="incident-actions" variant="outlined" sx={{ p: 2 }}>
          <Typography id="incident-actions" variant="h6" component="h2" gutterBottom>
            {TEXT.actions}
          </Typography>
          <Stack direction="row" spacing={1} flexWrap="wrap">
            {actions.map((name) => (
              <Button key={name} variant="contained" onClick={() => setAction(name)}>
                {TEXT.actionsText[name].button}
              </Button>
            ))}
            {incident.status !== "closed" && (
              <Button variant="outlined" onClick={() => setEditing(true)}>
                {TEXT.edit}
              </Button>
            )}
          </Stack>
          {actions.length === 0 && <Typography variant="body2">{TEXT.noActions}</Typography>}
        </Paper>
      </Can>
      {action && (
        <IncidentActionDialog
          incident={incident}
          action={action}
          onClose={() => setAction(null)}
          onDone={(updated) => {
            setAction(null);
            notify(TEXT.done(TEXT.actionsText[action].button), { type: "success" });
            onChanged(updated);
          }}
        />
      )}
      {editing && (
        <EditDialog
          incident={incident}
          onClose={() => setEditing(false)}
          onDone={(updated) => {
            setEditing(false);
            notify(TEXT.saved, { type: "success" });
            onChanged(updated);
          }}
        />
      )}

      <BreachPanel incident={incident} now={now} onRecorded={reload} />
      <Timeline incident={incident} onChanged={onChanged} />
    </Stack>
  );
}

export function IncidentPage() {
  const { id = "" } = useParams();
  const now = useNow();
  const loaded = useApiGet<Incident>(`/incidents/${encodeURIComponent(id)}`);
  const [latest, setLatest] = useState<Incident | null>(null);
  const incident = latest && latest.id === id ? latest : loaded.data;
  if (loaded.error) return <Alert severity="error">{loaded.error}</Alert>;
  if (!incident) return <Typography sx={{ p: 2 }}>{TEXT.loading}</Typography>;
  return (
    <IncidentView
      incident={incident}
      now={now}
      onChanged={setLatest}
      reload={() => {
        setLatest(null);
        loaded.reload();
      }}
    />
  );
}
