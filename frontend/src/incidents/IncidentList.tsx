/** Incidents, newest first (the API's order), filtered by the API's own query parameters. */
import AddIcon from "@mui/icons-material/Add";
import { Button } from "@mui/material";
import { Datagrid, DateField, FunctionField, List, SelectInput, TextField, TopToolbar } from "react-admin";
import { Link as RouterLink, useNavigate } from "react-router-dom";
import type { Incident } from "../api/types";
import { Can } from "../permissions";
import { MANAGE } from "./BreachPanel";
import { choices } from "../shared/choices";
import { PRIORITIES, SEVERITY_LABEL, STATUS_LABEL, TYPE_LABEL } from "./labels";

const TEXT = {
  title: "Incidents",
  newIncident: "New incident",
  status: "Status",
  priority: "Priority",
  type: "Type",
  source: "Source",
  manual: "Manual",
  automatic: "Automatic",
  incident: "Incident",
  severity: "Severity",
  opened: "Opened",
  personalData: "Personal information",
  compromised: "Compromised",
  notRecorded: "—",
};

const filters = [
  <SelectInput key="status" source="status" label={TEXT.status} alwaysOn choices={choices(STATUS_LABEL)} />,
  <SelectInput key="priority" source="priority" label={TEXT.priority} alwaysOn choices={PRIORITIES.map((p) => ({ id: p, name: p }))} />,
  <SelectInput key="type" source="type" label={TEXT.type} alwaysOn choices={choices(TYPE_LABEL)} />,
  <SelectInput
    key="source"
    source="source"
    label={TEXT.source}
    alwaysOn
    choices={[
      { id: "manual", name: TEXT.manual },
      { id: "automatic", name: TEXT.automatic },
    ]}
  />,
];

function Actions() {
  const navigate = useNavigate();
  return (
    <TopToolbar>
      <Can permission={MANAGE}>
        <Button startIcon={<AddIcon />} variant="contained" onClick={() => navigate("/incidents/new")}>
          {TEXT.newIncident}
        </Button>
      </Can>
    </TopToolbar>
  );
}

export function IncidentList() {
  return (
    <List<Incident> empty={false} resource="incidents" title={TEXT.title} filters={filters} actions={<Actions />} perPage={25} exporter={false} storeKey="incidents">
      <Datagrid bulkActionButtons={false} rowClick={(id) => `/incidents/${id}`}>
        <TextField source="priority" label={TEXT.priority} sortable={false} />
        <FunctionField<Incident>
          label={TEXT.incident}
          render={(record) => (
            <RouterLink to={`/incidents/${record.id}`} onClick={(event) => event.stopPropagation()}>
              {record.title}
            </RouterLink>
          )}
        />
        <FunctionField<Incident> label={TEXT.type} render={(record) => TYPE_LABEL[record.type]} />
        <FunctionField<Incident> label={TEXT.status} render={(record) => STATUS_LABEL[record.status]} />
        <FunctionField<Incident> label={TEXT.severity} render={(record) => SEVERITY_LABEL[record.severity]} />
        <DateField source="opened_at" label={TEXT.opened} showTime locales="en-NA" options={{ timeZone: "Africa/Windhoek", dateStyle: "medium", timeStyle: "short" }} sortable={false} />
        <FunctionField<Incident>
          label={TEXT.personalData}
          render={(record) => (record.personal_information_compromised ? TEXT.compromised : TEXT.notRecorded)}
        />
      </Datagrid>
    </List>
  );
}
