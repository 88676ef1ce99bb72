/**
 * The caller's permissions as the API states them (GET /me/permissions): menus and buttons
 * follow them, never a hard-coded role list. The API refuses every hidden action anyway.
 */
import type { ReactNode } from "react";
import { usePermissions } from "react-admin";

export interface Permissions {
  roles: string[];
  permissions: string[];
  /** Held by the user's roles but usable only after an MFA sign-in. */
  withheld: string[];
}

export const NO_PERMISSIONS: Permissions = { roles: [], permissions: [], withheld: [] };

/** `can(p, "payment:approve")`; a `resource:*` grant covers every action on the resource. */
export function can(permissions: Permissions | null | undefined, permission: string): boolean {
  if (!permissions) return false;
  const [resource] = permission.split(":");
  return permissions.permissions.some((held) => held === permission || held === `${resource}:*` || held === "*");
}

export function canAll(permissions: Permissions | null | undefined, ...required: string[]): boolean {
  return required.every((permission) => can(permissions, permission));
}

/** Renders its children only when the caller holds every permission named. */
export function Can({
  permission,
  children,
  fallback = null,
}: {
  permission: string | string[];
  children: ReactNode;
  fallback?: ReactNode;
}) {
  const { permissions, isPending } = usePermissions<Permissions>();
  const required = Array.isArray(permission) ? permission : [permission];
  if (isPending || !canAll(permissions, ...required)) return <>{fallback}</>;
  return <>{children}</>;
}
