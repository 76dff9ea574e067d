import type { NodeType } from "../contracts/environment";
import { apachePhp } from "./apache-php";
import { haproxyLb } from "./haproxy-lb";
import { mariadb } from "./mariadb";
import { memcached } from "./memcached";
import { nginxLb } from "./nginx-lb";
import { nginxPhp } from "./nginx-php";
import { postgresql } from "./postgresql";
import { redis } from "./redis";
import type { NodeKind } from "./types";

/** Every node kind Phleet runs. A new kind is one module here plus its image under images/. */
const KINDS: Record<NodeType, NodeKind> = {
  "apache-php": apachePhp,
  "nginx-php": nginxPhp,
  memcached,
  redis,
  nginx: nginxLb,
  haproxy: haproxyLb,
  mariadb,
  postgresql,
};

export const NODE_KINDS: readonly NodeKind[] = Object.values(KINDS);

/** The kind of a node type; throws on a type no module describes (a row written by a newer Phleet). */
export function nodeKind(type: string): NodeKind {
  const kind = (KINDS as Record<string, NodeKind | undefined>)[type];
  if (!kind) throw new Error(`unknown node type '${type}'`);
  return kind;
}

/** An app server kind's PHP facts (reload, session ini path); throws for a kind that runs no PHP. */
export function phpOf(type: string): NonNullable<NodeKind["php"]> {
  const php = nodeKind(type).php;
  if (!php) throw new Error(`'${type}' nodes run no PHP`);
  return php;
}

/** A database kind's facts; throws for a kind that is not a database. */
export function databaseOf(type: string): NonNullable<NodeKind["database"]> {
  const database = nodeKind(type).database;
  if (!database) throw new Error(`'${type}' nodes are not databases`);
  return database;
}

export type { CatalogEntry,   NodeKind, Reload, SessionNodeReading, SessionStoreKind, Validator } from "./types";
