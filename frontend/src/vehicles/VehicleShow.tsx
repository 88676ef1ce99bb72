import { Alert, Stack, Table, TableBody, TableCell, TableHead, TableRow, Typography } from "@mui/material";
import { useState } from "react";
import { FunctionField, Link, Show, SimpleShowLayout, TextField, useRecordContext } from "react-admin";
import { useParams } from "react-router-dom";
import type { Vehicle, VehicleOwnershipPeriod, VehicleTransferOffer } from "../api/types";
import { formatDateTime } from "../format";
import { useShowError } from "../shared/showError";
import { ForceTransferButton } from "./ForceTransfer";
import { useCursorPage } from "../shared/cursor";
import { identifierOf } from "./VehicleList";

const TEXT = {
  title: "Vehicle",
  vin: "VIN",
  chassis: "Chassis number",
  type: "Identifier type",
  checkDigit: "Check digit valid",
  yes: "Yes",
  no: "No (check digit mismatch)",
  notApplicable: "Not applicable (chassis number)",
  manufacturer: "Manufacturer",
  country: "Country",
  modelYear: "Model year (decoded)",
  make: "Make",
  model: "Model",
  year: "Year",
  colour: "Colour",
  registration: "Registration number",
  owner: "Owner (user ID)",
  account: "Token account",
  status: "Status",
  registered: "Registered",
  history: "Ownership history",
  transfers: "Transfers",
  started: "From",
  ended: "Until",
  current: "Current owner",
  byTransfer: "By transfer",
  registration0: "Registration",
  from: "From owner",
  to: "To user",
  state: "State",
  offeredBy: "Offered by",
  reason: "Reason",
  created: "Created",
  decided: "Decided",
  noHistory: "No ownership periods.",
  noTransfers: "No transfers.",
  more: "Only the first 100 are shown.",
  loading: "Loading…",
};

function checkDigit(vehicle: Vehicle): string {
  if (vehicle.check_digit_valid === null) return TEXT.notApplicable;
  return vehicle.check_digit_valid ? TEXT.yes : TEXT.no;
}

/** The first 100 rows (remounted, so asked again, after a forced transfer). */
function History({ identifier }: { identifier: string }) {
  const { rows, hasNext: hasMore, error, loading } = useCursorPage<VehicleOwnershipPeriod>(`/vehicles/${encodeURIComponent(identifier)}/history`, {}, 100);
  return (
    <Stack spacing={1} component="section" aria-labelledby="history-heading">
      <Typography variant="h6" component="h2" id="history-heading">
        {TEXT.history}
      </Typography>
      {error && <Alert severity="error">{error}</Alert>}
      {loading && <Typography>{TEXT.loading}</Typography>}
      {!loading && !error && rows.length === 0 && <Typography>{TEXT.noHistory}</Typography>}
      {rows.length > 0 && (
        <Table size="small" aria-labelledby="history-heading">
          <TableHead>
            <TableRow>
              <TableCell>{TEXT.owner}</TableCell>
              <TableCell>{TEXT.started}</TableCell>
              <TableCell>{TEXT.ended}</TableCell>
              <TableCell>{TEXT.byTransfer}</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {rows.map((period) => (
              <TableRow key={`${period.owner_id}-${period.started_at}`}>
                <TableCell>{period.owner_id}</TableCell>
                <TableCell>{formatDateTime(period.started_at)}</TableCell>
                <TableCell>{period.ended_at ? formatDateTime(period.ended_at) : TEXT.current}</TableCell>
                <TableCell>{period.transfer_id ?? TEXT.registration0}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      {hasMore && <Typography variant="body2">{TEXT.more}</Typography>}
    </Stack>
  );
}

/** The first 100 rows (remounted, so asked again, after a forced transfer). */
function Transfers({ identifier }: { identifier: string }) {
  const { rows, hasNext: hasMore, error, loading } = useCursorPage<VehicleTransferOffer>(`/vehicles/${encodeURIComponent(identifier)}/transfers`, {}, 100);
  return (
    <Stack spacing={1} component="section" aria-labelledby="transfers-heading">
      <Typography variant="h6" component="h2" id="transfers-heading">
        {TEXT.transfers}
      </Typography>
      {error && <Alert severity="error">{error}</Alert>}
      {loading && <Typography>{TEXT.loading}</Typography>}
      {!loading && !error && rows.length === 0 && <Typography>{TEXT.noTransfers}</Typography>}
      {rows.length > 0 && (
        <Table size="small" aria-labelledby="transfers-heading">
          <TableHead>
            <TableRow>
              <TableCell>{TEXT.created}</TableCell>
              <TableCell>{TEXT.from}</TableCell>
              <TableCell>{TEXT.to}</TableCell>
              <TableCell>{TEXT.state}</TableCell>
              <TableCell>{TEXT.offeredBy}</TableCell>
              <TableCell>{TEXT.reason}</TableCell>
              <TableCell>{TEXT.decided}</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {rows.map((transfer) => (
              <TableRow key={transfer.id}>
                <TableCell>{formatDateTime(transfer.created_at)}</TableCell>
                <TableCell>{transfer.from_owner_id}</TableCell>
                <TableCell>{transfer.to_user_id}</TableCell>
                <TableCell>{transfer.status}</TableCell>
                <TableCell>{transfer.offered_by}</TableCell>
                <TableCell>{transfer.reason ?? ""}</TableCell>
                <TableCell>{formatDateTime(transfer.decided_at)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      {hasMore && <Typography variant="body2">{TEXT.more}</Typography>}
    </Stack>
  );
}

function Ownership() {
  const vehicle = useRecordContext<Vehicle>();
  const [version, setVersion] = useState(0);
  if (!vehicle) return null;
  const identifier = identifierOf(vehicle);
  return (
    <Stack spacing={4} sx={{ p: 2 }}>
      <div>
        <ForceTransferButton vehicle={vehicle} onDone={() => setVersion((v) => v + 1)} />
      </div>
      <History key={`history-${version}`} identifier={identifier} />
      <Transfers key={`transfers-${version}`} identifier={identifier} />
    </Stack>
  );
}

/** One vehicle by VIN or chassis number: decoded fields, ownership history and transfers. */
export function VehicleShow() {
  const onError = useShowError("vehicles");
  // The page's URL names the vehicle by VIN or chassis number (the API's path key), and
  // react-admin requires the record's id to be the one asked for: the UUID stays in `uuid`.
  const { id: asked = "" } = useParams<{ id: string }>();
  return (
    <Show<Vehicle & { uuid: string }>
      resource="vehicles"
      title={TEXT.title}
      queryOptions={{
        select: (found) => ({ ...found, uuid: found.id, id: asked }),
        onError, // the API's own answer, e.g. "Vehicle not found"
      }}
    >
      <SimpleShowLayout>
        <TextField source="vin" label={TEXT.vin} emptyText="" />
        <TextField source="chassis_number" label={TEXT.chassis} emptyText="" />
        <TextField source="identifier_type" label={TEXT.type} />
        <FunctionField<Vehicle> label={TEXT.checkDigit} render={checkDigit} />
        <TextField source="manufacturer" label={TEXT.manufacturer} emptyText="" />
        <TextField source="country" label={TEXT.country} emptyText="" />
        <TextField source="model_year" label={TEXT.modelYear} emptyText="" />
        <TextField source="make" label={TEXT.make} emptyText="" />
        <TextField source="model" label={TEXT.model} emptyText="" />
        <TextField source="year" label={TEXT.year} emptyText="" />
        <TextField source="colour" label={TEXT.colour} emptyText="" />
        <TextField source="registration_number" label={TEXT.registration} emptyText="" />
        <TextField source="owner_id" label={TEXT.owner} />
        <FunctionField<Vehicle>
          label={TEXT.account}
          render={(v) => <Link to={`/wallets/${encodeURIComponent(v.account_id)}/show`}>{v.account_id}</Link>}
        />
        <TextField source="status" label={TEXT.status} />
        <FunctionField<Vehicle> label={TEXT.registered} render={(v) => formatDateTime(v.created_at)} />
      </SimpleShowLayout>
      <Ownership />
    </Show>
  );
}
