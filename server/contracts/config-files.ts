import { z } from "zod";
import { Task } from "./environment";

/** The config editor's API shapes: catalog entries, files, revisions, saves and restarts. */

export const CONFIG_LAYERS = ["app", "session", "database"] as const;
export const RESTART_LAYERS = ["app", "session", "balancer", "database"] as const;
const APPLY_MODES = ["none", "reload", "restart"] as const;
export type ApplyMode = (typeof APPLY_MODES)[number];

const MAX_CONFIG_BYTES = 256 * 1024;
export const HEALTH_TIMEOUT = { min: 5_000, max: 600_000, default: 60_000 } as const;

export const ConfigFileEntry = z
  .object({
    id: z.string(),
    path: z.string(),
    label: z.string(),
    tree: z.array(z.string()).describe("Folders above the file in the editor's tree, e.g. ['etc', 'php']"),
    language: z.enum(["ini", "nginx", "apache", "plain"]),
    description: z.string(),
    readOnly: z.boolean().describe("Managed by Phleet: can be read, never saved"),
    reload: z.enum(["graceful", "restart"]).describe("How a saved change takes effect"),
    validator: z.string().nullable().describe("The node's own tool that checks a staged copy before it is swapped in"),
  })
  .meta({ id: "ConfigFileEntry" });
export type ConfigFileEntry = z.infer<typeof ConfigFileEntry>;

export const ConfigScope = z.object({
  kind: z.enum(["node", "layer"]),
  nodeId: z.string().nullable(),
  layer: z.string().nullable(),
  nodeType: z.string(),
  hostnames: z.array(z.string()).describe("The nodes this scope reads from (the first) and writes to (all)"),
});
export type ConfigScope = z.infer<typeof ConfigScope>;

export const ConfigFileList = z.object({ scope: ConfigScope, items: z.array(ConfigFileEntry) }).meta({ id: "ConfigFileList" });
export type ConfigFileList = z.infer<typeof ConfigFileList>;

export const ConfigFile = z
  .object({
    path: z.string(),
    entry: ConfigFileEntry,
    scope: ConfigScope,
    content: z.string(),
    sha256: z.string().describe("Of content; send it back as baseSha256 to refuse a save over someone else's change"),
    differs: z.array(z.string()).describe("Layer scope: hostnames whose copy differs from the first node's"),
  })
  .meta({ id: "ConfigFile" });
export type ConfigFile = z.infer<typeof ConfigFile>;

export const ConfigRevision = z
  .object({
    id: z.string(),
    path: z.string(),
    nodeId: z.string().nullable(),
    hostname: z.string().nullable(),
    layer: z.string().nullable(),
    author: z.string().describe("'api' (token), 'admin' (dashboard) or 'phleet' (original file, automatic rollback)"),
    message: z.string().nullable(),
    createdAt: z.string(),
    content: z.string(),
  })
  .meta({ id: "ConfigRevision" });
export type ConfigRevision = z.infer<typeof ConfigRevision>;

export const ConfigRevisionList = z.object({ items: z.array(ConfigRevision) }).meta({ id: "ConfigRevisionList" });
export type ConfigRevisionList = z.infer<typeof ConfigRevisionList>;

const applyField = z
  .enum(APPLY_MODES, { error: `apply must be one of: ${APPLY_MODES.join(", ")}` })
  .default("none")
  .describe("none: saved only; reload: graceful reload now; restart: restart the scope's nodes one at a time (a task)");
const healthTimeoutField = z
  .number()
  .int()
  .min(HEALTH_TIMEOUT.min, `healthTimeoutMs must be at least ${HEALTH_TIMEOUT.min}`)
  .max(HEALTH_TIMEOUT.max, `healthTimeoutMs must be at most ${HEALTH_TIMEOUT.max}`)
  .optional()
  .describe("How long a restarted node may take to pass its health check before its change is rolled back");

export const SaveConfigFileInput = z
  .object({
    content: z.string({ error: "content is required" }).max(MAX_CONFIG_BYTES, `content must be at most ${MAX_CONFIG_BYTES} characters`),
    message: z.string().max(500).optional(),
    baseSha256: z.string().regex(/^[0-9a-f]{64}$/, "baseSha256 must be a hex SHA-256").optional(),
    apply: applyField,
    healthTimeoutMs: healthTimeoutField,
  })
  .strict()
  .meta({ id: "SaveConfigFileInput" });
export type SaveConfigFileInput = z.input<typeof SaveConfigFileInput>;

export const RollbackConfigFileInput = z
  .object({
    path: z.string({ error: "path is required" }),
    revisionId: z.string({ error: "revisionId is required" }).min(1),
    apply: applyField,
    healthTimeoutMs: healthTimeoutField,
  })
  .strict()
  .meta({ id: "RollbackConfigFileInput" });
export type RollbackConfigFileInput = z.input<typeof RollbackConfigFileInput>;

export const SaveConfigFileResult = z
  .object({
    file: ConfigFile,
    revision: ConfigRevision.nullable().describe("Null when the content was already the node's"),
    applied: z.enum(APPLY_MODES),
    task: Task.nullable().describe("The rolling restart, when apply is restart; follow it on the environment's task"),
  })
  .meta({ id: "SaveConfigFileResult" });
export type SaveConfigFileResult = z.infer<typeof SaveConfigFileResult>;

export const RestartLayerInput = z
  .object({
    nodeIds: z.array(z.string()).min(1).optional().describe("Only these nodes of the layer (default: all)"),
    healthTimeoutMs: healthTimeoutField,
  })
  .strict()
  .meta({ id: "RestartLayerInput" });
export type RestartLayerInput = z.input<typeof RestartLayerInput>;

export const RestartAccepted = z.object({ task: Task }).meta({ id: "RestartAccepted" });
export type RestartAccepted = z.infer<typeof RestartAccepted>;

/** details of a 422 invalid_config: what the node's tool said and where. */
export const InvalidConfigDetails = z.object({
  path: z.string(),
  hostname: z.string().describe("The first node whose check refused the file"),
  hostnames: z.array(z.string()).describe("Every node whose check refused the file (a layer save checks each node)"),
  tool: z.string().nullable(),
  line: z
    .number()
    .int()
    .nullable()
    .describe("The line of the sent content to fix: the edited line the tool's complaint comes from (null when the tool names no line)"),
  toolLine: z.number().int().nullable().describe("The line of the sent content where the tool stopped, as it reported it"),
  output: z.string().describe("The tool's message (of the first node), staged paths shown as the real file"),
});
export type InvalidConfigDetails = z.infer<typeof InvalidConfigDetails>;
