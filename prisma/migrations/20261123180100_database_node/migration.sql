-- CreateTable
CREATE TABLE "Database" (
    "environmentId" TEXT NOT NULL PRIMARY KEY,
    "type" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "user" TEXT NOT NULL,
    "password" TEXT NOT NULL,
    "volume" TEXT NOT NULL,
    "keepDataOnDelete" BOOLEAN NOT NULL DEFAULT false,
    "backupDaily" BOOLEAN NOT NULL DEFAULT true,
    "backupHourUtc" INTEGER NOT NULL DEFAULT 3,
    "backupRetention" INTEGER NOT NULL DEFAULT 7,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Database_environmentId_fkey" FOREIGN KEY ("environmentId") REFERENCES "Environment" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "DatabaseBackup" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "environmentId" TEXT NOT NULL,
    "file" TEXT NOT NULL,
    "sizeBytes" INTEGER NOT NULL,
    "trigger" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "DatabaseBackup_environmentId_fkey" FOREIGN KEY ("environmentId") REFERENCES "Database" ("environmentId") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "DatabaseBackup_environmentId_createdAt_idx" ON "DatabaseBackup"("environmentId", "createdAt");

