import { CreateEnvironmentInput, type AppServerType, type BalancerType, type DatabaseType, type SessionStoreType } from "@/server/contracts/environment";

/** What the wizard's controls hold: counts as typed text, so a bad value can be shown and explained. */
export interface WizardValues {
  name: string;
  appType: AppServerType;
  appCount: string;
  storeType: SessionStoreType;
  storeCount: string;
  dbType: DatabaseType | "none";
  balancerType: BalancerType;
  /** "2" only offered on several hosts. */
  balancerCount: "1" | "2";
}

export const INITIAL_VALUES: WizardValues = { name: "", appType: "apache-php", appCount: "2", storeType: "memcached", storeCount: "1", dbType: "none", balancerType: "nginx", balancerCount: "1" };

/** The control each API path belongs to (the API reports problems by path, e.g. "appServer.count"). */
export const FIELD_OF_PATH: Record<string, keyof WizardValues> = {
  name: "name",
  "appServer.count": "appCount",
  "appServer.type": "appType",
  appServer: "appCount",
  "sessionStore.count": "storeCount",
  "sessionStore.type": "storeType",
  sessionStore: "storeCount",
  "database.type": "dbType",
  database: "dbType",
  "loadBalancer.type": "balancerType",
  "loadBalancer.count": "balancerCount",
  loadBalancer: "balancerType",
};

const toCount = (raw: string) => (raw.trim() === "" ? Number.NaN : Number(raw));

function toInput(v: WizardValues): unknown {
  return {
    name: v.name,
    appServer: { type: v.appType, count: toCount(v.appCount) },
    sessionStore: { type: v.storeType, count: toCount(v.storeCount) },
    loadBalancer: { type: v.balancerType, count: Number(v.balancerCount) },
    ...(v.dbType !== "none" ? { database: { type: v.dbType } } : {}),
  };
}

export type FieldErrors = Partial<Record<keyof WizardValues, string>>;

/** The same rules as the API (the shared zod schema), one message per control. */
export function validate(v: WizardValues): { input: CreateEnvironmentInput | null; errors: FieldErrors } {
  const r = CreateEnvironmentInput.safeParse(toInput(v));
  if (r.success) return { input: r.data, errors: {} };
  const errors: FieldErrors = {};
  for (const issue of r.error.issues) {
    const field = FIELD_OF_PATH[issue.path.join(".")] ?? "name";
    errors[field] ??= issue.message;
  }
  return { input: null, errors };
}

/** A count usable for the live picture even while the typed one is out of range. */
export function previewCount(raw: string, min: number, max: number): number {
  const n = Math.trunc(Number(raw));
  return Number.isFinite(n) ? Math.min(max, Math.max(min, n)) : min;
}
