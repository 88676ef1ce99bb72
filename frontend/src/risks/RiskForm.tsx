/**
 * Identify a risk or change one (risk:manage): what is at risk, the inherent likelihood and
 * impact (1–5), the residual assessment after controls, the treatment and the review cycle.
 * Only the fields the API takes are sent (it refuses unknown ones).
 */
import { Alert } from "@mui/material";
import {
  AutocompleteArrayInput,
  Create,
  DateInput,
  Edit,
  NumberInput,
  ReferenceArrayInput,
  SaveButton,
  SelectInput,
  SimpleForm,
  TextInput,
  Toolbar,
  maxValue,
  minValue,
  required,
} from "react-admin";
import type { Risk } from "../api/types";
import { Can } from "../permissions";
import { RISK_MANAGE } from "./RiskList";
import { CATEGORY_LABEL, IMPACT_LABEL, LEVELS, LIKELIHOOD_LABEL, STATUS_LABEL, TREATMENT_LABEL } from "./riskText";
import { choices } from "../shared/choices";

const TEXT = {
  createTitle: "New risk",
  editTitle: "Edit risk",
  forbidden: "Identifying and changing risks needs the risk:manage permission.",
  title: "Title",
  description: "Description",
  asset: "Asset (e.g. customer personal information, ledger)",
  threat: "Threat",
  vulnerability: "Vulnerability",
  category: "Category",
  likelihood: "Inherent likelihood (1–5)",
  impact: "Inherent impact (1–5)",
  residualLikelihood: "Residual likelihood (1–5)",
  residualImpact: "Residual impact (1–5)",
  notAssessed: "Not assessed",
  treatment: "Treatment",
  none: "None yet",
  plan: "Treatment plan",
  status: "Status",
  interval: "Review every (days; default by rating)",
  reviewDate: "Next review date (default: today + interval)",
  controls: "Controls",
};

const levelChoices = (labels: Record<number, string>) => LEVELS.map((n) => ({ id: n, name: `${n} – ${labels[n]}` }));

/** The fields a create or change takes. */
const FIELDS = [
  "title",
  "description",
  "asset",
  "threat",
  "vulnerability",
  "category",
  "likelihood",
  "impact",
  "residual_likelihood",
  "residual_impact",
  "treatment",
  "treatment_plan",
  "review_interval_days",
  "review_date",
  "control_ids",
] as const;
/** Required on a risk: never sent as null. */
const NOT_NULLABLE = new Set(["title", "description", "asset", "threat", "category", "likelihood", "impact", "status", "review_date", "control_ids"]);

type Values = Record<string, unknown>;

function clean(value: unknown): unknown {
  if (typeof value === "string") return value.trim() === "" ? null : value.trim();
  return value === undefined ? null : value;
}

/** A create's body: the fields filled in (the API defaults the rest). */
export function createBody(values: Values): Values {
  const body: Values = {};
  for (const field of FIELDS) {
    const value = clean(values[field]);
    if (value !== null && !(Array.isArray(value) && value.length === 0)) body[field] = value;
  }
  return body;
}

/** A change's body: the editable fields, `null` clearing an optional one. */
export function updateBody(values: Values): Values {
  const body: Values = {};
  for (const field of [...FIELDS, "status"]) {
    if (!(field in values)) continue;
    const value = clean(values[field]);
    if (value === null && NOT_NULLABLE.has(field)) continue;
    body[field] = value;
  }
  return body;
}

function RiskFields({ edit }: { edit: boolean }) {
  const scale = [minValue(1), maxValue(5)];
  return (
    <>
      <TextInput source="title" label={TEXT.title} validate={required()} fullWidth />
      <TextInput source="description" label={TEXT.description} validate={required()} multiline fullWidth />
      <TextInput source="asset" label={TEXT.asset} validate={required()} fullWidth />
      <TextInput source="threat" label={TEXT.threat} validate={required()} multiline fullWidth />
      <TextInput source="vulnerability" label={TEXT.vulnerability} multiline fullWidth />
      <SelectInput source="category" label={TEXT.category} choices={choices(CATEGORY_LABEL)} validate={required()} />
      <SelectInput source="likelihood" label={TEXT.likelihood} choices={levelChoices(LIKELIHOOD_LABEL)} validate={[required(), ...scale]} />
      <SelectInput source="impact" label={TEXT.impact} choices={levelChoices(IMPACT_LABEL)} validate={[required(), ...scale]} />
      <SelectInput source="residual_likelihood" label={TEXT.residualLikelihood} choices={levelChoices(LIKELIHOOD_LABEL)} emptyText={TEXT.notAssessed} validate={scale} />
      <SelectInput source="residual_impact" label={TEXT.residualImpact} choices={levelChoices(IMPACT_LABEL)} emptyText={TEXT.notAssessed} validate={scale} />
      <SelectInput source="treatment" label={TEXT.treatment} choices={choices(TREATMENT_LABEL)} emptyText={TEXT.none} />
      <TextInput source="treatment_plan" label={TEXT.plan} multiline fullWidth />
      {edit && <SelectInput source="status" label={TEXT.status} choices={choices(STATUS_LABEL)} validate={required()} />}
      <NumberInput source="review_interval_days" label={TEXT.interval} min={1} max={730} validate={[minValue(1), maxValue(730)]} />
      <DateInput source="review_date" label={TEXT.reviewDate} />
      <ReferenceArrayInput source="control_ids" reference="risks/controls" perPage={100}>
        <AutocompleteArrayInput label={TEXT.controls} optionText="name" />
      </ReferenceArrayInput>
    </>
  );
}

/** Save only: the API deletes no risk (a risk is closed instead). */
const toolbar = (
  <Toolbar>
    <SaveButton />
  </Toolbar>
);

const forbidden = <Alert severity="info" sx={{ m: 2 }}>{TEXT.forbidden}</Alert>;

export function RiskCreate() {
  return (
    <Can permission={RISK_MANAGE} fallback={forbidden}>
      <Create resource="risks" title={TEXT.createTitle} redirect="show" transform={createBody}>
        <SimpleForm toolbar={toolbar}>
          <RiskFields edit={false} />
        </SimpleForm>
      </Create>
    </Can>
  );
}

/** The risk as the form edits it: its linked controls as ids. */
function formValues(risk: Risk): Risk & { control_ids: string[] } {
  return { ...risk, control_ids: risk.controls.map((c) => c.id) };
}

export function RiskEdit() {
  return (
    <Can permission={RISK_MANAGE} fallback={forbidden}>
      <Edit<Risk>
        resource="risks"
        title={TEXT.editTitle}
        mutationMode="pessimistic"
        redirect="show"
        queryOptions={{ select: (risk: Risk) => formValues(risk) }}
        transform={(values: Values) => updateBody(values)}
      >
        <SimpleForm toolbar={toolbar}>
          <RiskFields edit />
        </SimpleForm>
      </Edit>
    </Can>
  );
}
