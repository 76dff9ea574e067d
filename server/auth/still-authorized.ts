import { authenticate } from "./authenticate";

/**
 * For long-lived responses (event streams): checks the request's credentials again, so a stream opened by a
 * session ends when that session signs out or expires, not only when it was opened.
 */
export function stillAuthorized(req: Request): () => Promise<boolean> {
  return async () => {
    try {
      await authenticate(req);
      return true;
    } catch {
      return false;
    }
  };
}
