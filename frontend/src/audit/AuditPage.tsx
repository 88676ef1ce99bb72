import { Box, Typography } from "@mui/material";
import { Fragment } from "react";
import { Datagrid, DateInput, FunctionField, List, TextField, TextInput, useRecordContext } from "react-admin";
import type { AuditLogEntry } from "../api/types";
import { formatDateTime } from "../format";
import { addDays, startOfBusinessDay } from "../shared/dates";
import { AUDIT_LOGS } from "./auditApi";
import { AuditExportSection } from "./AuditExportPanel";
import { DetailList } from "../shared/Details";
import { FilterActions } from "../shared/FilterActions";

const TEXT = {
  title: "Audit log",
  actor: "Actor (user id)",
  action: "Action",
  resourceType: "Resource type",
  resourceId: "Resource id",
  requestId: "Request id",
  from: "From day",
  to: "To day (inclusive)",
  when: "When",
  seq: "Seq",
  resource: "Resource",
  reason: "Reason",
  system: "system",
  who: "Who",
  roles: "Roles",
  what: "What",
  whenFull: "When (UTC, as hashed)",
  where: "Where",
  ip: "IP address",
  userAgent: "User agent",
  why: "Why",
  before: "Before",
  after: "After",
  chain: "Chain position",
  hash: "Hash",
  unchained: "not chained yet",
  none: "—",
};

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const dayOf = (value: unknown) => (typeof value === "string" && value.length >= 10 ? value.slice(0, 10) : "");

/**
 * The API takes instants (`from` inclusive, `to` exclusive); staff pick business days, so
 * `from` is the day's first instant in Africa/Windhoek and `to` the next day's.
 */
const fromDay = {
  parse: (day: string) => (DAY.test(day) ? startOfBusinessDay(day) : undefined),
  format: dayOf,
};
const toDay = {
  parse: (day: string) => (DAY.test(day) ? startOfBusinessDay(addDays(day, 1)) : undefined),
  format: (value: unknown) => (dayOf(value) ? addDays(dayOf(value), -1) : ""),
};

const filters = [
  <TextInput key="action" source="action" label={TEXT.action} alwaysOn />,
  <TextInput key="actor_id" source="actor_id" label={TEXT.actor} alwaysOn />,
  <DateInput key="from" source="from" label={TEXT.from} alwaysOn {...fromDay} />,
  <DateInput key="to" source="to" label={TEXT.to} alwaysOn {...toDay} />,
  <TextInput key="resource_type" source="resource_type" label={TEXT.resourceType} />,
  <TextInput key="resource_id" source="resource_id" label={TEXT.resourceId} />,
  <TextInput key="request_id" source="request_id" label={TEXT.requestId} />,
];

function Json({ value }: { value: unknown }) {
  return (
    <Box component="pre" sx={{ m: 0, whiteSpace: "pre-wrap", wordBreak: "break-word", fontSize: "0.8rem" }}>
      {JSON.stringify(value, null, 2)}
    </Box>
  );
}

/** One entry in full: who, what, when, where, why, and the change it records. */
export function AuditEntryDetail({ entry }: { entry?: AuditLogEntry }) {
  const context = useRecordContext<AuditLogEntry>();
  const record = entry ?? context;
  if (!record) return null;
  const facts: [string, string][] = [
    [TEXT.who, record.actor_id ?? TEXT.system],
    [TEXT.roles, record.actor_roles.join(", ") || TEXT.none],
    [TEXT.what, `${record.action} · ${record.resource_type}${record.resource_id ? ` ${record.resource_id}` : ""}`],
    [TEXT.when, formatDateTime(record.occurred_at)],
    [TEXT.whenFull, record.occurred_at],
    [TEXT.ip, record.ip ?? TEXT.none],
    [TEXT.userAgent, record.user_agent ?? TEXT.none],
    [TEXT.requestId, record.request_id ?? TEXT.none],
    [TEXT.why, record.reason ?? TEXT.none],
    [TEXT.chain, record.seq === null ? TEXT.unchained : `#${record.seq}`],
    [TEXT.hash, record.hash ?? TEXT.unchained],
  ];
  return (
    <Box sx={{ p: 1 }}>
      <DetailList>
        {facts.map(([label, value]) => (
          <Fragment key={label}>
            <dt>{label}</dt>
            <dd style={{ margin: 0, wordBreak: "break-all" }}>{value}</dd>
          </Fragment>
        ))}
      </DetailList>
      <Box sx={{ display: "grid", gridTemplateColumns: { md: "1fr 1fr" }, gap: 2, mt: 1 }}>
        <Box>
          <Typography variant="subtitle2" component="h3">
            {TEXT.before}
          </Typography>
          <Json value={record.changes.before} />
        </Box>
        <Box>
          <Typography variant="subtitle2" component="h3">
            {TEXT.after}
          </Typography>
          <Json value={record.changes.after} />
        </Box>
      </Box>
    </Box>
  );
}


/** GET /audit-logs: newest first, filtered by the API's own parameters; a row opens its detail. */
export function AuditPage() {
  return (
    <>
      <AuditExportSection />
      <List<AuditLogEntry> empty={false}
        resource={AUDIT_LOGS}
        title={TEXT.title}
        filters={filters}
        actions={<FilterActions />}
        perPage={25}
        exporter={false}
        storeKey="audit-logs"
        disableSyncWithLocation
      >
        <Datagrid bulkActionButtons={false} rowClick="expand" expand={<AuditEntryDetail />}>
          <FunctionField<AuditLogEntry> sortable={false} label={TEXT.when} render={(e) => formatDateTime(e.occurred_at)} />
          <FunctionField<AuditLogEntry> sortable={false} label={TEXT.seq} render={(e) => (e.seq === null ? TEXT.none : String(e.seq))} />
          <TextField sortable={false} source="action" label={TEXT.action} />
          <FunctionField<AuditLogEntry> sortable={false} label={TEXT.actor} render={(e) => e.actor_id ?? TEXT.system} />
          <FunctionField<AuditLogEntry> sortable={false}
            label={TEXT.resource}
            render={(e) => `${e.resource_type}${e.resource_id ? ` ${e.resource_id}` : ""}`}
          />
          <FunctionField<AuditLogEntry> sortable={false} label={TEXT.reason} render={(e) => e.reason ?? TEXT.none} />
        </Datagrid>
      </List>
    </>
  );
}
