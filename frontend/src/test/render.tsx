/**
 * Test kit: a screen rendered inside react-admin with the caller's permissions and the real
 * data provider (over the mocked fetch of `./api`).
 */
import { render } from "@testing-library/react";
import type { ReactElement, ReactNode } from "react";
import { Admin, AdminContext, type AuthProvider, type UserIdentity, TestMemoryRouter } from "react-admin";
import { MemoryRouter, Route, Routes } from "react-router-dom";
import { api } from "../api/client";
import { createDataProvider } from "../dataProvider";
import type { Permissions } from "../permissions";
import { STAFF } from "./permissions";

export const STAFF_IDENTITY: UserIdentity = { id: "staff-1", fullName: "Staff One" };

/** A signed-in caller holding `permissions`. */
export function authProviderFor(permissions: Permissions, identity: UserIdentity = STAFF_IDENTITY): AuthProvider {
  return {
    login: async () => {},
    logout: async () => {},
    checkAuth: async () => {},
    checkError: async () => {},
    getPermissions: async () => permissions,
    getIdentity: async () => identity,
  };
}

/** Where the screen is rendered: a URL (a memory router at it) and, if the screen reads route params, the route. */
export type At = string | { url: string; route: string };

/** `ui` inside react-admin's context (no layout), optionally under a router at `at`. */
export function renderAdmin(ui: ReactNode, permissions: Permissions = STAFF, at?: At) {
  const url = typeof at === "string" ? at : at?.url;
  const route = typeof at === "object" ? at.route : undefined;
  const admin = (
    <AdminContext dataProvider={createDataProvider(api)} authProvider={authProviderFor(permissions)}>
      {route ? (
        <Routes>
          <Route path={route} element={ui} />
        </Routes>
      ) : (
        ui
      )}
    </AdminContext>
  );
  return render(url ? <MemoryRouter initialEntries={[url]}>{admin}</MemoryRouter> : admin);
}

/** The whole Admin (layout, menu, routing) with `resources`, opened at `url`. */
export function renderApp(url: string, resources: ReactElement[], permissions: Permissions = STAFF) {
  return render(
    <TestMemoryRouter initialEntries={[url]}>
      <Admin dataProvider={createDataProvider()} authProvider={authProviderFor(permissions)} disableTelemetry>
        {resources}
      </Admin>
    </TestMemoryRouter>,
  );
}
