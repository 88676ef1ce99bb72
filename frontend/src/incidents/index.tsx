import ReportProblemIcon from "@mui/icons-material/ReportProblem";
import { Route } from "react-router-dom";
import { type Area, lazyScreen } from "../area";

const IncidentList = lazyScreen(() => import("./IncidentList"), "IncidentList");
const IncidentPage = lazyScreen(() => import("./IncidentPage"), "IncidentPage");
const NewIncident = lazyScreen(() => import("./NewIncident"), "NewIncident");

const TEXT = { incidents: "Incidents" };

export const area: Area = {
  menu: [
    {
      to: "/incidents",
      label: TEXT.incidents,
      icon: <ReportProblemIcon />,
      group: "Work",
      requires: { permission: "incident:read", scope: "all" },
    },
  ],
  routes: [
    <Route key="incidents" path="/incidents" element={<IncidentList />} />,
    <Route key="incident-new" path="/incidents/new" element={<NewIncident />} />,
    <Route key="incident" path="/incidents/:id" element={<IncidentPage />} />,
  ],
};
