/** The staff queue of data-subject requests, soonest due first (the API's order). */
import { Link } from "@mui/material";
import { Datagrid, FunctionField, List, SelectInput } from "react-admin";
import { Link as RouterLink } from "react-router-dom";
import type { PrivacyRequestStaffView } from "../api/types";
import { formatDateTime } from "../format";
import { STATUS_LABEL, TYPE_LABEL, dueText, isOverdue } from "./privacyText";
import { choices } from "../shared/choices";
import { FilterActions } from "../shared/FilterActions";

const TEXT = {
  title: "Privacy requests",
  status: "Status",
  type: "Type",
  overdue: "Overdue",
  overdueOnly: "Overdue only",
  notOverdue: "Not overdue",
  request: "Request",
  received: "Received",
  due: "Due",
  deadline: "Deadline",
  identity: "Identity",
  verified: "Verified",
  notVerified: "Not verified",
  assignee: "Assignee",
  unassigned: "Unassigned",
};

const filters = [
  <SelectInput key="status" source="status" label={TEXT.status} choices={choices(STATUS_LABEL)} alwaysOn />,
  <SelectInput key="type" source="type" label={TEXT.type} choices={choices(TYPE_LABEL)} alwaysOn />,
  <SelectInput
    key="overdue"
    source="overdue"
    label={TEXT.overdue}
    choices={[
      { id: "true", name: TEXT.overdueOnly },
      { id: "false", name: TEXT.notOverdue },
    ]}
  />,
];


/** The page of one request (a custom route, linked from the SLA board too). */
export const requestPath = (id: string) => `/privacy/${encodeURIComponent(id)}`;

export function PrivacyRequestList({ now }: { now?: Date } = {}) {
  return (
    <List<PrivacyRequestStaffView> empty={false}
      resource="privacy-requests"
      title={TEXT.title}
      filters={filters}
      actions={<FilterActions />}
      perPage={25}
      exporter={false}
      storeKey="privacy-requests"
    >
      <Datagrid bulkActionButtons={false} rowClick={(id) => requestPath(String(id))}>
        <FunctionField<PrivacyRequestStaffView>
          label={TEXT.request}
          sortable={false}
          render={(r) => (
            <Link component={RouterLink} to={requestPath(r.id)} onClick={(event) => event.stopPropagation()}>
              {r.id}
            </Link>
          )}
        />
        <FunctionField<PrivacyRequestStaffView> label={TEXT.type} sortable={false} render={(r) => TYPE_LABEL[r.type] ?? r.type} />
        <FunctionField<PrivacyRequestStaffView> label={TEXT.status} sortable={false} render={(r) => STATUS_LABEL[r.status] ?? r.status} />
        <FunctionField<PrivacyRequestStaffView> label={TEXT.received} sortable={false} render={(r) => formatDateTime(r.received_at)} />
        <FunctionField<PrivacyRequestStaffView> label={TEXT.due} sortable={false} render={(r) => formatDateTime(r.due_at)} />
        <FunctionField<PrivacyRequestStaffView>
          label={TEXT.deadline}
          sortable={false}
          render={(r) => (
            <span style={isOverdue(r, now) ? { fontWeight: 700 } : undefined}>{dueText(r, now)}</span>
          )}
        />
        <FunctionField<PrivacyRequestStaffView>
          label={TEXT.identity}
          sortable={false}
          render={(r) => (r.identity_verified ? TEXT.verified : TEXT.notVerified)}
        />
        <FunctionField<PrivacyRequestStaffView> label={TEXT.assignee} sortable={false} render={(r) => r.assignee_id ?? TEXT.unassigned} />
      </Datagrid>
    </List>
  );
}
