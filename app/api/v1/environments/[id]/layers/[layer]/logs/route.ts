export { logsGet as GET } from "@/server/logs/routes";

export const dynamic = "force-dynamic";
