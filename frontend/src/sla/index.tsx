import TimerIcon from "@mui/icons-material/Timer";
import { Route } from "react-router-dom";
import { type Area, lazyScreen } from "../area";
const SLA_READ = "sla:read";

const SlaBoard = lazyScreen(() => import("./SlaBoard"), "SlaBoard");

const TEXT = { sla: "SLA board" };

export const area: Area = {
  menu: [{ to: "/sla", label: TEXT.sla, icon: <TimerIcon />, group: "Work", requires: { permission: SLA_READ, scope: "all" } }],
  routes: [<Route key="sla" path="/sla" element={<SlaBoard />} />],
};
