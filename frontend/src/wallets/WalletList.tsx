import { Box, Button, Stack, TextField as MuiTextField } from "@mui/material";
import { type FormEvent, useState } from "react";
import { Datagrid, FunctionField, List, TextField, TextInput } from "react-admin";
import { useNavigate } from "react-router-dom";
import type { Wallet } from "../api/types";
import { formatDateTime } from "../format";
import { formatMoney } from "../money";

export const TEXT = {
  title: "Wallets",
  lookup: "Wallet ID",
  open: "Open wallet",
  lookupHint: "Open any customer's wallet by its ID (also linked from each transaction).",
  owner: "Owner (user ID)",
  invalid: "A wallet ID is a UUID, e.g. 3b1f0c8e-1d2a-4c5b-9e8f-0a1b2c3d4e5f",
  id: "Wallet ID",
  currency: "Currency",
  balance: "Balance",
  available: "Available",
  held: "Held",
  status: "Status",
  opened: "Opened",
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Open a wallet's page by its ID (the API has no list of every customer's wallets). */
function WalletLookup() {
  const navigate = useNavigate();
  const [id, setId] = useState("");
  const [error, setError] = useState<string | null>(null);

  function open(event: FormEvent) {
    event.preventDefault();
    const wanted = id.trim();
    if (!UUID.test(wanted)) {
      setError(TEXT.invalid);
      return;
    }
    navigate(`/wallets/${encodeURIComponent(wanted.toLowerCase())}/show`);
  }

  return (
    <Box component="form" role="search" aria-label={TEXT.open} onSubmit={open} sx={{ mt: 2, mb: 1 }}>
      <Stack direction="row" spacing={1} alignItems="flex-start">
        <MuiTextField
          size="small"
          label={TEXT.lookup}
          value={id}
          onChange={(event) => {
            setId(event.target.value);
            setError(null);
          }}
          error={error !== null}
          helperText={error ?? TEXT.lookupHint}
          sx={{ minWidth: 360 }}
        />
        <Button type="submit" variant="contained">
          {TEXT.open}
        </Button>
      </Stack>
    </Box>
  );
}

/** A customer's wallets, by the owner's user ID (GET /wallets?owner_id=, staff only). */
const filters = [<TextInput key="owner_id" source="owner_id" label={TEXT.owner} alwaysOn sx={{ minWidth: 360 }} />];

/** The wallets GET /wallets answers (the caller's, or the owner's named in the filter; one
 * page), and a lookup of any wallet by ID. */
export function WalletList() {
  return (
    <>
      <WalletLookup />
      <List<Wallet> empty={false} resource="wallets" title={TEXT.title} filters={filters} exporter={false} pagination={false} perPage={100}>
        <Datagrid bulkActionButtons={false} rowClick="show">
          <TextField source="id" label={TEXT.id} sortable={false} />
          <TextField source="currency" label={TEXT.currency} sortable={false} />
          <FunctionField<Wallet>
            label={TEXT.balance}
            textAlign="right"
            sortable={false}
            render={(w) => formatMoney(w.balance, w.currency)}
          />
          <FunctionField<Wallet>
            label={TEXT.available}
            textAlign="right"
            sortable={false}
            render={(w) => formatMoney(w.available_balance, w.currency)}
          />
          <FunctionField<Wallet> label={TEXT.held} textAlign="right" sortable={false} render={(w) => formatMoney(w.held, w.currency)} />
          <TextField source="status" label={TEXT.status} sortable={false} />
          <FunctionField<Wallet> label={TEXT.opened} sortable={false} render={(w) => formatDateTime(w.created_at)} />
        </Datagrid>
      </List>
    </>
  );
}
