import DirectionsCarIcon from "@mui/icons-material/DirectionsCar";
import { Resource } from "react-admin";
import { type Area, lazyScreen } from "../area";

const VehicleList = lazyScreen(() => import("./VehicleList"), "VehicleList");
const VehicleShow = lazyScreen(() => import("./VehicleShow"), "VehicleShow");

const TEXT = { vehicles: "Vehicles" };

/** Staff (vehicle:read at scope all) read every vehicle; customers' own-scope grant never opens it. */
export const area: Area = {
  menu: [
    {
      to: "/vehicles",
      label: TEXT.vehicles,
      icon: <DirectionsCarIcon />,
      group: "Money",
      requires: { permission: "vehicle:read", scope: "all" },
    },
  ],
  resources: [<Resource key="vehicles" name="vehicles" list={VehicleList} show={VehicleShow} />],
};
