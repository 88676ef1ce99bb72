import {
  Alert,
  Box,
  Button,
  Card,
  CardContent,
  Checkbox,
  MenuItem,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  TextField,
  Typography,
} from "@mui/material";
import { useEffect, useMemo, useState } from "react";
import { Title, useNotify, useRedirect } from "react-admin";
import { useParams } from "react-router-dom";
import { errorMessage } from "../api/client";
import type { PermissionCategory, Role } from "../api/types";
import { ActionDialog } from "../shared/ActionDialog";
import { type RoleChanges, type ScopeName, createRole, getRole, permissionCatalogue, updateRole } from "./api";

export const SCOPE_TEXT: Record<ScopeName, string> = {
  own: "Own records",
  organization: "Own organisation",
  all: "Everyone",
};

const TEXT = {
  createTitle: "New role",
  editTitle: (name: string) => `Edit role ${name}`,
  loading: "Loading…",
  name: "Role name",
  nameHelp: "Lower-case letters and digits, joined by - or _",
  description: "Description",
  systemNote: "A system role keeps its name and permissions; only its description can change.",
  permission: "Permission",
  meaning: "Meaning",
  grant: "Granted",
  scope: "Scope",
  grantLabel: (name: string) => `Grant ${name}`,
  scopeLabel: (name: string) => `Scope of ${name}`,
  mfa: "MFA session",
  mfaNote: " (needs an MFA session)",
  save: "Save role",
  cancel: "Cancel",
  confirmCreate: "Create this role?",
  confirmUpdate: "Save these changes to the role?",
  summary: (count: number) => `${count} permission${count === 1 ? "" : "s"} granted.`,
  added: "Added",
  removed: "Removed",
  rescoped: "Scope changed",
  created: "Role created",
  saved: "Role saved",
};

type Grants = Record<string, ScopeName>;

function widest(scopes: ScopeName[]): ScopeName {
  return scopes[scopes.length - 1] ?? "all";
}

/** Create a role, or change an existing one's description, permissions and scopes. */
export function RoleEditor({ id: given }: { id?: string }) {
  const params = useParams<{ id: string }>();
  const id = given ?? params.id;
  const notify = useNotify();
  const redirect = useRedirect();
  const [catalogue, setCatalogue] = useState<PermissionCategory[] | null>(null);
  const [role, setRole] = useState<Role | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [grants, setGrants] = useState<Grants>({});
  const [confirming, setConfirming] = useState(false);

  useEffect(() => {
    let live = true;
    Promise.all([permissionCatalogue(), id ? getRole(id) : Promise.resolve(null)])
      .then(([found, existing]) => {
        if (!live) return;
        setCatalogue(found);
        if (existing) {
          setRole(existing);
          setName(existing.name);
          setDescription(existing.description ?? "");
          setGrants({ ...(existing.scopes as Grants) });
        }
      })
      .catch((failure: unknown) => live && setLoadError(errorMessage(failure)));
    return () => {
      live = false;
    };
  }, [id]);

  const locked = Boolean(role?.is_system_role);
  const changes = useMemo(() => {
    const before = (role?.scopes ?? {}) as Grants;
    return {
      added: Object.keys(grants).filter((p) => !(p in before)),
      removed: Object.keys(before).filter((p) => !(p in grants)),
      rescoped: Object.keys(grants).filter((p) => p in before && before[p] !== grants[p]),
    };
  }, [grants, role]);

  if (loadError) {
    return (
      <Alert severity="error" role="alert" sx={{ m: 2 }}>
        {loadError}
      </Alert>
    );
  }
  if (!catalogue || (id && !role)) return <Box sx={{ p: 2 }}>{TEXT.loading}</Box>;

  function toggle(permission: string, scopes: ScopeName[]) {
    setGrants((current) => {
      const next = { ...current };
      if (permission in next) delete next[permission];
      else next[permission] = widest(scopes);
      return next;
    });
  }

  function body(): RoleChanges {
    // In the catalogue's order (grants the catalogue no longer names kept at the end).
    const listed = (catalogue ?? []).flatMap((group) => group.permissions.map((p) => p.name));
    const permissions = [...listed.filter((p) => p in grants), ...Object.keys(grants).filter((p) => !listed.includes(p))];
    const trimmed = description.trim() || null;
    if (locked) return { description: trimmed };
    return {
      ...(role && name === role.name ? {} : { name }),
      description: trimmed,
      permissions,
      scopes: Object.fromEntries(permissions.map((p) => [p, grants[p]!])),
    };
  }

  async function save(headers: Record<string, string>) {
    if (role) {
      await updateRole(String(role.id), body(), headers);
      notify(TEXT.saved, { type: "success" });
      redirect("show", "roles", role.id);
    } else {
      const created = await createRole({ ...body(), name }, headers);
      notify(TEXT.created, { type: "success" });
      redirect("show", "roles", created.id);
    }
  }

  const title = role ? TEXT.editTitle(role.name) : TEXT.createTitle;
  return (
    <Card sx={{ mt: 2 }}>
      <Title title={title} />
      <CardContent>
        {locked && <Alert severity="info">{TEXT.systemNote}</Alert>}
        <Stack spacing={2} sx={{ my: 2, maxWidth: 560 }}>
          <TextField
            label={TEXT.name}
            helperText={TEXT.nameHelp}
            required
            disabled={locked}
            value={name}
            onChange={(event) => setName(event.target.value)}
            slotProps={{ htmlInput: { maxLength: 64 } }}
          />
          <TextField
            label={TEXT.description}
            multiline
            value={description}
            onChange={(event) => setDescription(event.target.value)}
            slotProps={{ htmlInput: { maxLength: 500 } }}
          />
        </Stack>
        {catalogue.map((group) => (
          <Box key={group.category} component="section" sx={{ mt: 3 }}>
            <Typography variant="h6" component="h2">
              {group.category}
            </Typography>
            <Table size="small" aria-label={group.category}>
              <TableHead>
                <TableRow>
                  <TableCell component="th" scope="col">
                    {TEXT.grant}
                  </TableCell>
                  <TableCell component="th" scope="col">
                    {TEXT.permission}
                  </TableCell>
                  <TableCell component="th" scope="col">
                    {TEXT.meaning}
                  </TableCell>
                  <TableCell component="th" scope="col">
                    {TEXT.scope}
                  </TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {group.permissions.map((permission) => {
                  const held = grants[permission.name];
                  const scopes = permission.scopes as ScopeName[];
                  return (
                    <TableRow key={permission.name}>
                      <TableCell padding="checkbox">
                        <Checkbox
                          checked={held !== undefined}
                          disabled={locked}
                          onChange={() => toggle(permission.name, scopes)}
                          slotProps={{ input: { "aria-label": TEXT.grantLabel(permission.name) } }}
                        />
                      </TableCell>
                      <TableCell>{permission.name}</TableCell>
                      <TableCell>
                        {permission.description ?? ""}
                        {permission.privileged ? TEXT.mfaNote : ""}
                      </TableCell>
                      <TableCell>
                        {held !== undefined && (
                          <TextField
                            select
                            size="small"
                            label={TEXT.scopeLabel(permission.name)}
                            disabled={locked || scopes.length < 2}
                            value={held}
                            onChange={(event) =>
                              setGrants((current) => ({ ...current, [permission.name]: event.target.value as ScopeName }))
                            }
                          >
                            {scopes.map((scope) => (
                              <MenuItem key={scope} value={scope}>
                                {SCOPE_TEXT[scope]}
                              </MenuItem>
                            ))}
                          </TextField>
                        )}
                      </TableCell>
                    </TableRow>
                  );
                })}
              </TableBody>
            </Table>
          </Box>
        ))}
        <Stack direction="row" spacing={1} sx={{ mt: 3 }}>
          <Button variant="contained" disabled={!name.trim()} onClick={() => setConfirming(true)}>
            {TEXT.save}
          </Button>
          <Button onClick={() => (role ? redirect("show", "roles", role.id) : redirect("list", "roles"))}>{TEXT.cancel}</Button>
        </Stack>
      </CardContent>
      {confirming && (
        <ActionDialog
          title={role ? TEXT.confirmUpdate : TEXT.confirmCreate}
          confirmLabel={TEXT.save}
          onClose={() => setConfirming(false)}
          onConfirm={({ headers }) => save(headers)}
          emergencyRetry
          description={
            <>
            <Box>
              {name}: {TEXT.summary(Object.keys(grants).length)}
            </Box>
            {role && !locked && (
              <Box component="ul" sx={{ pl: 3 }}>
                {changes.added.length > 0 && <li>{`${TEXT.added}: ${changes.added.join(", ")}`}</li>}
                {changes.removed.length > 0 && <li>{`${TEXT.removed}: ${changes.removed.join(", ")}`}</li>}
                {changes.rescoped.length > 0 && (
                  <li>{`${TEXT.rescoped}: ${changes.rescoped.map((p) => `${p} → ${SCOPE_TEXT[grants[p]!]}`).join(", ")}`}</li>
                )}
              </Box>
            )}
            </>
          }
        />
      )}
    </Card>
  );
}
