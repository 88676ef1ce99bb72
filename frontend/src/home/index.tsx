import HomeIcon from "@mui/icons-material/Home";
import { type Area, lazyScreen } from "../area";

const HomePage = lazyScreen(() => import("./HomePage"), "HomePage");

const TEXT = { home: "Home" };

/**
 * The home page is react-admin's dashboard ("/"). Its menu entry needs `user:read` reaching
 * at least the caller's organisation: every staff role holds it, a customer (scope `own`)
 * does not. The page itself shows each section only to callers its endpoint admits.
 */
export const area: Area = {
  menu: [{ to: "/", label: TEXT.home, icon: <HomeIcon />, group: "Work", requires: { permission: "user:read", scope: "organization" } }],
  dashboard: () => <HomePage />,
};
