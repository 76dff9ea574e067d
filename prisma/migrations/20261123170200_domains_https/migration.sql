-- AlterTable
ALTER TABLE "Environment" ADD COLUMN "httpsPort" INTEGER;

-- CreateTable
CREATE TABLE "Domain" (
    "name" TEXT NOT NULL PRIMARY KEY,
    "environmentId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Domain_environmentId_fkey" FOREIGN KEY ("environmentId") REFERENCES "Environment" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "EnvironmentTls" (
    "environmentId" TEXT NOT NULL PRIMARY KEY,
    "source" TEXT NOT NULL,
    "acme" BOOLEAN NOT NULL DEFAULT false,
    "certPem" TEXT NOT NULL,
    "keyEnc" TEXT NOT NULL,
    "notAfter" DATETIME NOT NULL,
    "forceHttps" BOOLEAN NOT NULL DEFAULT false,
    "hsts" BOOLEAN NOT NULL DEFAULT false,
    "renewalState" TEXT NOT NULL DEFAULT 'idle',
    "renewalError" TEXT,
    "renewalAttempts" INTEGER NOT NULL DEFAULT 0,
    "nextRenewalAt" DATETIME,
    "lastRenewedAt" DATETIME,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "EnvironmentTls_environmentId_fkey" FOREIGN KEY ("environmentId") REFERENCES "Environment" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "Domain_environmentId_idx" ON "Domain"("environmentId");

