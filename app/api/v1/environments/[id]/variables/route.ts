export { variablesGet as GET, variablesPut as PUT } from "@/server/deployments/routes";

export const dynamic = "force-dynamic";
