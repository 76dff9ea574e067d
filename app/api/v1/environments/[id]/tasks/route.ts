export { tasksGet as GET } from "@/server/environments/environment-action-routes";

export const dynamic = "force-dynamic";
