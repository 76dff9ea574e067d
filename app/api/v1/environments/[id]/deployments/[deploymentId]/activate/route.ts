export { activatePost as POST } from "@/server/deployments/routes";

export const dynamic = "force-dynamic";
