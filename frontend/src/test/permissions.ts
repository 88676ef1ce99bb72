/** Test kit: permission fixtures (the API's permission names, never role names). */
import { NO_PERMISSIONS, type Permissions, type Scope } from "../permissions";

export { NO_PERMISSIONS };

/** `names` held at `scope` (all by default). */
export function grants(...names: string[]): Permissions {
  return grantsAt("all", ...names);
}

export function grantsAt(scope: Scope, ...names: string[]): Permissions {
  return { roles: ["staff"], permissions: names, withheld: [], scopes: Object.fromEntries(names.map((n) => [n, scope])) };
}

/** A staff member of the money screens: everyone's records. */
export const STAFF: Permissions = grants(
  "payment:create",
  "payment:approve",
  "vehicle:read",
  "vehicle:transfer",
  "invoice:read",
  "invoice:manage",
);

/** A customer: some of the same permissions, on their own records only. */
export const CUSTOMER: Permissions = { ...grantsAt("own", "payment:create", "user:read"), roles: ["user"] };

/** `base` without `permission`. */
export function withoutPermission(permission: string, base: Permissions = STAFF): Permissions {
  return { ...base, permissions: base.permissions.filter((p) => p !== permission) };
}

/** `base` with `permission` at `scope`. */
export function withScope(permission: string, scope: Scope, base: Permissions = STAFF): Permissions {
  return { ...base, scopes: { ...base.scopes, [permission]: scope } };
}
