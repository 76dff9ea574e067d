import { z } from "zod";
import { Task } from "./environment";

/** Deployments of the user's application (issue 11): shared by the API, the dashboard and OpenAPI. */

const DEPLOYMENT_STATUSES = ["pending", "running", "succeeded", "failed", "rolled_back"] as const;

/** A folder inside the release ("" = its root): relative, normalized, no '..'. */
const Docroot = z
  .string()
  .max(200)
  .regex(/^(?:[A-Za-z0-9._-]+(?:\/[A-Za-z0-9._-]+)*)?$/, "docroot must be a relative folder inside the release, like 'public' (letters, digits, '.', '_', '-', '/')")
  .refine((s) => !s.split("/").some((p) => p === "." || p === ".."), "docroot may not contain '.' or '..' segments")
  .default("");

const Message = z.string().max(500).optional();

/** Query options of an archive upload. */
export const ArchiveDeployQuery = z.strictObject({ docroot: Docroot, message: Message });

const GitSource = z.strictObject({
  url: z.string().min(1).max(1000).meta({ description: "https://, http://, git://, ssh://, file:// URL or an absolute path on the control plane's machine" }),
  ref: z.string().min(1).max(200).regex(/^[^\s~^:?*[\\]+$/, "ref must be a branch, tag or commit").refine((s) => !s.startsWith("-"), "ref may not start with '-'").optional(),
  path: z.string().max(200).optional().meta({ description: "Sub-folder of the repository to deploy" }),
});

export const GitDeployInput = z.strictObject({ git: GitSource, docroot: Docroot, message: Message }).meta({ id: "GitDeployInput" });
export type GitDeployInput = z.infer<typeof GitDeployInput>;

export const DeploymentSource = z
  .discriminatedUnion("type", [
    z.object({ type: z.literal("demo") }),
    z.object({ type: z.literal("archive"), contentType: z.string() }),
    z.object({ type: z.literal("git"), url: z.string(), ref: z.string().nullable(), path: z.string().nullable(), commit: z.string() }),
    z.object({ type: z.literal("activation"), of: z.string() }),
  ])
  .meta({ id: "DeploymentSource" });
export type DeploymentSource = z.infer<typeof DeploymentSource>;

export const Deployment = z
  .object({
    id: z.string(),
    status: z.enum(DEPLOYMENT_STATUSES),
    source: DeploymentSource,
    docroot: z.string(),
    sizeBytes: z.number().int(),
    sha256: z.string(),
    fileCount: z.number().int(),
    message: z.string().nullable(),
    author: z.string(),
    createdAt: z.string(),
    finishedAt: z.string().nullable(),
    current: z.boolean(),
    error: z.string().nullable(),
    taskId: z.string().nullable(),
    task: Task.nullable(),
  })
  .meta({ id: "Deployment" });
export type Deployment = z.infer<typeof Deployment>;

export const DeploymentList = z.object({ items: z.array(Deployment) }).meta({ id: "DeploymentList" });
export type DeploymentList = z.infer<typeof DeploymentList>;

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
export const Variable = z
  .strictObject({
    name: z.string().regex(VARIABLE_NAME, "a variable name is letters, digits and '_', not starting with a digit (at most 128)"),
    value: z.string().max(32_768).optional().meta({ description: "Omitted in answers for a secret; omit it in a PUT to keep a secret's stored value" }),
    secret: z.boolean().default(false),
  })
  .meta({ id: "Variable" });
export const VariablesInput = z
  .strictObject({ variables: z.array(Variable).max(200) })
  .superRefine((v, ctx) => {
    const seen = new Set<string>();
    for (const [i, x] of v.variables.entries()) {
      if (seen.has(x.name)) ctx.addIssue({ code: "custom", path: ["variables", i, "name"], message: `'${x.name}' is given twice` });
      seen.add(x.name);
    }
  })
  .meta({ id: "VariablesInput" });
export type VariablesInput = z.infer<typeof VariablesInput>;
export const VariableList = z.object({ variables: z.array(Variable), task: Task.nullable().optional() }).meta({ id: "VariableList" });
export type VariableList = z.infer<typeof VariableList>;

export const DeploySettings = z
  .strictObject({
    healthPath: z.string().max(500).regex(/^\/[^\s]*$/, "healthPath is a path starting with '/'").default("/"),
    keepReleases: z.number().int().min(1).max(50).default(5),
    beforeSwitchHook: z.string().max(4000).nullable().default(null).meta({ description: "Shell command run in the release folder on each app server before its switch" }),
    afterSwitchHook: z.string().max(4000).nullable().default(null).meta({ description: "Shell command run in the release folder on each app server after its switch" }),
    hookTimeoutSeconds: z.number().int().min(1).max(3600).default(60),
  })
  .meta({ id: "DeploySettings" });
export type DeploySettings = z.infer<typeof DeploySettings>;
