import { json, route } from "@/server/http/route";
import { phpModules } from "@/server/nodes/php-modules";

export const dynamic = "force-dynamic";

/** `php -m` of an app server, split into PHP and Zend modules. */
export const GET = route<{ id: string; nodeId: string }>(async ({ params }) => json(await phpModules(params.id, params.nodeId)));
