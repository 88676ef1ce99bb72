import { Datagrid, FunctionField, List, SelectInput, TextField, TextInput } from "react-admin";
import type { Organization } from "../api/types";
import { formatDateTime } from "../format";

export const STATUS_TEXT: Record<Organization["status"], string> = {
  active: "Active",
  suspended: "Suspended",
  closed: "Closed",
};

const TEXT = {
  title: "Organisations",
  search: "Search by name",
  status: "Status",
  name: "Name",
  registration: "Registration number",
  vat: "VAT number",
  created: "Registered",
};

/** The API's filters (GET /organizations?q=&status=). */
const filters = [
  <TextInput key="q" source="q" label={TEXT.search} alwaysOn resettable />,
  <SelectInput
    key="status"
    source="status"
    label={TEXT.status}
    alwaysOn
    choices={(Object.keys(STATUS_TEXT) as Organization["status"][]).map((id) => ({ id, name: STATUS_TEXT[id] }))}
  />,
];

/** Organisations by name (platform managers see every one; the API decides). */
export function OrganisationList() {
  return (
    <List<Organization> empty={false} resource="organizations" title={TEXT.title} filters={filters} perPage={25} exporter={false}>
      <Datagrid bulkActionButtons={false} rowClick="show">
        <TextField source="name" label={TEXT.name} sortable={false} />
        <TextField source="registration_number" label={TEXT.registration} sortable={false} emptyText="—" />
        <TextField source="vat_number" label={TEXT.vat} sortable={false} emptyText="—" />
        <FunctionField<Organization> label={TEXT.status} render={(org) => STATUS_TEXT[org.status] ?? org.status} />
        <FunctionField<Organization> label={TEXT.created} render={(org) => formatDateTime(org.created_at)} />
      </Datagrid>
    </List>
  );
}
