import type { AppServerType, BalancerType, DatabaseType, NodeRole, SessionStoreType } from "../contracts/environment";

/** Pure: where every node of an environment lives (names, hostnames, fixed IPs, images). */

export interface TopologyInput {
  name: string;
  appServer: { type: AppServerType; count: number };
  sessionStore: { type: SessionStoreType; count: number };
  database?: { type: DatabaseType } | null;
  loadBalancer?: { type: BalancerType; count?: number };
}

export interface PlannedNode {
  role: NodeRole;
  type: string;
  ordinal: number;
  hostname: string;
  ip: string;
}


/** Host part of each role's addresses in the environment's /24: balancers .2-.3, database .5, session .11-, app .21-. */
const HOST_BASE: Record<NodeRole, number> = { balancer: 1, database: 4, session: 10, app: 20 };
export const MAX_APP_ORDINAL = 200;

function nodeIp(subnetPrefix: string, role: NodeRole, ordinal: number): string {
  return `${subnetPrefix}.${HOST_BASE[role] + ordinal}`;
}

function hostnameOf(envName: string, role: NodeRole, type: string, ordinal: number): string {
  if (role === "balancer") return ordinal === 1 ? `${envName}-lb` : `${envName}-lb-${ordinal}`;
  if (role === "database") return `${envName}-db`;
  return `${envName}-${role === "app" ? "app" : type}-${ordinal}`;
}

export function planNode(envName: string, subnetPrefix: string, role: NodeRole, type: string, ordinal: number): PlannedNode {
  return { role, type, ordinal, hostname: hostnameOf(envName, role, type, ordinal), ip: nodeIp(subnetPrefix, role, ordinal) };
}

export function planNodes(input: TopologyInput, subnetPrefix: string): PlannedNode[] {
  const nodes: PlannedNode[] = [];
  if (input.database) nodes.push(planNode(input.name, subnetPrefix, "database", input.database.type, 1));
  for (let i = 1; i <= input.sessionStore.count; i++) nodes.push(planNode(input.name, subnetPrefix, "session", input.sessionStore.type, i));
  for (let i = 1; i <= input.appServer.count; i++) nodes.push(planNode(input.name, subnetPrefix, "app", input.appServer.type, i));
  for (let i = 1; i <= (input.loadBalancer?.count ?? 1); i++) nodes.push(planNode(input.name, subnetPrefix, "balancer", input.loadBalancer?.type ?? "nginx", i));
  return nodes;
}

/** The /24 of one environment: its CIDR, the first three octets its nodes' addresses start with, its gateway. */
export interface Subnet {
  cidr: string;
  prefix: string;
  gateway: string;
  block: number;
}

/** "10.213.0.0/16" and a block number -> the /24 of one environment. */
export function subnetOf(pool: string, block: number): Subnet {
  const [a, b] = pool.split(".");
  const prefix = `${a}.${b}.${block}`;
  return { cidr: `${prefix}.0/24`, prefix, gateway: `${prefix}.1`, block };
}

/** An environment's recorded subnet ("10.213.7.0/24") read back. */
export function parseSubnet(cidr: string): Subnet {
  const m = /^(\d+)\.(\d+)\.(\d+)\.0\/24$/.exec(cidr);
  if (!m) throw new Error(`'${cidr}' is not an environment /24`);
  const prefix = `${m[1]}.${m[2]}.${m[3]}`;
  return { cidr, prefix, gateway: `${prefix}.1`, block: Number(m[3]) };
}

/** The first /24 block of the pool that no existing network overlaps. */
export function freeBlock(pool: string, usedSubnets: string[], skip: Set<number> = new Set()): number | null {
  const taken = new Set<string>();
  for (const s of usedSubnets) {
    const [addr, bits] = s.split("/");
    const parts = (addr ?? "").split(".");
    const [pa, pb] = pool.split(".");
    if (parts[0] !== pa || parts[1] !== pb) continue;
    if (Number(bits) <= 16) return null; // a network covers the whole pool
    taken.add(parts[2] ?? "");
  }
  for (let n = 1; n <= 254; n++) if (!taken.has(String(n)) && !skip.has(n)) return n;
  return null;
}
