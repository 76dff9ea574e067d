import type { Labels } from "./types";

/** Every resource Phleet creates carries these labels, so it can be found, adopted or swept. */
export const LABEL = {
  managed: "phleet.managed",
  instance: "phleet.instance",
  environment: "phleet.environment",
  node: "phleet.node",
  role: "phleet.role",
  imageHash: "phleet.image.hash",
} as const;

export function managedLabels(instance: string, extra: Labels = {}): Labels {
  return { [LABEL.managed]: "true", [LABEL.instance]: instance, ...extra };
}
