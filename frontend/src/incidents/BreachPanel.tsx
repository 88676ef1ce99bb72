/**
 * The POPIA s22 panel of an incident: whether a compromise of personal information is
 * recorded, the notification clock the API computes (`due_at`), the notifications sent
 * (Regulator with its reference, data subjects with the channel), and the letter to the
 * subjects. Before a compromise is recorded there is no deadline: it runs from the discovery
 * time given when recording it.
 */
import {
  Alert,
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  Paper,
  Stack,
  TextField,
  Typography,
} from "@mui/material";
import { type ChangeEvent, useState } from "react";
import { useNotify } from "react-admin";
import { api, errorMessage } from "../api/client";
import type { BreachNotification, Incident } from "../api/types";
import { formatDateTime } from "../format";
import { Can } from "../permissions";
import { BreachClock } from "./BreachClock";
import { saveDownload } from "../shared/files";
import { CHANNEL_LABEL, fromLocalInput, toLocalInput } from "./labels";
import { useApiGet } from "../shared/useLoaded";
import { Detail, DetailList } from "../shared/Details";

export const MANAGE = "incident:manage";

const TEXT = {
  heading: "Breach notification (s22)",
  none:
    "No compromise of personal information is recorded for this incident. If personal information was " +
    "accessed or acquired by an unauthorised person, record it: the Information Regulator and the data " +
    "subjects must be notified as soon as reasonably possible after discovery, and the clock runs from " +
    "the discovery time.",
  record: "Record breach notification",
  recordTitle: "Record a compromise of personal information",
  save: "Save",
  back: "Back",
  update: "Update notification",
  updateTitle: "Update the breach notification",
  letterPdf: "Download letter (PDF)",
  letterText: "Download letter (text)",
  letterSaved: (name: string, digest: string | null) => (digest ? `${name} saved (${digest})` : `${name} saved`),
  recorded: "Breach notification recorded",
  updated: "Breach notification updated",
  discoveredAt: "Discovered at",
  localTime: "Your local time",
  consequences: "Possible consequences",
  measures: "Measures taken or intended",
  recommendations: "What the data subjects should do",
  unauthorisedParty: "Unauthorised party, if known",
  regulatorNotifiedAt: "Regulator notified at",
  regulatorReference: "Regulator's reference",
  subjectsNotifiedAt: "Data subjects notified at",
  channel: "Channel",
  noChannel: "Not yet",
  due: "Due",
  target: (hours: number) => `Target: ${hours} h after discovery`,
  notYet: "Not yet",
  withinTarget: "Within target",
  yes: "Yes",
  no: "No",
  escalations: "Escalations",
  recordedBy: (by: string, at: string) => `Recorded by ${by} on ${at}`,
};


type Form = Record<string, string>;

function FormDialog({
  title,
  fields,
  initial,
  submit,
  onClose,
}: {
  title: string;
  fields: { name: string; label: string; type?: "datetime" | "multiline" | "channel"; required?: boolean }[];
  initial: Form;
  submit: (form: Form) => Promise<void>;
  onClose: () => void;
}) {
  const [form, setForm] = useState<Form>(initial);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const ready = fields.every((f) => !f.required || (form[f.name] ?? "").trim() !== "");

  async function save() {
    setBusy(true);
    setError(null);
    try {
      await submit(form);
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog open onClose={onClose} aria-labelledby="breach-form-title" fullWidth maxWidth="sm">
      <DialogTitle id="breach-form-title">{title}</DialogTitle>
      <DialogContent>
        {fields.map((field) => {
          const common = {
            fullWidth: true,
            margin: "normal" as const,
            label: field.label,
            required: field.required,
            value: form[field.name] ?? "",
            onChange: (event: ChangeEvent<HTMLInputElement>) => setForm((f) => ({ ...f, [field.name]: event.target.value })),
          };
          if (field.type === "datetime") {
            return (
              <TextField
                key={field.name}
                {...common}
                type="datetime-local"
                helperText={TEXT.localTime}
                slotProps={{ inputLabel: { shrink: true } }}
              />
            );
          }
          if (field.type === "channel") {
            return (
              <TextField key={field.name} {...common} select slotProps={{ select: { native: true }, inputLabel: { shrink: true } }}>
                <option value="">{TEXT.noChannel}</option>
                {Object.entries(CHANNEL_LABEL).map(([value, label]) => (
                  <option key={value} value={value}>
                    {label}
                  </option>
                ))}
              </TextField>
            );
          }
          return <TextField key={field.name} {...common} multiline={field.type === "multiline"} minRows={field.type === "multiline" ? 2 : undefined} />;
        })}
        {error && (
          <Typography role="alert" color="error">
            {error}
          </Typography>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>{TEXT.back}</Button>
        <Button variant="contained" disabled={busy || !ready} onClick={() => void save()}>
          {TEXT.save}
        </Button>
      </DialogActions>
    </Dialog>
  );
}

const CONTENT_FIELDS = [
  { name: "consequences", label: TEXT.consequences, type: "multiline" as const, required: true },
  { name: "measures", label: TEXT.measures, type: "multiline" as const, required: true },
  { name: "recommendations", label: TEXT.recommendations, type: "multiline" as const, required: true },
  { name: "unauthorised_party", label: TEXT.unauthorisedParty },
];

const NOTIFICATION_FIELDS = [
  { name: "regulator_notified_at", label: TEXT.regulatorNotifiedAt, type: "datetime" as const },
  { name: "regulator_reference", label: TEXT.regulatorReference },
  { name: "subjects_notified_at", label: TEXT.subjectsNotifiedAt, type: "datetime" as const },
  { name: "channel", label: TEXT.channel, type: "channel" as const },
];

/** The body of POST .../breach-notification: blank optional fields left out. */
export function recordBody(form: Form): Record<string, string> {
  const body: Record<string, string> = {
    discovered_at: fromLocalInput(form.discovered_at ?? "") ?? "",
    consequences: (form.consequences ?? "").trim(),
    measures: (form.measures ?? "").trim(),
    recommendations: (form.recommendations ?? "").trim(),
  };
  const party = (form.unauthorised_party ?? "").trim();
  if (party) body.unauthorised_party = party;
  return { ...body, ...notificationChanges(form, null) };
}

/** The notification fields changed from `current` (PATCH sends only those). */
export function notificationChanges(form: Form, current: BreachNotification | null): Record<string, string> {
  const changes: Record<string, string> = {};
  for (const name of ["regulator_notified_at", "subjects_notified_at"] as const) {
    const at = fromLocalInput(form[name] ?? "");
    if (at && toLocalInput(at) !== toLocalInput(current?.[name])) changes[name] = at;
  }
  const reference = (form.regulator_reference ?? "").trim();
  if (reference && reference !== (current?.regulator_reference ?? "")) changes.regulator_reference = reference;
  const channel = form.channel ?? "";
  if (channel && channel !== (current?.channel ?? "")) changes.channel = channel;
  return changes;
}

function Recorded({ incident, breach, now, reload }: { incident: Incident; breach: BreachNotification; now: Date; reload: () => void }) {
  const notify = useNotify();
  const [editing, setEditing] = useState(false);
  const [downloadError, setDownloadError] = useState<string | null>(null);
  const path = `/incidents/${encodeURIComponent(incident.id)}/breach-notification`;

  async function letter(format: "pdf" | "text") {
    setDownloadError(null);
    try {
      const file = await api.download(`${path}/letter`, { query: { format } });
      saveDownload(file);
      notify(TEXT.letterSaved(file.filename, file.digest), { type: "info" });
    } catch (failure) {
      setDownloadError(errorMessage(failure));
    }
  }

  return (
    <>
      <BreachClock breach={breach} now={now} />
      <DetailList>
        <Detail label={TEXT.discoveredAt}>{formatDateTime(breach.discovered_at)}</Detail>
        <Detail label={TEXT.due}>
          {formatDateTime(breach.due_at)} ({TEXT.target(breach.target_hours)})
        </Detail>
        <Detail label={TEXT.regulatorNotifiedAt}>
          {breach.regulator_notified_at
            ? `${formatDateTime(breach.regulator_notified_at)} · ${breach.regulator_reference ?? ""}`
            : TEXT.notYet}
        </Detail>
        <Detail label={TEXT.subjectsNotifiedAt}>
          {breach.subjects_notified_at
            ? `${formatDateTime(breach.subjects_notified_at)} · ${breach.channel ? CHANNEL_LABEL[breach.channel] : ""}`
            : TEXT.notYet}
        </Detail>
        {breach.within_target !== null && <Detail label={TEXT.withinTarget}>{breach.within_target ? TEXT.yes : TEXT.no}</Detail>}
        <Detail label={TEXT.consequences}>{breach.consequences}</Detail>
        <Detail label={TEXT.measures}>{breach.measures}</Detail>
        <Detail label={TEXT.recommendations}>{breach.recommendations}</Detail>
        {breach.unauthorised_party && <Detail label={TEXT.unauthorisedParty}>{breach.unauthorised_party}</Detail>}
        <Detail label={TEXT.escalations}>{breach.escalations}</Detail>
      </DetailList>
      <Typography variant="caption" color="text.secondary">
        {TEXT.recordedBy(breach.recorded_by, formatDateTime(breach.recorded_at))}
      </Typography>
      {downloadError && <Alert severity="error">{downloadError}</Alert>}
      <Stack direction="row" spacing={1} sx={{ mt: 1 }} flexWrap="wrap">
        <Can permission={MANAGE}>
          <Button variant="outlined" onClick={() => setEditing(true)}>
            {TEXT.update}
          </Button>
        </Can>
        <Button onClick={() => void letter("pdf")}>{TEXT.letterPdf}</Button>
        <Button onClick={() => void letter("text")}>{TEXT.letterText}</Button>
      </Stack>
      {editing && (
        <FormDialog
          title={TEXT.updateTitle}
          fields={[...NOTIFICATION_FIELDS, ...CONTENT_FIELDS]}
          initial={{
            regulator_notified_at: toLocalInput(breach.regulator_notified_at),
            regulator_reference: breach.regulator_reference ?? "",
            subjects_notified_at: toLocalInput(breach.subjects_notified_at),
            channel: breach.channel ?? "",
            consequences: breach.consequences,
            measures: breach.measures,
            recommendations: breach.recommendations,
            unauthorised_party: breach.unauthorised_party ?? "",
          }}
          onClose={() => setEditing(false)}
          submit={async (form) => {
            const body: Record<string, string | null> = { ...notificationChanges(form, breach) };
            for (const name of ["consequences", "measures", "recommendations"] as const) {
              const value = (form[name] ?? "").trim();
              if (value && value !== breach[name]) body[name] = value;
            }
            const party = (form.unauthorised_party ?? "").trim();
            if (party !== (breach.unauthorised_party ?? "")) body.unauthorised_party = party || null;
            await api.data<BreachNotification>(path, { method: "PATCH", body });
            setEditing(false);
            notify(TEXT.updated, { type: "success" });
            reload();
          }}
        />
      )}
    </>
  );
}

export function BreachPanel({ incident, now, onRecorded }: { incident: Incident; now: Date; onRecorded: () => void }) {
  const notify = useNotify();
  const [recording, setRecording] = useState(false);
  const path = `/incidents/${encodeURIComponent(incident.id)}/breach-notification`;
  const breach = useApiGet<BreachNotification>(incident.personal_information_compromised ? path : null);

  return (
    <Paper component="section" aria-labelledby="breach-heading" variant="outlined" sx={{ p: 2 }}>
      <Typography id="breach-heading" variant="h6" component="h2" gutterBottom>
        {TEXT.heading}
      </Typography>
      {breach.error && <Alert severity="error">{breach.error}</Alert>}
      {incident.personal_information_compromised ? (
        breach.data && <Recorded incident={incident} breach={breach.data} now={now} reload={breach.reload} />
      ) : (
        <>
          <Typography variant="body2" sx={{ mb: 1 }}>
            {TEXT.none}
          </Typography>
          <Can permission={MANAGE}>
            <Button variant="contained" color="warning" onClick={() => setRecording(true)}>
              {TEXT.record}
            </Button>
          </Can>
        </>
      )}
      {recording && (
        <FormDialog
          title={TEXT.recordTitle}
          fields={[{ name: "discovered_at", label: TEXT.discoveredAt, type: "datetime", required: true }, ...CONTENT_FIELDS, ...NOTIFICATION_FIELDS]}
          initial={{ discovered_at: toLocalInput(now.toISOString()) }}
          onClose={() => setRecording(false)}
          submit={async (form) => {
            await api.data<BreachNotification>(path, { method: "POST", body: recordBody(form) });
            setRecording(false);
            notify(TEXT.recorded, { type: "success" });
            onRecorded();
          }}
        />
      )}
    </Paper>
  );
}
