import AssignmentIcon from "@mui/icons-material/Assignment";
import { Route } from "react-router-dom";
import { type Area, lazyScreen } from "../area";

const ServiceRequestBoard = lazyScreen(() => import("./ServiceRequestBoard"), "ServiceRequestBoard");
const ServiceRequestPage = lazyScreen(() => import("./ServiceRequestPage"), "ServiceRequestPage");

const TEXT = { serviceRequests: "Service requests" };

export const area: Area = {
  menu: [
    {
      to: "/service-requests",
      label: TEXT.serviceRequests,
      icon: <AssignmentIcon />,
      group: "Work",
      requires: { permission: "service_request:read", scope: "all" },
    },
  ],
  routes: [
    <Route key="service-requests" path="/service-requests" element={<ServiceRequestBoard />} />,
    <Route key="service-request" path="/service-requests/:id" element={<ServiceRequestPage />} />,
  ],
};
