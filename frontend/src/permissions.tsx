/**
 * The caller's permissions as the API states them (GET /me/permissions): menus and buttons
 * follow them, never a hard-coded role list. The API refuses every hidden action anyway.
 */
import type { ReactNode } from "react";
import { usePermissions } from "react-admin";

/** How far a permission reaches: one's own records, one's organisation's, or everyone's. */
export type Scope = "own" | "organization" | "all";

export interface Permissions {
  roles: string[];
  permissions: string[];
  /** The widest scope the caller holds each permission with ("own" when the API names none). */
  scopes: Record<string, Scope>;
  /** Held by the user's roles but usable only after an MFA sign-in. */
  withheld: string[];
}

export const NO_PERMISSIONS: Permissions = { roles: [], permissions: [], withheld: [], scopes: {} };

const RANK: Record<Scope, number> = { own: 0, organization: 1, all: 2 };

/**
 * `can(p, "payment:approve")`; a `resource:*` grant covers every action on the resource.
 * With `scope`, the permission must also reach at least that far: staff screens listing
 * everyone's records ask for `"all"`, so a customer's own-scope grant never opens them.
 */
export function can(permissions: Permissions | null | undefined, permission: string, scope?: Scope): boolean {
  if (!permissions) return false;
  const [resource] = permission.split(":");
  const held = permissions.permissions.find((p) => p === permission || p === `${resource}:*` || p === "*");
  if (held === undefined) return false;
  if (scope === undefined) return true;
  const granted = permissions.scopes?.[permission] ?? permissions.scopes?.[held] ?? "own";
  return RANK[granted] >= RANK[scope];
}

export function canAll(permissions: Permissions | null | undefined, ...required: string[]): boolean {
  return required.every((permission) => can(permissions, permission));
}

/** A permission an entry needs: a name, or a name with the scope it must reach. */
export type Requirement = string | { permission: string; scope: Scope };

export function meets(permissions: Permissions | null | undefined, requirement: Requirement | Requirement[]): boolean {
  const all = Array.isArray(requirement) ? requirement : [requirement];
  return all.every((r) => (typeof r === "string" ? can(permissions, r) : can(permissions, r.permission, r.scope)));
}

/** Renders its children only when the caller holds every permission named. */
export function Can({
  permission,
  children,
  fallback = null,
}: {
  permission: Requirement | Requirement[];
  children: ReactNode;
  fallback?: ReactNode;
}) {
  const { permissions, isPending } = usePermissions<Permissions>();
  if (isPending || !meets(permissions, permission)) return <>{fallback}</>;
  return <>{children}</>;
}
