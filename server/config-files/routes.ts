import { HEALTH_TIMEOUT, RestartLayerInput, RollbackConfigFileInput, SaveConfigFileInput } from "../contracts/config-files";
import { badRequest, notFound } from "../errors";
import { json, parseBody, route } from "../http/route";
import { runtime } from "../runtime";
import { startRollingRestart } from "./rolling-restart";
import { resolveScope, type ScopeRef } from "./scope";
import { listFiles, listRevisions, readConfigFile, rollbackConfigFile, saveConfigFile } from "./service";

/**
 * The handlers behind app/api/v1/environments/{id}/nodes/{nodeId}/files/** and .../layers/{layer}/**:
 * one implementation for both scopes; the route files only re-export them.
 */

type Params = { id: string; nodeId: string } | { id: string; layer: string };

const refOf = (p: Params): ScopeRef =>
  "nodeId" in p ? { kind: "node", envId: p.id, nodeId: p.nodeId } : { kind: "layer", envId: p.id, layer: p.layer };

/** `?path=` at most once: a repeated parameter is refused rather than guessed at. */
function pathParam(req: Request): string | null {
  const all = new URL(req.url).searchParams.getAll("path");
  if (all.length > 1) throw badRequest("Give 'path' once");
  return all[0] ?? null;
}

/** GET .../files: the scope's file tree; GET .../files?path=P: one file. */
export const filesGet = route<Params>(async ({ req, params }) => {
  const path = pathParam(req);
  if (path === null) return json(await listFiles(refOf(params)));
  return json(await readConfigFile(refOf(params), path));
});

/** PUT .../files?path=P {content, message?, baseSha256?, apply?}: check, swap in, record, apply. */
export const filesPut = route<Params>(async ({ req, params, actor }) => {
  const path = pathParam(req);
  if (path === null) throw badRequest("Query parameter 'path' is required (an absolute path from the file catalog)");
  const input = await parseBody(req, SaveConfigFileInput);
  const result = await saveConfigFile(refOf(params), path, input, actor);
  return json(result, result.task ? 202 : 200);
});

/** GET .../files/revisions?path=P */
export const revisionsGet = route<Params>(async ({ req, params }) => json(await listRevisions(refOf(params), pathParam(req))));

/** POST .../files/rollback {path, revisionId, apply?} */
export const rollbackPost = route<Params>(async ({ req, params, actor }) => {
  const input = await parseBody(req, RollbackConfigFileInput);
  const result = await rollbackConfigFile(refOf(params), input, actor);
  return json(result, result.task ? 202 : 200);
});

/** POST .../layers/{layer}/restart {nodeIds?, healthTimeoutMs?}: one node at a time, as a task. */
export const layerRestartPost = route<{ id: string; layer: string }>(async ({ req, params }) => {
  // An empty body means "every node of the layer, default timeout".
  const input = (await req.clone().text()).trim() ? await parseBody(req, RestartLayerInput) : RestartLayerInput.parse({});
  const scope = await resolveScope({ kind: "layer", envId: params.id, layer: params.layer }, { restart: true });
  const ids = input.nodeIds ?? scope.nodes.map((n) => n.id);
  for (const id of ids) if (!scope.nodes.some((n) => n.id === id)) throw notFound(`Node of the ${params.layer} layer`, id);
  const task = await startRollingRestart(runtime(), scope.envId, ids, {
    healthTimeoutMs: input.healthTimeoutMs ?? HEALTH_TIMEOUT.default,
    kind: "nodes.restart",
  });
  return json({ task }, 202);
});
