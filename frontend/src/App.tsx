import { Admin, CustomRoutes } from "react-admin";
import { Route } from "react-router-dom";
import { ApprovalsInbox } from "./approvals/ApprovalsInbox";
import { authProvider } from "./authProvider";
import { createDataProvider } from "./dataProvider";
import { Layout } from "./Layout";
import { LoginPage } from "./LoginPage";

const dataProvider = createDataProvider();

export function App() {
  return (
    <Admin
      title="Elcorp staff"
      dataProvider={dataProvider}
      authProvider={authProvider}
      loginPage={LoginPage}
      layout={Layout}
      dashboard={ApprovalsInbox}
      requireAuth
      disableTelemetry
    >
      <CustomRoutes>
        <Route path="/approvals" element={<ApprovalsInbox />} />
      </CustomRoutes>
    </Admin>
  );
}
