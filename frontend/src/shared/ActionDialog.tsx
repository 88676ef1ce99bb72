/**
 * The confirmation for an action that moves money, changes rights or changes a record: a title,
 * what will happen, the fields the action takes (an optional reason field with its own label),
 * a confirm button enabled once they are valid and disabled while the request runs, and the
 * API's own message inside the dialog when it refuses. Where the business-hours policy refuses
 * a change but names the `X-Emergency-Reason` header, the dialog can ask for that reason and
 * retry with it (`emergencyRetry`).
 */
import { Alert, Button, type ButtonProps, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle, Stack, TextField } from "@mui/material";
import { type ReactNode, useId, useState } from "react";
import { useNotify, useRefresh } from "react-admin";
import { ApiError, errorMessage } from "../api/client";

const TEXT = {
  cancel: "Cancel",
  emergency: "Emergency reason",
  emergencyHelp: "Why this cannot wait for business hours; the change is audited and raised as an alert",
};

/** The header the business-hours policy names when a change may be forced with a reason. */
export const EMERGENCY_HEADER = "X-Emergency-Reason";

/** Does this refusal say that an emergency reason (the `X-Emergency-Reason` header) would allow it? */
export function asksForEmergencyReason(error: unknown): boolean {
  if (!(error instanceof ApiError) || !Array.isArray(error.details)) return false;
  return (error.details as { header?: unknown }[]).some((d) => d.header === EMERGENCY_HEADER);
}

export interface Confirmed {
  /** The reason typed (trimmed), when the dialog asks for one. */
  reason: string;
  /** Headers to send: the emergency reason once the API asked for one. */
  headers: Record<string, string>;
}

export interface ActionDialogProps {
  title: string;
  /** What will happen (shown above the fields). */
  description?: ReactNode;
  /** The fields the action takes besides the reason (each labelled). */
  children?: ReactNode;
  /** The confirm button's text (plain and unique on the page). */
  confirmLabel: string;
  /** The confirm button's text while the request runs (default: unchanged). */
  busyLabel?: string;
  /** The dismiss button's text, where "Cancel" would clash with an action's name. */
  cancelLabel?: string;
  /** Show a reason field with this label (where the API takes a reason or comment). */
  reasonLabel?: string;
  reasonRequired?: boolean;
  reasonMultiline?: boolean;
  /** The reason field's length limit (null: none). */
  reasonMaxLength?: number | null;
  /** False while a field other than the reason is missing or invalid. */
  ready?: boolean;
  /** A destructive action: the confirm button in the error colour. */
  danger?: boolean;
  /** The confirm button's colour where neither primary nor `danger` fits (e.g. "success" to approve). */
  confirmColor?: ButtonProps["color"];
  /** Offer the emergency-reason retry when the API's refusal names `X-Emergency-Reason`. */
  emergencyRetry?: boolean;
  maxWidth?: "xs" | "sm" | "md" | "lg";
  /** Sends the request; a rejection shows the API's message and keeps the dialog open. */
  onConfirm: (confirmed: Confirmed) => Promise<unknown>;
  onClose: () => void;
  /** Notified (success) once the action is done. */
  done?: string;
  /** Called after success, once the dialog is closed. */
  onDone?: () => void;
  /** Refresh react-admin's lists and records after success. */
  refresh?: boolean;
}

export function ActionDialog({
  title,
  description,
  children,
  confirmLabel,
  busyLabel,
  cancelLabel = TEXT.cancel,
  reasonLabel,
  reasonRequired = false,
  reasonMultiline = false,
  reasonMaxLength = 500,
  ready = true,
  danger = false,
  confirmColor,
  emergencyRetry = false,
  maxWidth = "sm",
  onConfirm,
  onClose,
  done,
  onDone,
  refresh = false,
}: ActionDialogProps) {
  const notify = useNotify();
  const refreshViews = useRefresh();
  const titleId = useId();
  const [reason, setReason] = useState("");
  const [emergency, setEmergency] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function confirm() {
    setBusy(true);
    setError(null);
    try {
      const headers: Record<string, string> = emergency?.trim() ? { [EMERGENCY_HEADER]: emergency.trim() } : {};
      await onConfirm({ reason: reason.trim(), headers });
      if (done) notify(done, { type: "success" });
      onClose();
      onDone?.();
      if (refresh) refreshViews();
    } catch (failure) {
      setError(errorMessage(failure)); // the API's own reason (a refused transition, segregation of duties, ...)
      if (emergencyRetry && emergency === null && asksForEmergencyReason(failure)) setEmergency("");
    } finally {
      setBusy(false);
    }
  }

  const missingReason = Boolean(reasonLabel) && reasonRequired && !reason.trim();
  const missingEmergency = emergency !== null && !emergency.trim();
  const maxLength = reasonMaxLength === null ? {} : { htmlInput: { maxLength: reasonMaxLength } };
  return (
    <Dialog
      open
      onClose={onClose}
      onClick={(event) => event.stopPropagation()}
      aria-labelledby={titleId}
      fullWidth
      maxWidth={maxWidth}
    >
      <DialogTitle id={titleId}>{title}</DialogTitle>
      <DialogContent>
        <Stack spacing={2} sx={{ pt: 1 }}>
          {description && <DialogContentText component="div">{description}</DialogContentText>}
          {children}
          {reasonLabel && (
            <TextField
              autoFocus={!children}
              fullWidth
              multiline={reasonMultiline}
              minRows={reasonMultiline ? 2 : undefined}
              label={reasonLabel}
              required={reasonRequired}
              value={reason}
              onChange={(event) => setReason(event.target.value)}
              slotProps={maxLength}
            />
          )}
          {emergency !== null && (
            <TextField
              fullWidth
              label={TEXT.emergency}
              helperText={TEXT.emergencyHelp}
              required
              value={emergency}
              onChange={(event) => setEmergency(event.target.value)}
              slotProps={{ htmlInput: { maxLength: 500 } }}
            />
          )}
          {error && (
            <Alert severity="error" role="alert">
              {error}
            </Alert>
          )}
        </Stack>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>{cancelLabel}</Button>
        <Button
          variant="contained"
          color={confirmColor ?? (danger ? "error" : "primary")}
          disabled={busy || !ready || missingReason || missingEmergency}
          onClick={() => void confirm()}
        >
          {busy && busyLabel ? busyLabel : confirmLabel}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
