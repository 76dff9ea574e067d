import { apiError, route } from "@/server/http/route";

// Unknown API paths answer in the API's own error format, not with the HTML 404 page.
const unknown = route<{ rest: string[] }>(async ({ req }) => apiError(404, "not_found", `No API route ${req.method} ${new URL(req.url).pathname}`), {
  audit: false, // not an action: there is nothing here to record
});
export { unknown as GET, unknown as POST, unknown as PUT, unknown as PATCH, unknown as DELETE };
