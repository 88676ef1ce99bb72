import { Button, TextField } from "@mui/material";
import { useState } from "react";
import { api, idempotencyKey } from "../api/client";
import type { Vehicle, VehicleTransferOffer } from "../api/types";
import { Can } from "../permissions";
import { ActionDialog } from "../shared/ActionDialog";
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
  const [recipient, setRecipient] = useState("");
  return (
    <ActionDialog
      title={TEXT.title}
      description={`${identifierOf(vehicle)} · ${TEXT.explain}`}
      confirmLabel={TEXT.confirm}
      reasonLabel={TEXT.reason}
      reasonRequired
      reasonMultiline
      ready={recipient.trim() !== ""}
      danger
      done={TEXT.done}
      refresh
      onConfirm={({ reason }) => forceTransfer(identifierOf(vehicle), recipient.trim(), reason)}
      onClose={onClose}
      onDone={onDone}
    >
      <TextField
        autoFocus
        fullWidth
        required
        label={TEXT.recipient}
        value={recipient}
        onChange={(event) => setRecipient(event.target.value)}
      />
    </ActionDialog>
  );
}
