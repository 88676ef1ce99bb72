import GppMaybeIcon from "@mui/icons-material/GppMaybe";
import { Resource } from "react-admin";
import { type Area, lazyScreen } from "../area";

const RiskCreate = lazyScreen(() => import("./RiskForm"), "RiskCreate");
const RiskEdit = lazyScreen(() => import("./RiskForm"), "RiskEdit");
const RiskList = lazyScreen(() => import("./RiskList"), "RiskList");
const RiskShow = lazyScreen(() => import("./RiskShow"), "RiskShow");

const TEXT = { risks: "Risk register" };

export const area: Area = {
  menu: [{ to: "/risks", label: TEXT.risks, icon: <GppMaybeIcon />, group: "Compliance", requires: { permission: "risk:read", scope: "all" } }],
  resources: [<Resource key="risks" name="risks" list={RiskList} show={RiskShow} create={RiskCreate} edit={RiskEdit} />],
};
