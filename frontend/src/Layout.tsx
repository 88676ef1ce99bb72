import type { ReactNode } from "react";
import { Layout as RaLayout, Menu, usePermissions } from "react-admin";
import { MENU_GROUPS } from "./area";
import { AREAS } from "./areas";
import { type Permissions, meets } from "./permissions";
import { SessionBanner } from "./session/SessionBanner";

/** The menu, grouped, showing only what the caller's permissions allow. */
export function AppMenu() {
  const { permissions } = usePermissions<Permissions>();
  const entries = AREAS.flatMap((area) => area.menu).filter((entry) => meets(permissions, entry.requires));
  return (
    <Menu>
      {MENU_GROUPS.flatMap((group) =>
        entries
          .filter((entry) => entry.group === group)
          .map((entry) => <Menu.Item key={entry.to} to={entry.to} primaryText={entry.label} leftIcon={entry.icon} />),
      )}
    </Menu>
  );
}

/**
 * react-admin's layout with the dashboard's menu; actions inside pages follow permissions.
 * The session banner warns before the session ends (idle or absolute limit) and ends it.
 */
export function Layout({ children }: { children: ReactNode }) {
  return (
    <RaLayout menu={AppMenu}>
      <SessionBanner />
      {children}
    </RaLayout>
  );
}
