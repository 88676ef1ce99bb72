import { Admin, CustomRoutes } from "react-admin";
import { ApprovalsInbox } from "./approvals/ApprovalsInbox";
import { AREAS } from "./areas";
import { authProvider } from "./authProvider";
import { createDataProvider } from "./dataProvider";
import { Layout } from "./Layout";
import { LoginPage } from "./LoginPage";

const dataProvider = createDataProvider();
const home = AREAS[0];
const Home = home?.dashboard ?? ApprovalsInbox;

export function App() {
  return (
    <Admin
      title="Elcorp staff"
      dataProvider={dataProvider}
      authProvider={authProvider}
      loginPage={LoginPage}
      layout={Layout}
      dashboard={Home}
      requireAuth
      disableTelemetry
    >
      {AREAS.flatMap((area) => area.resources ?? [])}
      <CustomRoutes>{AREAS.flatMap((area) => area.routes ?? [])}</CustomRoutes>
    </Admin>
  );
}
