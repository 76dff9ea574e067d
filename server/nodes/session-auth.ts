import { nodeAddress } from "./names";
import crypto from "node:crypto";
import { db, type EnvRow, type NodeRow } from "../db/client";
import { randomSecret } from "../auth/secrets";
import { phpOf } from "../node-kinds";
import type { FileSpec } from "../runtime/types";
import { REDIS_APP_USER, sessionWiring, type StoreAuth } from "../node-kinds/render";

/**
 * Redis session stores require a password. Each environment has its own, derived from one random secret kept
 * in Phleet's database (HMAC per environment and purpose), so nothing per environment has to be stored or
 * cleaned up, and no environment's password opens another's store.
 *
 * - the app servers authenticate as ACL user `phleet` (session keys only; dangerous and admin commands,
 *   KEYS, SCAN and pub/sub denied); the password is in a root-only ini file on each app server, never in the
 *   editable session ini, the environment view, a revision or a task message;
 * - Phleet's own probe and statistics use ACL user `phleet-monitor` (PING, INFO, SCAN only);
 * - the default user is off: a client without credentials gets NOAUTH for every command.
 */

;
const REDIS_MONITOR_USER = "phleet-monitor";
const REDIS_ACL_PATH = "/etc/redis/users.acl";
const REDIS_MONITOR_PASS_PATH = "/etc/redis/phleet-monitor.pass";

const SECRET_KEY = "secrets.sessionStore";

async function masterSecret(): Promise<string> {
  const found = await db().setting.findUnique({ where: { key: SECRET_KEY } });
  if (found) return found.value;
  // Two first uses at once: the second create fails on the key and reads the first one's value.
  const value = randomSecret("", 32);
  await db().setting.create({ data: { key: SECRET_KEY, value } }).catch(() => undefined);
  return (await db().setting.findUniqueOrThrow({ where: { key: SECRET_KEY } })).value;
}

interface SessionStoreSecrets {
  app: StoreAuth;
  monitorPassword: string;
}

async function sessionStoreSecrets(envId: string): Promise<SessionStoreSecrets> {
  const secret = await masterSecret();
  const derive = (purpose: string) => crypto.createHmac("sha256", secret).update(`${purpose}:${envId}`).digest("base64url");
  return { app: { user: REDIS_APP_USER, password: derive("redis-app") }, monitorPassword: derive("redis-monitor") };
}

const sha = (s: string) => crypto.createHash("sha256").update(s).digest("hex");

/** users.acl of a Redis node: passwords only as SHA-256 hashes. */
function renderRedisAcl(s: SessionStoreSecrets): string {
  return [
    "user default off resetkeys resetchannels -@all",
    `user ${REDIS_APP_USER} on #${sha(s.app.password)} ~PHPREDIS_SESSION:* resetchannels +@all -@dangerous -@admin -@pubsub -keys -scan -randomkey`,
    `user ${REDIS_MONITOR_USER} on #${sha(s.monitorPassword)} resetkeys resetchannels -@all +ping +info +scan +dbsize`,
    "",
  ].join("\n");
}

/** The files a Redis node gets at creation: its users, and the monitor password for Phleet's probes. */
function redisNodeFiles(s: SessionStoreSecrets): FileSpec[] {
  return [
    { path: REDIS_ACL_PATH, content: renderRedisAcl(s), mode: 0o644 },
    { path: REDIS_MONITOR_PASS_PATH, content: `${s.monitorPassword}\n`, mode: 0o644 },
  ];
}

/** Next to the kind's session ini (90-phleet-session.ini), read after it. */
const sessionAuthIniPath = (appType: string) => phpOf(appType).sessionIniPath.replace("90-phleet-session.ini", "91-phleet-session-auth.ini");

/**
 * On each app server, after 90-phleet-session.ini: the same save_path with the credentials. Root-only: PHP
 * reads its ini files in the server's root master process, before the workers drop to www-data.
 */
function sessionAuthIni(appType: string, storeIps: string[], s: SessionStoreSecrets): FileSpec {
  const { savePath } = sessionWiring("redis", storeIps, s.app);
  return {
    path: sessionAuthIniPath(appType),
    content: `; Written by Phleet: the session store's credentials (a secret; not shown in the config editor).\nsession.save_path = "${savePath}"\n`,
    mode: 0o600,
  };
}

/** The secret files of one node at creation (none without a Redis store). */
export async function secretFilesFor(env: EnvRow, node: NodeRow, all: NodeRow[]): Promise<FileSpec[]> {
  if (env.sessionType !== "redis") return [];
  if (node.role === "session") return redisNodeFiles(await sessionStoreSecrets(env.id));
  if (node.role !== "app") return [];
  const storeIps = all.filter((n) => n.role === "session").sort((a, b) => a.ordinal - b.ordinal).map(nodeAddress);
  return [sessionAuthIni(node.type, storeIps, await sessionStoreSecrets(env.id))];
}
