export { deploymentsGet as GET, deploymentsPost as POST } from "@/server/deployments/routes";

export const dynamic = "force-dynamic";
