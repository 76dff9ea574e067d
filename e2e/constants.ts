export const E2E_INSTANCE = "e2e";
export const E2E_ADMIN_PASSWORD = "e2e-admin-password-5b1c";
