import { Datagrid, FunctionField, List, TextField, TopToolbar, CreateButton } from "react-admin";
import type { Role } from "../api/types";
import { Can } from "../permissions";

export const TEXT = {
  title: "Roles and permissions",
  name: "Name",
  description: "Description",
  permissions: "Permissions",
  kind: "Kind",
  system: "System role",
  custom: "Custom role",
  create: "New role",
};

function Actions() {
  return (
    <TopToolbar>
      <Can permission="role:manage">
        <CreateButton label={TEXT.create} />
      </Can>
    </TopToolbar>
  );
}

/** Every role by name (GET /roles: a small set the API pages itself). */
export function RoleList() {
  return (
    <List<Role> empty={false} resource="roles" title={TEXT.title} perPage={50} exporter={false} actions={<Actions />}>
      <Datagrid bulkActionButtons={false} rowClick="show">
        <TextField source="name" label={TEXT.name} sortable={false} />
        <TextField source="description" label={TEXT.description} sortable={false} emptyText="—" />
        <FunctionField<Role> label={TEXT.permissions} render={(role) => String(role.permissions.length)} />
        <FunctionField<Role> label={TEXT.kind} render={(role) => (role.is_system_role ? TEXT.system : TEXT.custom)} />
      </Datagrid>
    </List>
  );
}
