import { Button, CardContent, Stack, Table, TableBody, TableCell, TableHead, TableRow, Typography } from "@mui/material";
import { useState } from "react";
import { EditButton, Show, useNotify, useRecordContext, useRedirect } from "react-admin";
import type { Role } from "../api/types";
import { Can } from "../permissions";
import { ActionDialog } from "../shared/ActionDialog";
import { Details } from "../shared/Details";
import { deleteRole } from "./api";
import { SCOPE_TEXT } from "./RoleEditor";

const TEXT = {
  title: (role?: Role) => (role ? `Role ${role.name}` : "Role"),
  name: "Name",
  description: "Description",
  kind: "Kind",
  system: "System role (name and permissions fixed)",
  custom: "Custom role",
  permissions: "Permissions",
  permission: "Permission",
  scope: "Scope",
  none: "—",
  noPermissions: "This role grants no permissions.",
  edit: "Edit role",
  delete: "Delete role",
  confirmDelete: "Delete this role?",
  deleteExplained: "Everyone holding it loses its permissions at once.",
  deleted: "Role deleted",
};

export function RoleShow({ id }: { id?: string }) {
  return (
    <Show<Role> resource="roles" id={id} title={<RoleTitle />} actions={false}>
      <RoleDetails />
    </Show>
  );
}

function RoleTitle() {
  const role = useRecordContext<Role>();
  return <span>{TEXT.title(role)}</span>;
}

function RoleDetails() {
  const role = useRecordContext<Role>();
  const notify = useNotify();
  const redirect = useRedirect();
  const [deleting, setDeleting] = useState(false);
  if (!role) return null;
  return (
    <CardContent>
      <Details
        items={[
          [TEXT.name, role.name],
          [TEXT.description, role.description ?? TEXT.none],
          [TEXT.kind, role.is_system_role ? TEXT.system : TEXT.custom],
        ]}
      />
      <Can permission="role:manage">
        <Stack direction="row" spacing={1} sx={{ mt: 2 }}>
          <EditButton label={TEXT.edit} />
          {!role.is_system_role && (
            <Button variant="outlined" color="error" onClick={() => setDeleting(true)}>
              {TEXT.delete}
            </Button>
          )}
        </Stack>
      </Can>
      <Typography variant="h6" component="h2" sx={{ mt: 3, mb: 1 }}>
        {TEXT.permissions}
      </Typography>
      {role.permissions.length === 0 ? (
        <Typography variant="body2">{TEXT.noPermissions}</Typography>
      ) : (
        <Table size="small" aria-label={TEXT.permissions}>
          <TableHead>
            <TableRow>
              <TableCell component="th" scope="col">
                {TEXT.permission}
              </TableCell>
              <TableCell component="th" scope="col">
                {TEXT.scope}
              </TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {role.permissions.map((permission) => (
              <TableRow key={permission}>
                <TableCell>{permission}</TableCell>
                <TableCell>{SCOPE_TEXT[role.scopes[permission] ?? "all"]}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      {deleting && (
        <ActionDialog
          title={TEXT.confirmDelete}
          confirmLabel={TEXT.delete}
          danger
          onClose={() => setDeleting(false)}
          onConfirm={async ({ headers }) => {
            await deleteRole(String(role.id), headers);
            notify(TEXT.deleted, { type: "success" });
            redirect("list", "roles");
          }}
          emergencyRetry
          description={
            <>
            {role.name}. {TEXT.deleteExplained}
            </>
          }
        />
      )}
    </CardContent>
  );
}
