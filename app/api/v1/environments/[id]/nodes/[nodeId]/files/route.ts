export { filesGet as GET, filesPut as PUT } from "@/server/config-files/routes";

export const dynamic = "force-dynamic";
