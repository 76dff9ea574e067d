-- CreateTable
CREATE TABLE "LayerLimit" (
    "environmentId" TEXT NOT NULL,
    "layer" TEXT NOT NULL,
    "memoryMb" INTEGER NOT NULL,
    "cpus" REAL NOT NULL,
    "pids" INTEGER NOT NULL,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("environmentId", "layer"),
    CONSTRAINT "LayerLimit_environmentId_fkey" FOREIGN KEY ("environmentId") REFERENCES "Environment" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

