export { revisionsGet as GET } from "@/server/config-files/routes";

export const dynamic = "force-dynamic";
