import { Datagrid, FunctionField, List, SelectInput, TextField, TextInput } from "react-admin";
import type { User } from "../api/types";
import { formatDateTime } from "../format";

export const TEXT = {
  title: "Users",
  search: "Search name, email or username",
  status: "Status",
  role: "Role name",
  username: "Username",
  fullName: "Full name",
  email: "Email",
  roles: "Roles",
  organization: "Organisation",
  mfa: "MFA",
  created: "Created",
  mfaOn: "On",
  mfaOff: "Off",
  statuses: { active: "Active", locked: "Locked", deleted: "Deleted", erased: "Erased" } as Record<string, string>,
};

/** The API's `status` filter (GET /users?status=...): active, locked or deleted. */
const STATUS_CHOICES = (["active", "locked", "deleted"] as const).map((id) => ({ id, name: TEXT.statuses[id] }));

const filters = [
  <TextInput key="q" source="q" label={TEXT.search} alwaysOn resettable />,
  <SelectInput key="status" source="status" label={TEXT.status} choices={STATUS_CHOICES} alwaysOn />,
  <TextInput key="role" source="role" label={TEXT.role} />,
];

export function statusText(status: string): string {
  return TEXT.statuses[status] ?? status;
}

/** User accounts, newest first (the API's order); the caller's user:read scope limits the rows. */
export function UserList() {
  return (
    <List<User> empty={false} resource="users" title={TEXT.title} filters={filters} perPage={25} exporter={false}>
      <Datagrid bulkActionButtons={false} rowClick="show">
        <TextField source="username" label={TEXT.username} sortable={false} />
        <TextField source="full_name" label={TEXT.fullName} sortable={false} />
        <TextField source="email" label={TEXT.email} sortable={false} />
        <FunctionField<User> label={TEXT.roles} render={(user) => user.roles.join(", ")} />
        <FunctionField<User> label={TEXT.status} render={(user) => statusText(user.status)} />
        <FunctionField<User> label={TEXT.mfa} render={(user) => (user.mfa_enabled ? TEXT.mfaOn : TEXT.mfaOff)} />
        <TextField source="organization" label={TEXT.organization} sortable={false} emptyText="—" />
        <FunctionField<User> label={TEXT.created} render={(user) => formatDateTime(user.created_at)} />
      </Datagrid>
    </List>
  );
}
