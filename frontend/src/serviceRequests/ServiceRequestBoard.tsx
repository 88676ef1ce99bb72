/**
 * Service requests as a board: one column per API state, each column its own server query
 * (GET /service-requests?status=...) with its own cursor paging ("More"), never sorted or
 * filtered in the browser beyond what the API answered.
 */
import {
  Alert,
  Box,
  Button,
  Card,
  CardContent,
  Checkbox,
  Chip,
  FormControl,
  FormControlLabel,
  InputLabel,
  NativeSelect,
  Stack,
  Typography,
} from "@mui/material";
import { useState } from "react";
import { Title } from "react-admin";
import { Link as RouterLink } from "react-router-dom";
import type { ServiceRequest } from "../api/types";
import { formatAge, formatDateTime } from "../format";
import { formatMoney } from "../money";
import { useCursorList } from "../shared/cursor";
import { PRIORITY_LABEL, type RequestStatus, STATUSES, STATUS_LABEL } from "./labels";

const TEXT = {
  title: "Service requests",
  priority: "Priority",
  anyPriority: "Any priority",
  overdue: "Overdue only",
  more: "More",
  none: "None",
  loading: "Loading…",
  overdueChip: "Overdue",
  submittedAgo: (age: string) => `Submitted ${age} ago`,
  createdAgo: (age: string) => `Created ${age} ago`,
  column: (label: string, total: number | null) => (total === null ? label : `${label} (${total})`),
};

export const COLUMN_SIZE = 10;

interface Filters {
  priority: string;
  overdue: boolean;
}

function columnQuery(status: RequestStatus, filters: Filters) {
  return {
    status,
    ...(filters.priority ? { priority: filters.priority } : {}),
    ...(filters.overdue ? { overdue: true } : {}),
  };
}

function RequestCard({ request }: { request: ServiceRequest }) {
  const since = request.submitted_at ?? request.created_at;
  return (
    <Card variant="outlined" component="li" sx={{ listStyle: "none" }}>
      <CardContent sx={{ "&:last-child": { pb: 2 } }}>
        <Typography variant="subtitle2" component="h3">
          <RouterLink to={`/service-requests/${request.id}`}>{request.title}</RouterLink>
        </Typography>
        <Typography variant="body2" color="text.secondary">
          {request.category} · {TEXT.priority}: {PRIORITY_LABEL[request.priority]}
        </Typography>
        {request.amount !== null && <Typography variant="body2">{formatMoney(request.amount, request.currency)}</Typography>}
        <Stack direction="row" spacing={1} alignItems="center" sx={{ mt: 0.5 }}>
          <Typography variant="caption" title={formatDateTime(since)}>
            {request.submitted_at ? TEXT.submittedAgo(formatAge(since)) : TEXT.createdAgo(formatAge(since))}
          </Typography>
          {request.overdue && <Chip size="small" color="error" label={TEXT.overdueChip} />}
        </Stack>
      </CardContent>
    </Card>
  );
}

function Column({ status, filters }: { status: RequestStatus; filters: Filters }) {
  const column = useCursorList<ServiceRequest>("/service-requests", columnQuery(status, filters), COLUMN_SIZE);
  const headingId = `sr-column-${status}`;
  return (
    <Box component="section" aria-labelledby={headingId} sx={{ minWidth: 240, flex: "0 0 240px" }}>
      <Typography id={headingId} variant="h6" component="h2" gutterBottom>
        {TEXT.column(STATUS_LABEL[status], column.total)}
      </Typography>
      {column.error && <Alert severity="error">{column.error}</Alert>}
      <Stack component="ul" spacing={1} sx={{ p: 0, m: 0 }}>
        {column.items.map((request) => (
          <RequestCard key={request.id} request={request} />
        ))}
      </Stack>
      {!column.loading && !column.error && column.items.length === 0 && (
        <Typography variant="body2" color="text.secondary">
          {TEXT.none}
        </Typography>
      )}
      {column.loading && <Typography variant="body2">{TEXT.loading}</Typography>}
      {column.hasMore && !column.loading && (
        <Button size="small" onClick={column.more} aria-label={`${TEXT.more}: ${STATUS_LABEL[status]}`}>
          {TEXT.more}
        </Button>
      )}
    </Box>
  );
}

export function ServiceRequestBoard({ statuses = STATUSES }: { statuses?: RequestStatus[] }) {
  const [filters, setFilters] = useState<Filters>({ priority: "", overdue: false });
  return (
    <Box sx={{ p: 2 }}>
      <Title title={TEXT.title} />
      <Typography variant="h5" component="h1" gutterBottom>
        {TEXT.title}
      </Typography>
      <Stack direction="row" spacing={2} alignItems="center" sx={{ mb: 2 }}>
        <FormControl size="small">
          <InputLabel variant="standard" htmlFor="sr-priority">
            {TEXT.priority}
          </InputLabel>
          <NativeSelect
            id="sr-priority"
            value={filters.priority}
            onChange={(event) => setFilters((f) => ({ ...f, priority: event.target.value }))}
          >
            <option value="">{TEXT.anyPriority}</option>
            {Object.entries(PRIORITY_LABEL).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </NativeSelect>
        </FormControl>
        <FormControlLabel
          control={
            <Checkbox checked={filters.overdue} onChange={(event) => setFilters((f) => ({ ...f, overdue: event.target.checked }))} />
          }
          label={TEXT.overdue}
        />
      </Stack>
      <Stack direction="row" spacing={2} sx={{ overflowX: "auto", pb: 2 }}>
        {statuses.map((status) => (
          <Column key={status} status={status} filters={filters} />
        ))}
      </Stack>
    </Box>
  );
}
