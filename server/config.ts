import { z } from "zod";

/** Process configuration, read once from the environment and validated (a bad value fails at start). */
const Env = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  PHLEET_API_TOKEN: z.string().min(16, "PHLEET_API_TOKEN must be at least 16 characters").optional(),
  PHLEET_ADMIN_PASSWORD: z.string().min(8, "PHLEET_ADMIN_PASSWORD must be at least 8 characters").optional(),
  PHLEET_PUBLISH_HOST: z.string().default("127.0.0.1"),
  PHLEET_INSTANCE: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,23}$/, "PHLEET_INSTANCE: lowercase letters, digits and hyphens, up to 24")
    .default("default"),
  PHLEET_SUBNET_POOL: z
    .string()
    .regex(/^\d+\.\d+\.0\.0\/16$/, "PHLEET_SUBNET_POOL must be an a.b.0.0/16 block")
    .default("10.213.0.0/16"),
  // Several hosts without PHLEET_REGISTRY: the registry Phleet runs (server/runtime/swarm/own-registry.ts).
  PHLEET_REGISTRY_PORT: z.coerce.number().int().min(1).max(65535).default(5000),
  PHLEET_REGISTRY_ADVERTISE: z
    .string()
    .regex(/^[A-Za-z0-9.:\[\]-]+$/, "PHLEET_REGISTRY_ADVERTISE must be a host name or an IP address")
    .optional(),
  PHLEET_HEALTH_TIMEOUT_MS: z.coerce.number().int().min(1000).default(90_000),
  // ACME (server/https/acme.ts reads PHLEET_ACME_DIRECTORY_URL and PHLEET_ACME_CA_FILE when it orders).
  PHLEET_ACME_DIRECTORY_URL: z.url("PHLEET_ACME_DIRECTORY_URL must be a URL").optional(),
  PHLEET_ACME_RENEW_BEFORE_DAYS: z.coerce.number().int().min(1).max(60).default(30),
  PHLEET_ACME_CHECK_INTERVAL_MS: z.coerce.number().int().min(1000).default(10 * 60_000),
  PHLEET_ACME_RETRY_MS: z.coerce.number().int().min(1000).default(5 * 60_000),
  // Deployments (issue 11): the uploaded archive, and what it may unpack to (zip bombs).
  PHLEET_DEPLOY_MAX_BYTES: z.coerce.number().int().min(1024).default(256 * 1024 * 1024),
  PHLEET_DEPLOY_MAX_ENTRIES: z.coerce.number().int().min(1).default(50_000),
  PHLEET_DEPLOY_MAX_UNPACKED_BYTES: z.coerce.number().int().min(1024).default(1024 * 1024 * 1024),
});

export type PhleetConfig = z.infer<typeof Env>;

let cached: PhleetConfig | undefined;
export function config(): PhleetConfig {
  if (!cached) {
    const parsed = Env.safeParse(process.env);
    if (!parsed.success) {
      throw new Error(`Invalid configuration: ${parsed.error.issues.map((i) => i.message).join("; ")}`);
    }
    cached = parsed.data;
  }
  return cached;
}
