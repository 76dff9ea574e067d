export { settingsGet as GET, settingsPut as PUT } from "@/server/deployments/routes";

export const dynamic = "force-dynamic";
