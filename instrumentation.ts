/** Next.js calls register() once when the server process starts. */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  await import("./server/background/services");
  const { startBackground } = await import("./server/background");
  await startBackground();
}
