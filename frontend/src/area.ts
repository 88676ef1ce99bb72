/**
 * How a screen area plugs into the app: each folder (users/, incidents/, ...) exports one
 * `Area` from its index.tsx; App.tsx composes them and the menu shows an entry only when
 * the caller's permissions (GET /me/permissions) meet its requirement. The API refuses every
 * hidden action anyway: the menu is convenience, never the control.
 */
import { type ComponentType, type LazyExoticComponent, type ReactElement, lazy } from "react";
import type { Requirement } from "./permissions";

/** Menu sections, in the order shown. */
export const MENU_GROUPS = ["Work", "Money", "Governance", "Compliance"] as const;
export type MenuGroup = (typeof MENU_GROUPS)[number];

export interface MenuEntry {
  /** The route, e.g. "/users". */
  to: string;
  /** The menu text (kept in the area's TEXT object, so strings stay in one place per area). */
  label: string;
  icon: ReactElement;
  group: MenuGroup;
  /** What the caller must hold to see the entry (every item of a list). */
  requires: Requirement | Requirement[];
}

export interface Area {
  menu: MenuEntry[];
  /** react-admin `<Resource>` elements (each with a `key`). */
  resources?: ReactElement[];
  /** `<Route>` elements for pages that are not resources (each with a `key`). */
  routes?: ReactElement[];
  /** The home page (only the home area sets it). */
  dashboard?: () => ReactElement;
}

/**
 * A screen loaded on first use: its code leaves the initial bundle (the budget is
 * 350 KiB gzip of initial JS). react-admin's layout shows its loading state meanwhile.
 * `lazyScreen(() => import("./UserList"), "UserList")`.
 */
export function lazyScreen<M, K extends keyof M>(load: () => Promise<M>, name: K): LazyExoticComponent<ComponentType<object>> {
  return lazy(() => load().then((module) => ({ default: module[name] as ComponentType<object> })));
}
