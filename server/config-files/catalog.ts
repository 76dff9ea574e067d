import { badRequest } from "../errors";
import { NODE_KINDS, type CatalogEntry } from "../node-kinds";

/**
 * The config editor's catalog: the files a person may edit on each node type are declared by its kind
 * (server/node-kinds); nothing outside that list can be read or written through the editor.
 */

/** The editable files of a node type (empty for an unknown type). */
export function catalogFor(nodeType: string): CatalogEntry[] {
  return NODE_KINDS.find((k) => k.type === nodeType)?.files ?? [];
}

export function findEntry(nodeType: string, path: string): CatalogEntry | undefined {
  return catalogFor(nodeType).find((e) => e.path === path);
}

const MAX_PATH = 256;

/**
 * A requested path, checked before any lookup: absolute, already normal (no `.`/`..` segments, no
 * doubled slashes), printable. Anything else is a 400, so a traversal attempt never reaches a node.
 */
export function checkRequestedPath(raw: unknown): string {
  if (typeof raw !== "string" || raw.length === 0) throw badRequest("Query parameter 'path' is required (an absolute path from the file catalog)");
  if (raw.length > MAX_PATH) throw badRequest(`'path' is longer than ${MAX_PATH} characters`);
  // Control characters (NUL included) and backslashes have no place in a catalog path.
  if (/[\u0000-\u001f\u007f\\]/.test(raw)) throw badRequest("'path' contains characters that are not allowed");
  if (!raw.startsWith("/")) throw badRequest("'path' must be absolute, for example /etc/php/8.2/apache2/php.ini");
  const segments = raw.slice(1).split("/");
  if (segments.some((s) => s === "" || s === "." || s === "..")) {
    throw badRequest("'path' must be a normalized absolute path: no '.', '..' or empty segments");
  }
  return raw;
}
