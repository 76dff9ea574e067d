/**
 * Builds the node images from images/<name> (+ images/_shared) unless an image with the same content
 * hash exists. Prints what it does and how long each build took.  Usage: tsx scripts/build-images.ts [name ...]
 */
import { ensureImage, imageTag } from "../server/images/build";
import { NODE_KINDS } from "../server/node-kinds";
import { DockerRuntime } from "../server/runtime/docker/docker-runtime";

async function main() {
  const rt = new DockerRuntime();
  await rt.ping();
  const wanted = process.argv.slice(2).length ? process.argv.slice(2) : [...new Set(NODE_KINDS.map((k) => k.image))];
  for (const name of wanted) {
    const started = Date.now();
    let lastStep = "";
    const result = await ensureImage(rt, name, (line) => {
      const m = /^Step (\d+\/\d+)/.exec(line);
      if (m && m[1] !== lastStep) {
        lastStep = m[1]!;
        process.stdout.write(`  ${name}: step ${lastStep}\n`);
      }
    });
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    console.log(`[images] ${imageTag(name)}: ${result === "built" ? `built in ${secs} s` : "up to date"}`);
  }
}

main().catch((err) => {
  console.error(`[images] failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
