import InboxIcon from "@mui/icons-material/Inbox";
import { Route } from "react-router-dom";
import { type Area, lazyScreen } from "../area";

const ApprovalsInbox = lazyScreen(() => import("./ApprovalsInbox"), "ApprovalsInbox");

const TEXT = { approvals: "Approvals inbox" };

export const area: Area = {
  menu: [{ to: "/approvals", label: TEXT.approvals, icon: <InboxIcon />, group: "Work", requires: "payment:approve" }],
  routes: [<Route key="approvals" path="/approvals" element={<ApprovalsInbox />} />],
};
