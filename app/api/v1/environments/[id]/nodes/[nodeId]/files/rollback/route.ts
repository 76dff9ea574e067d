export { rollbackPost as POST } from "@/server/config-files/routes";

export const dynamic = "force-dynamic";
