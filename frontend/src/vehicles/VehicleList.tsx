import { Box, Button, Stack, TextField as MuiTextField } from "@mui/material";
import { type FormEvent, useState } from "react";
import { Datagrid, FunctionField, List, TextField, TextInput } from "react-admin";
import { useNavigate } from "react-router-dom";
import type { Vehicle } from "../api/types";
import { formatDateTime } from "../format";

export const TEXT = {
  title: "Vehicles",
  lookup: "VIN or chassis number",
  find: "Look up vehicle",
  lookupHint: "17-character VIN, or a chassis number such as SV30-0169266",
  empty: "Enter a VIN or a chassis number",
  owner: "Owner ID",
  identifier: "VIN / chassis number",
  type: "Identifier type",
  make: "Make",
  model: "Model",
  year: "Year",
  registration: "Registration number",
  registered: "Registered",
};

/** The identifier the API takes in `/vehicles/{vin}`: the VIN, else the chassis number. */
export function identifierOf(vehicle: Pick<Vehicle, "vin" | "chassis_number">): string {
  return vehicle.vin ?? vehicle.chassis_number ?? "";
}

export function vehiclePath(identifier: string): string {
  return `/vehicles/${encodeURIComponent(identifier)}/show`;
}

/** Search box: GET /vehicles/{vin} answers a VIN or a chassis number, any case. */
function VehicleLookup() {
  const navigate = useNavigate();
  const [value, setValue] = useState("");
  const [error, setError] = useState<string | null>(null);

  function find(event: FormEvent) {
    event.preventDefault();
    const identifier = value.trim();
    if (!identifier) {
      setError(TEXT.empty);
      return;
    }
    navigate(vehiclePath(identifier));
  }

  return (
    <Box component="form" role="search" aria-label={TEXT.find} onSubmit={find} sx={{ mt: 2, mb: 1 }}>
      <Stack direction="row" spacing={1} alignItems="flex-start">
        <MuiTextField
          size="small"
          label={TEXT.lookup}
          value={value}
          onChange={(event) => {
            setValue(event.target.value);
            setError(null);
          }}
          error={error !== null}
          helperText={error ?? TEXT.lookupHint}
          slotProps={{ htmlInput: { maxLength: 40 } }}
          sx={{ minWidth: 320 }}
        />
        <Button type="submit" variant="contained">
          {TEXT.find}
        </Button>
      </Stack>
    </Box>
  );
}

const filters = [<TextInput key="owner_id" source="owner_id" label={TEXT.owner} alwaysOn />];

/** Every registered vehicle (staff), newest first, or one owner's. */
export function VehicleList() {
  return (
    <>
      <VehicleLookup />
      <List<Vehicle> empty={false} resource="vehicles" title={TEXT.title} filters={filters} perPage={25} exporter={false}>
        <Datagrid
          bulkActionButtons={false}
          rowClick={(_id, _resource, record) => vehiclePath(identifierOf(record as Vehicle))}
        >
          <FunctionField<Vehicle> label={TEXT.identifier} sortable={false} render={identifierOf} />
          <TextField source="identifier_type" label={TEXT.type} sortable={false} />
          <TextField source="make" label={TEXT.make} sortable={false} emptyText="" />
          <TextField source="model" label={TEXT.model} sortable={false} emptyText="" />
          <FunctionField<Vehicle> label={TEXT.year} sortable={false} render={(v) => v.year ?? v.model_year ?? ""} />
          <TextField source="registration_number" label={TEXT.registration} sortable={false} emptyText="" />
          <TextField source="owner_id" label={TEXT.owner} sortable={false} />
          <FunctionField<Vehicle> label={TEXT.registered} sortable={false} render={(v) => formatDateTime(v.created_at)} />
        </Datagrid>
      </List>
    </>
  );
}
