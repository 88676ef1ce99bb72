/** The role-administration calls (governance API). */
import { type ApiClient, api } from "../api/client";
import type { PermissionCategory, Role } from "../api/types";

export type ScopeName = "own" | "organization" | "all";

export interface RoleChanges {
  name?: string;
  description?: string | null;
  permissions?: string[];
  scopes?: Record<string, ScopeName>;
}

const rolePath = (id: string) => `/roles/${encodeURIComponent(id)}`;

/** GET /permissions: the catalogue, by category (a small set: one page). */
export function permissionCatalogue(client: ApiClient = api): Promise<PermissionCategory[]> {
  return client.data<PermissionCategory[]>("/permissions");
}

export function getRole(id: string, client: ApiClient = api): Promise<Role> {
  return client.data<Role>(rolePath(id));
}

/** POST /roles; the API grants only what the caller holds itself. */
export function createRole(
  body: RoleChanges & { name: string },
  headers: Record<string, string> = {},
  client: ApiClient = api,
): Promise<Role> {
  return client.data<Role>("/roles", { method: "POST", body, headers });
}

/** PATCH /roles/{id}; system roles keep their name and permissions. */
export function updateRole(
  id: string,
  body: RoleChanges,
  headers: Record<string, string> = {},
  client: ApiClient = api,
): Promise<Role> {
  return client.data<Role>(rolePath(id), { method: "PATCH", body, headers });
}

/** DELETE /roles/{id}: a custom role only; its holders lose it. */
export async function deleteRole(id: string, headers: Record<string, string> = {}, client: ApiClient = api): Promise<void> {
  await client.request(rolePath(id), { method: "DELETE", headers });
}
