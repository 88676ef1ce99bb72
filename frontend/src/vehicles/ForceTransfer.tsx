import { Alert, Button, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle, TextField } from "@mui/material";
import { useState } from "react";
import { useNotify, useRefresh } from "react-admin";
import { api, errorMessage, idempotencyKey } from "../api/client";
import type { Vehicle, VehicleTransferOffer } from "../api/types";
import { Can } from "../permissions";
import { identifierOf } from "./VehicleList";

/** Forcing a transfer is for staff holding vehicle:transfer at scope all (the API checks again). */
export const FORCE_PERMISSION = { permission: "vehicle:transfer", scope: "all" } as const;

const TEXT = {
  open: "Force transfer",
  title: "Force the transfer of this vehicle?",
  explain:
    "The ownership moves at once to the new owner, without their acceptance; the current owner loses " +
    "the vehicle and its token account. The reason is recorded in the audit log.",
  recipient: "New owner (user ID)",
  reason: "Reason (e.g. court order reference)",
  cancel: "Cancel",
  confirm: "Force transfer now",
  done: "Ownership transferred",
};

/** POST /vehicles/{vin}/transfers {to_user_id, force: true, reason}. */
export function forceTransfer(identifier: string, toUserId: string, reason: string): Promise<VehicleTransferOffer> {
  return api.data<VehicleTransferOffer>(`/vehicles/${encodeURIComponent(identifier)}/transfers`, {
    method: "POST",
    body: { to_user_id: toUserId, force: true, reason },
    headers: { "Idempotency-Key": idempotencyKey() },
  });
}

export function ForceTransferButton({ vehicle, onDone }: { vehicle: Vehicle; onDone: () => void }) {
  const [open, setOpen] = useState(false);
  return (
    <Can permission={FORCE_PERMISSION}>
      <Button variant="outlined" color="error" onClick={() => setOpen(true)}>
        {TEXT.open}
      </Button>
      {open && (
        <ForceTransferDialog
          vehicle={vehicle}
          onClose={() => setOpen(false)}
          onDone={() => {
            setOpen(false);
            onDone();
          }}
        />
      )}
    </Can>
  );
}

function ForceTransferDialog({ vehicle, onClose, onDone }: { vehicle: Vehicle; onClose: () => void; onDone: () => void }) {
  const notify = useNotify();
  const refresh = useRefresh();
  const [recipient, setRecipient] = useState("");
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const ready = recipient.trim() !== "" && reason.trim() !== "";

  async function confirm() {
    setBusy(true);
    setError(null);
    try {
      await forceTransfer(identifierOf(vehicle), recipient.trim(), reason.trim());
      notify(TEXT.done, { type: "success" });
      refresh();
      onDone();
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog open onClose={onClose} aria-labelledby="force-transfer-title">
      <DialogTitle id="force-transfer-title">{TEXT.title}</DialogTitle>
      <DialogContent>
        <DialogContentText>
          {identifierOf(vehicle)} · {TEXT.explain}
        </DialogContentText>
        <TextField
          autoFocus
          fullWidth
          required
          margin="normal"
          label={TEXT.recipient}
          value={recipient}
          onChange={(event) => setRecipient(event.target.value)}
        />
        <TextField
          fullWidth
          required
          multiline
          minRows={2}
          margin="normal"
          label={TEXT.reason}
          value={reason}
          onChange={(event) => setReason(event.target.value)}
          slotProps={{ htmlInput: { maxLength: 500 } }}
        />
        {error && (
          <Alert severity="error" role="alert">
            {error}
          </Alert>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>{TEXT.cancel}</Button>
        <Button variant="contained" color="error" disabled={busy || !ready} onClick={confirm}>
          {TEXT.confirm}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
