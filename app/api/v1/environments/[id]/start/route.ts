export { startPost as POST } from "@/server/environments/environment-action-routes";

export const dynamic = "force-dynamic";
