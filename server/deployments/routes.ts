import { ArchiveDeployQuery, DeploySettings, GitDeployInput, VariablesInput } from "../contracts/deployments";
import { db } from "../db/client";
import { notFound } from "../errors";
import { json, parseBody, parseQuery, route } from "../http/route";
import { activateDeployment, archiveKindOf, deployArchive, deployGit, listDeployments } from "./service";
import { saveSettings, settingsOf } from "./settings";
import { listVariables, putVariables } from "./variables";

/** Handlers behind app/api/v1/environments/{id}/deployments/**, .../variables and .../deployment-settings. */

type EnvParams = { id: string };

/** POST .../deployments: an archive as the raw body (options in the query), or JSON with a git source. */
export const deploymentsPost = route<EnvParams>(async ({ req, params, actor }) => {
  const author = actor?.name ?? "api";
  const type = (req.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (type === "application/json") {
    const input = await parseBody(req, GitDeployInput);
    return json(await deployGit(params.id, input, author), 202);
  }
  archiveKindOf(type); // 415 before anything is read
  const opts = parseQuery(req, ArchiveDeployQuery);
  return json(await deployArchive(params.id, req, opts, author), 202);
  // The archive is read by deployArchive under PHLEET_DEPLOY_MAX_BYTES, not the API's default body limit.
}, { bodyLimit: "handler" });

export const deploymentsGet = route<EnvParams>(async ({ params }) => json(await listDeployments(params.id)));

export const activatePost = route<{ id: string; deploymentId: string }>(async ({ params, actor }) =>
  json(await activateDeployment(params.id, params.deploymentId, actor?.name ?? "api"), 202),
);

export const variablesGet = route<EnvParams>(async ({ params }) => json(await listVariables(params.id)));

export const variablesPut = route<EnvParams>(async ({ req, params }) => {
  const input = await parseBody(req, VariablesInput);
  return json(await putVariables(params.id, input));
});

async function envExists(id: string) {
  if (!(await db().environment.findUnique({ where: { id } }))) throw notFound("Environment", id);
}

export const settingsGet = route<EnvParams>(async ({ params }) => {
  await envExists(params.id);
  return json(await settingsOf(params.id));
});

export const settingsPut = route<EnvParams>(async ({ req, params }) => {
  await envExists(params.id);
  const input = await parseBody(req, DeploySettings);
  return json(await saveSettings(params.id, input));
});
