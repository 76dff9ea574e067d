import { z } from "zod";

export const SignInInput = z.object({ password: z.string({ error: "Password is required" }).min(1, "Password is required") }).strict();
export type SignInInput = z.infer<typeof SignInInput>;
