/**
 * A confirmation dialog for an action that changes a record (pause an SLA clock, refuse a
 * privacy request, ...): the fields the API takes, a confirm button enabled once they are
 * valid, and the API's own message when it refuses. Shared by the compliance screens.
 */
import { Button, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle, Stack, Typography } from "@mui/material";
import { type ReactNode, useId, useState } from "react";
import { useNotify, useRefresh } from "react-admin";
import { errorMessage } from "../api/client";

const TEXT = { cancel: "Cancel" };

export interface ActionDialogProps {
  title: string;
  /** What will happen (shown above the fields). */
  description?: ReactNode;
  /** The confirm button's text (plain and unique on the page). */
  confirmLabel: string;
  /** The fields the action takes (each labelled). */
  children?: ReactNode;
  /** False while a required field is missing. */
  ready?: boolean;
  danger?: boolean;
  /** Sends the request; a rejection shows the API's message and keeps the dialog open. */
  onConfirm: () => Promise<unknown>;
  /** Notified on success. */
  done: string;
  onClose: () => void;
  /** After success (e.g. reload a hand-made list); react-admin lists are refreshed anyway. */
  onDone?: () => void;
}

export function ActionDialog({
  title,
  description,
  confirmLabel,
  children,
  ready = true,
  danger = false,
  onConfirm,
  done,
  onClose,
  onDone,
}: ActionDialogProps) {
  const notify = useNotify();
  const refresh = useRefresh();
  const titleId = useId();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function confirm() {
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
      notify(done, { type: "success" });
      onClose();
      onDone?.();
      refresh();
    } catch (failure) {
      setError(errorMessage(failure)); // the API's own reason, e.g. a refused transition
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog open onClose={onClose} onClick={(event) => event.stopPropagation()} aria-labelledby={titleId} fullWidth maxWidth="sm">
      <DialogTitle id={titleId}>{title}</DialogTitle>
      <DialogContent>
        <Stack spacing={2} sx={{ pt: 1 }}>
          {description && <DialogContentText component="div">{description}</DialogContentText>}
          {children}
          {error && (
            <Typography role="alert" color="error">
              {error}
            </Typography>
          )}
        </Stack>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>{TEXT.cancel}</Button>
        <Button variant="contained" color={danger ? "error" : "primary"} disabled={busy || !ready} onClick={confirm}>
          {confirmLabel}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
