-- How each saved revision was applied (none, reload, restart); older rows keep NULL (not recorded).
ALTER TABLE "FileRevision" ADD COLUMN "applyMode" TEXT;
