import { backupContent } from "@/server/databases/backups";
import { route } from "@/server/http/route";

export const dynamic = "force-dynamic";

/** The dump as a file (plain SQL). */
export const GET = route<{ id: string; backupId: string }>(async ({ params }) => {
  const { file, content } = await backupContent(params.id, params.backupId);
  return new Response(content, {
    headers: { "content-type": "application/sql; charset=utf-8", "content-disposition": `attachment; filename="${file}"`, "cache-control": "no-store" },
  });
});
