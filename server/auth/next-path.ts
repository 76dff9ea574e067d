/**
 * The one allow-list of places the dashboard sends a browser back to after sign-in: a path on this
 * dashboard, normalised the way a browser would read it. Browsers drop tabs and newlines from URLs and
 * read `\` as `/`, so "/\t/evil.example" is "//evil.example" to them: such characters are refused before
 * parsing, and the result is rebuilt from the parsed URL, so what is checked is what the browser follows.
 */
const BASE = "http://phleet.invalid";
const ALLOWED_PATH = /^\/(?:[A-Za-z0-9\-._~%!$&'()*+,;=:@]+(?:\/[A-Za-z0-9\-._~%!$&'()*+,;=:@]+)*\/?)?$/;

export function safeNextPath(value: string | null | undefined): string {
  if (!value || value.length > 2000 || !value.startsWith("/")) return "/";
  // Control characters, spaces and backslashes never appear in a link the dashboard makes.
  if (/[\u0000-\u0020\u007f-\u009f\\]/.test(value)) return "/";
  let url: URL;
  try {
    url = new URL(value, BASE);
  } catch {
    return "/";
  }
  if (url.origin !== BASE || !ALLOWED_PATH.test(url.pathname)) return "/";
  if (url.pathname === "/sign-in" || url.pathname.startsWith("/sign-in/") || url.pathname.startsWith("/api/")) return "/";
  return url.pathname + url.search + url.hash;
}
