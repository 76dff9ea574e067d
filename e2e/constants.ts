import { E2E_INSTANCE, subnetPoolOf } from "../server/testing/instances";

export { E2E_INSTANCE };
export const E2E_SUBNET_POOL = subnetPoolOf(E2E_INSTANCE);
/** "10.215" of "10.215.0.0/16": the wizard previews addresses as 10.215.x.N. */
export const E2E_POOL_PREFIX = E2E_SUBNET_POOL.split(".").slice(0, 2).join(".");
export const E2E_ADMIN_PASSWORD = "e2e-admin-password-5b1c";
