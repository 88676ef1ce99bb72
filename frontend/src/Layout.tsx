import InboxIcon from "@mui/icons-material/Inbox";
import type { ReactNode } from "react";
import { Layout as RaLayout, Menu } from "react-admin";

const TEXT = { approvals: "Approvals inbox" };

function AppMenu() {
  return (
    <Menu>
      <Menu.Item to="/approvals" primaryText={TEXT.approvals} leftIcon={<InboxIcon />} />
    </Menu>
  );
}

/** react-admin's layout with the dashboard's menu; actions inside pages follow permissions. */
export function Layout({ children }: { children: ReactNode }) {
  return <RaLayout menu={AppMenu}>{children}</RaLayout>;
}
