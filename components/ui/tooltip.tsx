"use client";

import { Tooltip as T } from "radix-ui";

export const TooltipProvider = T.Provider;
