import {
  Alert,
  Box,
  Button,
  Card,
  CardContent,
  Checkbox,
  FormControlLabel,
  FormGroup,
  Stack,
  Typography,
} from "@mui/material";
import { useEffect, useState } from "react";
import { Show, useNotify, useRecordContext, useRefresh } from "react-admin";
import { Link as RouterLink } from "react-router-dom";
import { errorMessage } from "../api/client";
import type { Device, Role, User } from "../api/types";
import { formatDateTime } from "../format";
import { Can } from "../permissions";
import { assignRoles, listRoles, lockUser, revokeUserDevice, unlockUser } from "./actions";
import { ActionDialog } from "../shared/ActionDialog";
import { useCursorPage } from "../shared/cursor";
import { Details } from "../shared/Details";
import { PagedTable } from "../shared/PagedTable";
import { statusText } from "./UserList";

const TEXT = {
  title: (user?: User) => (user ? `User ${user.username}` : "User"),
  profile: "Profile",
  username: "Username",
  fullName: "Full name",
  email: "Email",
  emailVerified: "Email verified",
  phone: "Phone",
  organization: "Organisation",
  status: "Status",
  roles: "Roles",
  mfa: "MFA",
  created: "Created",
  deleted: "Deleted",
  yes: "Yes",
  no: "No",
  none: "—",
  mfaOn: "Enabled",
  mfaOff: "Not enabled",
  lock: "Lock account",
  unlock: "Unlock account",
  confirmLock: "Lock this account?",
  lockExplained: "The user is signed out of every device and cannot sign in until unlocked.",
  confirmUnlock: "Unlock this account?",
  unlockExplained: "The user can sign in again and is told by email.",
  locked: "Account locked",
  unlocked: "Account unlocked",
  assignRoles: "Assign roles",
  confirmRoles: "Change this user's roles?",
  rolesExplained: "The user's complete set of roles becomes the roles ticked below.",
  saveRoles: "Save roles",
  rolesSaved: "Roles saved",
  rolesLoading: "Loading roles…",
  devices: "Signed-in devices",
  wallets: "Wallets",
  deviceId: "Device ID",
  deviceName: "Device name",
  lastSeen: "Last seen",
  firstSignIn: "Signed in since",
  address: "IP address",
  signOut: "Sign out",
  signOutDevice: (name: string) => `Sign out device ${name}`,
  confirmSignOut: "Sign this device out?",
  signOutExplained: "Its tokens stop working at once; the user must sign in again on it.",
  signedOut: "Device signed out",
  unnamed: "Unnamed device",
};

/** A user account; `id` defaults to the route's (tests pass one). */
export function UserShow({ id }: { id?: string }) {
  return (
    <Show<User> resource="users" id={id} title={<UserTitle />} actions={false}>
      <UserDetails />
    </Show>
  );
}

function UserTitle() {
  const user = useRecordContext<User>();
  return <span>{TEXT.title(user)}</span>;
}

function UserDetails() {
  const user = useRecordContext<User>();
  if (!user) return null;
  return (
    <CardContent>
      <Typography variant="h6" component="h2" gutterBottom>
        {TEXT.profile}
      </Typography>
      <Details
        items={[
          [TEXT.username, user.username],
          [TEXT.fullName, user.full_name],
          [TEXT.email, user.email],
          [TEXT.emailVerified, user.email_verified ? TEXT.yes : TEXT.no],
          [TEXT.phone, user.phone ?? TEXT.none],
          [TEXT.organization, user.organization ?? TEXT.none],
          [TEXT.status, statusText(user.status)],
          [TEXT.roles, user.roles.join(", ") || TEXT.none],
          [TEXT.mfa, user.mfa_enabled ? TEXT.mfaOn : TEXT.mfaOff],
          [TEXT.created, formatDateTime(user.created_at)],
          ...(user.deleted_at ? ([[TEXT.deleted, formatDateTime(user.deleted_at)]] as [string, string][]) : []),
        ]}
      />
      <UserActions user={user} />
      <UserDevices user={user} />
    </CardContent>
  );
}

/** The wallets list filtered to this user (GET /wallets?owner_id=, for staff). */
export function walletsOf(userId: string): string {
  return `/wallets?filter=${encodeURIComponent(JSON.stringify({ owner_id: userId }))}`;
}

type Dialog = "lock" | "unlock" | "roles" | null;

function UserActions({ user }: { user: User }) {
  const notify = useNotify();
  const refresh = useRefresh();
  const [open, setOpen] = useState<Dialog>(null);
  const done = (message: string) => {
    notify(message, { type: "success" });
    refresh();
  };
  return (
    <Stack direction="row" spacing={1} sx={{ mt: 2 }}>
      <Can permission={{ permission: "payment:create", scope: "all" }}>
        <Button variant="outlined" component={RouterLink} to={walletsOf(user.id)}>
          {TEXT.wallets}
        </Button>
      </Can>
      <Can permission="user:update">
        {user.status === "active" && (
          <Button variant="outlined" color="error" onClick={() => setOpen("lock")}>
            {TEXT.lock}
          </Button>
        )}
        {user.status === "locked" && (
          <Button variant="outlined" onClick={() => setOpen("unlock")}>
            {TEXT.unlock}
          </Button>
        )}
      </Can>
      <Can permission="role:manage">
        {user.status !== "erased" && (
          <Button variant="outlined" onClick={() => setOpen("roles")}>
            {TEXT.assignRoles}
          </Button>
        )}
      </Can>
      {open === "lock" && (
        <ActionDialog
          title={TEXT.confirmLock}
          confirmLabel={TEXT.lock}
          danger
          onClose={() => setOpen(null)}
          onConfirm={async () => {
            await lockUser(user.id);
            done(TEXT.locked);
          }}
          emergencyRetry
          description={
            <>
            {user.full_name} ({user.email}). {TEXT.lockExplained}
            </>
          }
        />
      )}
      {open === "unlock" && (
        <ActionDialog
          title={TEXT.confirmUnlock}
          confirmLabel={TEXT.unlock}
          onClose={() => setOpen(null)}
          onConfirm={async () => {
            await unlockUser(user.id);
            done(TEXT.unlocked);
          }}
          emergencyRetry
          description={
            <>
            {user.full_name} ({user.email}). {TEXT.unlockExplained}
            </>
          }
        />
      )}
      {open === "roles" && <RolesDialog user={user} onClose={() => setOpen(null)} onSaved={() => done(TEXT.rolesSaved)} />}
    </Stack>
  );
}

function RolesDialog({ user, onClose, onSaved }: { user: User; onClose: () => void; onSaved: () => void }) {
  const [roles, setRoles] = useState<Role[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [chosen, setChosen] = useState<Set<string>>(() => new Set(user.roles));

  useEffect(() => {
    let live = true;
    listRoles()
      .then((found) => live && setRoles(found))
      .catch((failure: unknown) => live && setLoadError(errorMessage(failure)));
    return () => {
      live = false;
    };
  }, []);

  function toggle(name: string) {
    setChosen((current) => {
      const next = new Set(current);
      if (next.has(name)) next.delete(name);
      else next.add(name);
      return next;
    });
  }

  return (
    <ActionDialog
      title={TEXT.confirmRoles}
      confirmLabel={TEXT.saveRoles}
      onClose={onClose}
      onConfirm={async ({ headers }) => {
        // The complete set, in the role list's order (names the list lacks kept at the end).
        const listed = (roles ?? []).map((role) => role.name);
        const kept = [...chosen].filter((name) => !listed.includes(name));
        await assignRoles(user.id, [...listed.filter((name) => chosen.has(name)), ...kept], headers);
        onSaved();
      }}
      emergencyRetry
      description={
        <>
        <Box>
          {user.full_name} ({user.email}). {TEXT.rolesExplained}
        </Box>
        {loadError && (
          <Alert severity="error" role="alert">
            {loadError}
          </Alert>
        )}
        {!roles && !loadError && <Box>{TEXT.rolesLoading}</Box>}
        {roles && (
          <FormGroup aria-label={TEXT.roles}>
            {roles.map((role) => (
              <FormControlLabel
                key={role.id}
                control={<Checkbox checked={chosen.has(role.name)} onChange={() => toggle(role.name)} />}
                label={role.description ? `${role.name} — ${role.description}` : role.name}
              />
            ))}
          </FormGroup>
        )}
        </>
      }
    />
  );
}

function UserDevices({ user }: { user: User }) {
  const notify = useNotify();
  const paged = useCursorPage<Device>(`/users/${encodeURIComponent(user.id)}/devices`, {}, 10);
  const [revoking, setRevoking] = useState<Device | null>(null);
  const name = (device: Device) => device.device_name ?? TEXT.unnamed;
  return (
    <Card variant="outlined" sx={{ mt: 3, p: 2 }}>
      <PagedTable<Device>
        title={TEXT.devices}
        paged={paged}
        rowKey={(device) => device.device_id}
        columns={[
          { label: TEXT.deviceName, render: name },
          { label: TEXT.deviceId, render: (device) => device.device_id },
          { label: TEXT.lastSeen, render: (device) => formatDateTime(device.last_used_at) },
          { label: TEXT.firstSignIn, render: (device) => formatDateTime(device.created_at) },
          { label: TEXT.address, render: (device) => device.ip_address ?? TEXT.none },
          {
            label: TEXT.signOut,
            render: (device) => (
              <Can permission="user:update">
                <Button size="small" color="error" aria-label={TEXT.signOutDevice(name(device))} onClick={() => setRevoking(device)}>
                  {TEXT.signOut}
                </Button>
              </Can>
            ),
          },
        ]}
      />
      {revoking && (
        <ActionDialog
          title={TEXT.confirmSignOut}
          confirmLabel={TEXT.signOut}
          danger
          onClose={() => setRevoking(null)}
          onConfirm={async () => {
            await revokeUserDevice(user.id, revoking.device_id);
            notify(TEXT.signedOut, { type: "success" });
            paged.restart();
          }}
          emergencyRetry
          description={
            <>
            {name(revoking)} · {revoking.device_id}. {TEXT.signOutExplained}
            </>
          }
        />
      )}
    </Card>
  );
}
