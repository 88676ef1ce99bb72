/** The risk register: the heat map over the filtered risks, then the list (paged by the API). */
import {
  CreateButton,
  Datagrid,
  FilterButton,
  FunctionField,
  List,
  SelectInput,
  TextField,
  TextInput,
  TopToolbar,
  useListContext,
} from "react-admin";
import type { Risk } from "../api/types";
import { Can } from "../permissions";
import { RiskHeatMap } from "./RiskHeatMap";
import { CATEGORY_LABEL, RATING_LABEL, STATUS_LABEL, TREATMENT_LABEL, scoreText } from "./riskText";
import { choices } from "../shared/choices";
import { DARK_BUTTONS } from "../shared/FilterActions";

export const RISK_MANAGE = "risk:manage";

/** Toolbar buttons on the page background: darker than MUI's primary, for a 4.5:1 contrast. */

const TEXT = {
  title: "Risk register",
  status: "Status",
  rating: "Rating",
  overdue: "Review",
  overdueOnly: "Review overdue",
  notOverdue: "Review not overdue",
  owner: "Owner user ID",
  risk: "Risk",
  category: "Category",
  inherent: "Inherent score",
  residual: "Residual score",
  treatment: "Treatment",
  reviewDate: "Review date",
  overdueText: "Review overdue",
  none: "None",
  create: "New risk",
};

const filters = [
  <SelectInput key="status" source="status" label={TEXT.status} choices={choices(STATUS_LABEL)} alwaysOn />,
  <SelectInput key="rating" source="rating" label={TEXT.rating} choices={choices(RATING_LABEL)} alwaysOn />,
  <SelectInput
    key="overdue"
    source="overdue"
    label={TEXT.overdue}
    choices={[
      { id: "true", name: TEXT.overdueOnly },
      { id: "false", name: TEXT.notOverdue },
    ]}
  />,
  <TextInput key="owner_id" source="owner_id" label={TEXT.owner} />,
];

function Actions() {
  return (
    <TopToolbar sx={DARK_BUTTONS}>
      <FilterButton />
      <Can permission={RISK_MANAGE}>
        <CreateButton label={TEXT.create} />
      </Can>
    </TopToolbar>
  );
}

/** The heat map follows the list's filters. */
function FilteredHeatMap() {
  const { filterValues } = useListContext();
  return <RiskHeatMap filter={filterValues as Record<string, string>} />;
}

export function RiskList() {
  return (
    <List<Risk> resource="risks" title={TEXT.title} filters={filters} actions={<Actions />} perPage={25} exporter={false} storeKey="risks" empty={false}>
      <FilteredHeatMap />
      <Datagrid bulkActionButtons={false} rowClick="show">
        <TextField source="title" label={TEXT.risk} sortable={false} />
        <FunctionField<Risk> label={TEXT.category} sortable={false} render={(r) => CATEGORY_LABEL[r.category] ?? r.category} />
        <FunctionField<Risk> label={TEXT.inherent} sortable={false} render={(r) => scoreText(r.inherent_score, r.inherent_rating)} />
        <FunctionField<Risk> label={TEXT.residual} sortable={false} render={(r) => scoreText(r.residual_score, r.residual_rating)} />
        <FunctionField<Risk> label={TEXT.treatment} sortable={false} render={(r) => (r.treatment ? TREATMENT_LABEL[r.treatment] : TEXT.none)} />
        <FunctionField<Risk> label={TEXT.status} sortable={false} render={(r) => STATUS_LABEL[r.status] ?? r.status} />
        <FunctionField<Risk>
          label={TEXT.reviewDate}
          sortable={false}
          render={(r) => (r.overdue ? `${r.review_date} · ${TEXT.overdueText}` : r.review_date)}
        />
      </Datagrid>
    </List>
  );
}
