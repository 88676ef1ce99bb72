import { Admin, CustomRoutes, defaultTheme } from "react-admin";
import { AREAS } from "./areas";
import { authProvider } from "./authProvider";
import { createDataProvider } from "./dataProvider";
import { Layout } from "./Layout";
import { LoginPage } from "./LoginPage";

const dataProvider = createDataProvider();
const Home = AREAS.find((area) => area.dashboard)?.dashboard;

/** react-admin's theme with a darker primary blue: MUI's default (#1976d2) on the page
 * background is 4.4:1, under WCAG AA's 4.5:1 for text; #1565c0 is 5.6:1. */
const theme = { ...defaultTheme, palette: { ...defaultTheme.palette, primary: { main: "#1565c0" } } };

export function App() {
  return (
    <Admin
      title="Elcorp staff"
      dataProvider={dataProvider}
      authProvider={authProvider}
      loginPage={LoginPage}
      layout={Layout}
      theme={theme}
      dashboard={Home}
      requireAuth
      disableTelemetry
    >
      {AREAS.flatMap((area) => area.resources ?? [])}
      <CustomRoutes>{AREAS.flatMap((area) => area.routes ?? [])}</CustomRoutes>
    </Admin>
  );
}
