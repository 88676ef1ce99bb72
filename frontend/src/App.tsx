import { Admin, CustomRoutes, defaultTheme } from "react-admin";
import { AREAS } from "./areas";
import { authProvider } from "./authProvider";
import { createDataProvider } from "./dataProvider";
import { Layout } from "./Layout";
import { LoginPage } from "./LoginPage";

const dataProvider = createDataProvider();
const Home = AREAS.find((area) => area.dashboard)?.dashboard;

/**
 * react-admin's theme with contrast WCAG AA accepts (axe checks every page): MUI's default
 * blues (#1976d2 primary, #2196f3 app bar) under 4.5:1 with their text, so both use #1565c0
 * (5.75:1 with white); the empty-list message uses secondary text, not the disabled grey.
 */
const theme = {
  ...defaultTheme,
  palette: {
    ...defaultTheme.palette,
    primary: { main: "#1565c0" },
    secondary: { ...defaultTheme.palette?.secondary, main: "#1565c0", contrastText: "#fff" },
  },
  components: {
    ...defaultTheme.components,
    RaEmpty: { styleOverrides: { root: { "& .RaEmpty-message": { color: "rgba(0, 0, 0, 0.6)" } } } },
  },
};

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
