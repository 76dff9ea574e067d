import crypto from "node:crypto";
import tls from "node:tls";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Environment, EnvironmentNode } from "../contracts/environment";
import type { Host, HostList } from "../contracts/hosts";
import type { Certificate } from "../contracts/https";
import { makeCertificate } from "../https/self-signed";
import type { LogPage } from "../contracts/logs";
import type { Stats } from "../contracts/stats";
import { files, waitTask } from "../config-files/test-helpers";
import { demoVariant, tarGzOf } from "../deployments/testing/fixtures";
import { deployRaw, waitDeployment } from "../deployments/testing/scenario";
import { api } from "../testing/api-client";
import { freePort, startApp, type TestApp } from "../testing/app-server";
import { SWARM_ENV_INSTANCE, subnetPoolOf } from "../testing/instances";
import { sleep, startLoad, until } from "../testing/load";
import { startSwarmLab, type LabHost, type SwarmLab } from "../testing/swarm-lab";
import { printServerWarnings } from "../testing/integration-setup";
import { sweepInstance } from "../testing/sweep";

/**
 * Issue 18 on a real 3-host Swarm (docker-in-docker, server/testing/swarm-lab.ts) driven by a real control plane
 * configured with PHLEET_SWARM_HOSTS: an environment's nodes are Swarm services spread over the hosts, and the
 * host running one app server and one memcached node is killed under a session load.
 *
 * Load goes to the balancer's port published on its lab host: a container this test created.
 */

const log = (line: string) => console.log(`[swarm] ${line}`);
const PHP_INI = "/etc/php/8.2/apache2/php.ini";
const DOMAIN = "www.swarm-shop.test";

let lab: SwarmLab | undefined;
let app: TestApp | undefined;
let client: ReturnType<typeof api>;
let env: Environment;
let registryPort: number;

const byRole = (e: Environment, role: EnvironmentNode["role"]) => e.nodes.filter((n) => n.role === role);
const placement = (e: Environment) => e.nodes.map((n) => `${n.hostname}@${n.host ?? "?"}(${n.status})`).join(" ");

describe("environments on a 3-host Swarm", () => {
  beforeAll(async () => {
    // No registry configured: Phleet runs its own on this machine's engine, and the hosts pull from it.
    lab = await startSwarmLab({ instance: SWARM_ENV_INSTANCE, log, registry: false });
    registryPort = await freePort();
    const token = `sw_${crypto.randomBytes(16).toString("hex")}`;
    app = await startApp({
      PHLEET_INSTANCE: SWARM_ENV_INSTANCE,
      PHLEET_API_TOKEN: token,
      PHLEET_ADMIN_PASSWORD: "integration-pass",
      PHLEET_SUBNET_POOL: subnetPoolOf(SWARM_ENV_INSTANCE),
      PHLEET_SWARM_HOSTS: lab.swarmHostsSetting,
      PHLEET_REGISTRY_PORT: String(registryPort),
    });
    client = api(app.url, token);
  });

  afterAll(async () => {
    if (env) await client.call("DELETE", `/api/v1/environments/${env.id}`).catch(() => undefined);
    await app?.stop();
    if (app) printServerWarnings(path.join(app.dataDir, "server.log"), SWARM_ENV_INSTANCE);
    await sweepInstance(SWARM_ENV_INSTANCE);
  });

  test("2 app servers + 2 memcached + balancer: each layer spread over different hosts, sessions served through the balancer", async () => {
    const started = Date.now();
    const r = await client.create({ name: "it-swarm", appServer: { type: "apache-php", count: 2 }, sessionStore: { type: "memcached", count: 2 } });
    expect(r.status, JSON.stringify(r.json)).toBe(202);
    env = await client.waitSettled(r.json.id, 300_000);
    expect(env.status, env.error ?? "").toBe("running");
    log(`created in ${((Date.now() - started) / 1000).toFixed(1)} s (images pushed and pulled on first use): ${placement(env)}`);
    for (const role of ["app", "session"] as const) {
      const hosts = byRole(env, role).map((n) => n.host);
      expect(hosts.every(Boolean), placement(env)).toBe(true);
      expect(new Set(hosts).size, `${role} nodes on different hosts: ${placement(env)}`).toBe(hosts.length);
    }
    // save_path names the nodes, not their addresses: a moved task keeps its name.
    expect(env.session.savePath).toContain(byRole(env, "session")[0]!.hostname);
    expect(env.url, "the balancer's URL is on the host that publishes it").toMatch(/^http:\/\/10\./);
    const load = startLoad(env.url!, { sessions: 4, maxRequests: 200, maxMs: 60_000 });
    const report = await load.done();
    expect(report.failures).toEqual([]);
    expect(report.ok).toBe(200);
    expect(Object.keys(report.nodes).length, "both app servers answered").toBe(2);

    // The hosts pulled every node image from the registry Phleet started on this machine: its pull port, on the
    // machine's address towards the hosts, serves reads only (whoever reaches it cannot replace an image).
    const specs = (await (await lab!.manager()).listServices({ filters: { label: [`phleet.environment=${env.id}`] } })) as {
      Spec: { Name: string; TaskTemplate: { ContainerSpec: { Image: string } } };
    }[];
    expect(specs.length).toBe(env.nodes.length);
    const pull = `${lab!.machineAddress}:${registryPort}`;
    for (const s of specs) expect(s.Spec.TaskTemplate.ContainerSpec.Image.slice(0, pull.length + 8), s.Spec.Name).toBe(`${pull}/phleet/`);
    const catalog = (await (await fetch(`http://${pull}/v2/_catalog`)).json()) as { repositories: string[] };
    expect(catalog.repositories).toEqual(expect.arrayContaining(["phleet/apache-php", "phleet/memcached", "phleet/nginx-lb"]));
    const upload = await fetch(`http://${pull}/v2/phleet/intruder/blobs/uploads/`, { method: "POST" });
    log(`Phleet's registry at ${pull}: ${catalog.repositories.join(", ")}; a push to its pull port: ${upload.status}`);
    expect(upload.status, "a push through the pull port is refused").not.toBe(202);
    expect(upload.status).toBeGreaterThanOrEqual(400);
  });

  test("on nodes of every host: a deployment, a config editor save with a rolling restart, HTTPS, the logs, and the statistics", async () => {
    expect(env?.status).toBe("running");
    const apps = byRole(env, "app");
    const where = `<?php header('Cache-Control: no-store'); echo json_encode(['node' => gethostname(), 'tz' => ini_get('date.timezone'), 'release' => 'swarm-release']);\n`;
    // Through the balancer, without a session: round robin over the app servers. Answers by app server hostname.
    const servedBy = async () => {
      const seen = new Map<string, { node: string; tz: string; release: string }>();
      for (let i = 0; i < 4 * apps.length; i++) {
        const r = await fetch(`${env.url}/where.php`, { headers: { connection: "close" } });
        expect(r.status).toBe(200);
        const b = (await r.json()) as { node: string; tz: string; release: string };
        seen.set(b.node, b);
      }
      return seen;
    };

    const deploy = await deployRaw(client, env.id, tarGzOf(demoVariant("swarm-release", { "where.php": where })), "application/gzip", "?message=swarm");
    expect(deploy.status, JSON.stringify(deploy.json)).toBe(202);
    const deployed = await waitDeployment(client, env.id, deploy.json.id);
    expect(deployed.task?.status, JSON.stringify(deployed.task)).toBe("succeeded");
    const afterDeploy = await servedBy();
    expect([...afterDeploy.keys()].sort()).toEqual(apps.map((a) => a.hostname).sort());
    for (const b of afterDeploy.values()) expect(b.release).toBe("swarm-release");

    // The config editor: php.ini saved layer-wide, each app server restarted in turn (on Swarm, a new task that
    // is provisioned with the saved file, the release and the rest before it starts).
    const layer = files(client, `/api/v1/environments/${env.id}/layers/app`);
    const file = await layer.read(PHP_INI);
    expect(file.status, JSON.stringify(file.json)).toBe(200);
    expect(file.json.scope.hostnames.sort()).toEqual(apps.map((a) => a.hostname).sort());
    const content = file.json.content.replace(/^;?date\.timezone =.*$/m, "date.timezone = Europe/Paris");
    expect(content).not.toBe(file.json.content);
    const saved = await layer.save(PHP_INI, { content, baseSha256: file.json.sha256, message: "timezone", apply: "restart", healthTimeoutMs: 90_000 });
    expect(saved.status, JSON.stringify(saved.json)).toBe(202);
    const restartedAt = Date.now();
    const task = await waitTask(client, env.id, saved.json.task!.id);
    expect(task.status, JSON.stringify(task)).toBe("succeeded");
    log(`php.ini saved on ${apps.length} app servers on different hosts, rolling restart in ${((Date.now() - restartedAt) / 1000).toFixed(1)} s`);
    env = (await client.get(env.id)).json;
    const afterSave = await servedBy();
    expect([...afterSave.keys()].sort()).toEqual(apps.map((a) => a.hostname).sort());
    for (const b of afterSave.values()) expect(b).toEqual({ node: b.node, tz: "Europe/Paris", release: "swarm-release" });
    const hosts = byRole(env, "app").map((n) => n.host);
    expect(new Set(hosts).size, `app servers still on different hosts after their restart: ${placement(env)}`).toBe(hosts.length);

    // Logs of the layer: the access log lines of every app server, read from its host's engine.
    await until("the access log of every app server shows /where.php", async () => {
      const r = await client.call("GET", `/api/v1/environments/${env.id}/layers/app/logs?source=access&tail=500`);
      if (r.status !== 200) return false;
      const items = (r.json as LogPage).items.filter((e) => e.text.includes("/where.php"));
      return apps.every((a) => items.some((e) => e.node.id === a.id));
    }, 15_000, 500);

    // HTTPS on the balancer's host: the self-signed certificate from the start, then an uploaded one, written into
    // the balancer's task through its host's engine.
    const selfSigned = (await client.call("GET", `/api/v1/environments/${env.id}/certificate`)).json as Certificate;
    expect(selfSigned.source).toBe("self-signed");
    expect(selfSigned.httpsUrl, "the HTTPS address is on the balancer's host").toBe(env.httpsUrl);
    expect((await servedCertificate(env.httpsUrl!, DOMAIN)).serial.toLowerCase()).toBe(selfSigned.serial!.toLowerCase());
    // A domain (no ACME here: the certificate is not from ACME, so no order starts) that the upload must cover.
    expect((await client.call("PUT", `/api/v1/environments/${env.id}/domains`, { domains: [DOMAIN] })).status).toBe(200);
    const ca = await makeCertificate({ names: [], commonName: "Phleet swarm test CA", isCa: true });
    const cert = await makeCertificate({ names: [DOMAIN], issuer: ca });
    const uploaded = await client.call("PUT", `/api/v1/environments/${env.id}/certificate`, { certificate: cert.cert + ca.cert, key: cert.key });
    expect(uploaded.status, JSON.stringify(uploaded.json)).toBe(200);
    const served = await servedCertificate(env.httpsUrl!, DOMAIN, ca.cert);
    expect(served.authorized, served.error ?? "").toBe(true);
    expect(served.serial.toLowerCase()).toBe((uploaded.json as Certificate).serial!.toLowerCase());

    // Statistics: requests counted per app server from the balancer's log, CPU from each node's host engine.
    await until("statistics count requests on every app server and read every node's CPU", async () => {
      const r = await client.call("GET", `/api/v1/environments/${env.id}/stats`);
      if (r.status !== 200) return false;
      const s = r.json as Stats;
      return s.collector.state === "following" && apps.every((a) => {
        const n = s.nodes.find((x) => x.id === a.id);
        return !!n && n.requests.total >= 4 && n.cpuPercent !== null;
      });
    }, 30_000, 1000);
  });

  test("two balancers: each on its own host, publishing the environment's port there; one session through both, statistics adding both up, a certificate on both; the database node pinned to its host", async () => {
    const started = Date.now();
    const r = await client.create({
      name: "it-swarm-2lb",
      appServer: { type: "apache-php", count: 1 },
      sessionStore: { type: "memcached", count: 1 },
      loadBalancer: { type: "nginx", count: 2 },
      database: { type: "mariadb" },
    });
    expect(r.status, JSON.stringify(r.json)).toBe(202);
    let two: Environment = await client.waitSettled(r.json.id, 300_000);
    let failed = false;
    try {
      expect(two.status, two.error ?? "").toBe("running");
      log(`two balancers: created in ${((Date.now() - started) / 1000).toFixed(1)} s: ${placement(two)}`);
      const lbs = byRole(two, "balancer");
      expect(lbs.map((n) => n.hostname)).toEqual(["it-swarm-2lb-lb", "it-swarm-2lb-lb-2"]);
      expect(new Set(lbs.map((n) => n.host)).size, `balancers on different hosts: ${placement(two)}`).toBe(2);
      expect(two.topology.loadBalancer).toEqual({ type: "nginx", count: 2 });
      // The database node stays on the host of its volume, and says so; the others may move.
      expect(two.nodes.filter((n) => n.pinnedToHost).map((n) => n.role)).toEqual(["database"]);
      const [first, second] = two.balancers as [Environment["balancers"][number], Environment["balancers"][number]];
      expect(first.url).toBe(two.url);
      const [u1, u2] = [new URL(first.url!), new URL(second.url!)];
      expect(u1.hostname, "each on its own host's address").not.toBe(u2.hostname);
      expect(u1.port, "the same port on both hosts").toBe(u2.port);

      // One session, its requests alternating between the balancers: the counter goes up by one each time.
      let cookie = "";
      const visit = async (url: string) => {
        const res = await fetch(`${url}/counter.php`, { headers: { connection: "close", ...(cookie ? { cookie } : {}) } });
        expect(res.status).toBe(200);
        cookie = res.headers.get("set-cookie")?.split(";")[0] ?? cookie;
        return ((await res.json()) as { visits: number }).visits;
      };
      const stats = async () => (await client.call("GET", `/api/v1/environments/${two.id}/stats`)).json as Stats;
      // What the creation's checks sent through the balancers is counted first, so the difference below is ours.
      let before = -1;
      await until("statistics follow both balancers and stand still", async () => {
        const s = await stats();
        const same = s.collector.state === "following" && s.collector.message === null && s.balancer.requests.total === before;
        before = s.balancer.requests.total;
        return same;
      }, 30_000, 1500);
      log(`two balancers: statistics stand still at ${before} requests after ${((Date.now() - started) / 1000).toFixed(1)} s`);
      const visits: number[] = [];
      for (let i = 0; i < 10; i++) visits.push(await visit(i % 2 ? second.url! : first.url!));
      expect(visits).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      await until("statistics count the 10 requests of both balancers", async () => (await stats()).balancer.requests.total >= before + 10, 15_000, 250);
      await sleep(1500);
      expect((await stats()).balancer.requests.total - before, "each request counted once").toBe(10);

      // One balancer stopped: a rolling restart of the app layer still succeeds (the other one drains the app server
      // and takes it back); started again, the stopped one is a new task that gets the app server's address of now.
      const lb2 = lbs[1]!;
      log(`two balancers: 10 requests counted once, ${((Date.now() - started) / 1000).toFixed(1)} s; stopping ${lb2.hostname}`);
      expect((await client.call("POST", `/api/v1/environments/${two.id}/nodes/${lb2.id}/stop`)).status).toBe(200);
      log(`two balancers: ${lb2.hostname} stopped, ${((Date.now() - started) / 1000).toFixed(1)} s`);
      const rolling = await client.call("POST", `/api/v1/environments/${two.id}/layers/app/restart`);
      expect(rolling.status, JSON.stringify(rolling.json)).toBe(202);
      const rolled = await waitTask(client, two.id, (rolling.json as { task: { id: string } }).task.id, 120_000);
      expect(rolled.status, rolled.error ?? "").toBe("succeeded");
      log(`two balancers: app layer restarted with one balancer stopped, ${((Date.now() - started) / 1000).toFixed(1)} s`);
      expect(await visit(first.url!), "the running balancer serves the restarted app server").toBe(11);
      expect((await client.call("POST", `/api/v1/environments/${two.id}/nodes/${lb2.id}/start`)).status).toBe(200);
      await until("both balancers run again", async () => {
        two = (await client.get(two.id)).json;
        return byRole(two, "balancer").every((n) => n.status === "running");
      }, 60_000, 500);
      expect(await visit(two.balancers[1]!.url!), "the started balancer serves the session").toBe(12);

      // An uploaded certificate is served by both.
      const domain = "www.two-balancers.test";
      expect((await client.call("PUT", `/api/v1/environments/${two.id}/domains`, { domains: [domain] })).status).toBe(200);
      const ca = await makeCertificate({ names: [], commonName: "Phleet two balancers CA", isCa: true });
      const cert = await makeCertificate({ names: [domain], issuer: ca });
      const uploaded = await client.call("PUT", `/api/v1/environments/${two.id}/certificate`, { certificate: cert.cert + ca.cert, key: cert.key });
      expect(uploaded.status, JSON.stringify(uploaded.json)).toBe(200);
      for (const b of two.balancers) {
        const served = await servedCertificate(b.httpsUrl!, domain, ca.cert);
        expect(served.authorized, `${b.hostname}: ${served.error ?? ""}`).toBe(true);
        expect(served.serial.toLowerCase()).toBe((uploaded.json as Certificate).serial!.toLowerCase());
      }
    } catch (err) {
      failed = true;
      throw err;
    } finally {
      // Gone before the drain and the host's loss: those count the first environment's nodes per host. A failure
      // here does not hide the test's own.
      const deleted = await client.call("DELETE", `/api/v1/environments/${two.id}`);
      await until("the second environment is deleted", async () => (await client.get(two.id)).status === 404, 120_000, 1000).catch((err: unknown) => {
        log(`the second environment was not deleted (${deleted.status}): ${String(err)}`);
        if (!failed) throw err;
      });
    }
  });

  test("the hosts API lists each host with the nodes it runs; a drained host empties under load with no failed request and no lost session, and is activated again", async () => {
    expect(env?.status).toBe("running");
    const list = (await client.call("GET", "/api/v1/hosts")).json as HostList;
    expect(list.mode).toBe("swarm");
    expect(list.joinCommand, "the join token only when asked for").toBeNull();
    expect(list.hosts.map((h) => h.name).sort()).toEqual(["lab-1", "lab-2", "lab-3"]);
    for (const h of list.hosts) {
      expect(h.state).toBe("ready");
      expect(h.availability).toBe("active");
      expect(h.reachable).toBe(true);
      expect(h.nodes.map((n) => n.nodeId).sort()).toEqual(env.nodes.filter((n) => n.host === h.name).map((n) => n.id).sort());
    }
    const join = (await client.call("GET", "/api/v1/hosts?joinCommand=true")).json as HostList;
    expect(join.joinCommand).toMatch(/^docker swarm join --token SWMTKN-\S+ 10\.[\d.]+:2377$/);

    // A host's labels: replaced as asked; a bad key is refused with 422 and changes nothing; then back as they were.
    const labelled = list.hosts[0]!;
    const put = await client.call("PUT", `/api/v1/hosts/${labelled.id}/labels`, { labels: { ...labelled.labels, zone: "eu-1a" } });
    expect(put.status, JSON.stringify(put.json)).toBe(200);
    expect((put.json as Host).labels).toEqual({ ...labelled.labels, zone: "eu-1a" });
    const bad = await client.call("PUT", `/api/v1/hosts/${labelled.id}/labels`, { labels: { "-bad key": "x" } });
    expect(bad.status).toBe(422);
    expect(JSON.stringify(bad.json)).toContain("label key");
    const relisted = ((await client.call("GET", "/api/v1/hosts")).json as HostList).hosts.find((h) => h.id === labelled.id)!;
    expect(relisted.labels.zone, "the refused change left the labels as they were").toBe("eu-1a");
    expect((await client.call("PUT", `/api/v1/hosts/${labelled.id}/labels`, { labels: labelled.labels })).status).toBe(200);

    const balancerHost = byRole(env, "balancer")[0]!.host;
    const drained = list.hosts.find((h) => h.name !== balancerHost && h.nodes.length > 0)!;
    const load = startLoad(env.url!, { sessions: 6, maxRequests: 30_000, maxMs: 150_000 });
    await sleep(2000);
    const started = Date.now();
    const r = await client.call("POST", `/api/v1/hosts/${drained.id}/drain`);
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    expect((r.json as Host).availability).toBe("drain");
    await until(
      `${drained.name} empties and every node runs elsewhere`,
      async () => {
        const r = await client.get(env.id);
        if (r.status !== 200) return false;
        env = r.json;
        return env.nodes.every((n) => n.status === "running" && !!n.host && n.host !== drained.name);
      },
      120_000,
      1000,
    );
    const emptiedMs = Date.now() - started;
    await sleep(3000);
    const report = await load.stop();
    if (report.failures.length) log(`failures: ${report.failures.slice(0, 8).join(" | ")}`);
    log(`drained ${drained.name} (${drained.nodes.map((n) => n.hostname).join(", ")}) in ${(emptiedMs / 1000).toFixed(1)} s: ${placement(env)}; ${report.requests} requests, ${report.failed} failed, ${report.resets} resets, ${report.stale} stale`);
    // No failed request and no lost session through the whole drain, the host's session node moving with it. (3-4
    // resets each time a memcached node moved, until a moved node was reached by name before it was counted on.)
    expect(report.failed).toBe(0);
    expect(report.resets).toBe(0);
    const after = ((await client.call("GET", "/api/v1/hosts")).json as HostList).hosts.find((h) => h.id === drained.id)!;
    expect(after.nodes).toEqual([]);
    const activated = await client.call("POST", `/api/v1/hosts/${drained.id}/activate`);
    expect(activated.status).toBe(200);
    expect((activated.json as Host).availability).toBe("active");
  });

  test("the host of one app server and one memcached node dies under load: 0 session resets, the lost nodes run again elsewhere", async () => {
    expect(env?.status).toBe("running");
    env = (await client.get(env.id)).json;
    const balancerHost = byRole(env, "balancer")[0]!.host;
    const victimName = byRole(env, "app")
      .map((n) => n.host)
      .find((h) => h !== balancerHost && byRole(env, "session").some((s) => s.host === h));
    expect(victimName, `a host with an app server and a memcached node but not the balancer: ${placement(env)}`).toBeTruthy();
    const appHosts = byRole(env, "app").map((n) => n.host);
    expect(new Set(appHosts).size, `app servers on different hosts before the kill (after the drain): ${placement(env)}`).toBe(appHosts.length);
    const victim = lab!.hosts.find((h) => h.name === victimName) as LabHost;
    const lost = env.nodes.filter((n) => n.host === victimName).map((n) => n.id);

    const load = startLoad(env.url!, { sessions: 6, maxRequests: 30_000, maxMs: 150_000 });
    // Diagnostic, printed: what a surviving app server's DNS answers for the lost session node's name.
    const survivor = byRole(env, "app").find((n) => n.host !== victimName)!;
    const lostStore = byRole(env, "session").find((n) => n.host === victimName)!;
    const dns = probeDns(lab!.hosts.find((h) => h.name === survivor.host)!, survivor.containerId!, lostStore.hostname);
    await sleep(3000);
    const killedAt = Date.now();
    dns.mark(killedAt);
    await lab!.killHost(victim);
    log(`killed ${victim.name}, which ran ${env.nodes.filter((n) => n.host === victimName).map((n) => n.hostname).join(", ")}`);

    let now = env;
    let shown = "";
    await until(
      "every node runs again on a surviving host",
      async () => {
        const r = await client.get(env.id);
        if (r.status !== 200) return false; // the managers may be electing a new leader
        now = r.json;
        // Each change of what the API shows, with the time since the kill: where a slow recovery waited.
        if (placement(now) !== shown) log(`+${((Date.now() - killedAt) / 1000).toFixed(1)} s: ${(shown = placement(now))}`);
        return now.nodes.every((n) => n.status === "running" && !!n.host && n.host !== victimName);
      },
      150_000,
      1000,
    ).catch(async (err: Error) => {
      const hosts = ((await client.call("GET", "/api/v1/hosts")).json as HostList | null)?.hosts ?? [];
      throw new Error(`${err.message}; nodes: ${placement(now)}; hosts: ${hosts.map((h) => `${h.name} ${h.state}/${h.availability}`).join(", ")}`);
    });
    const servingAfterMs = Date.now() - killedAt;
    await sleep(5000);
    const report = await load.stop();
    log(`DNS of ${lostStore.hostname} in ${survivor.hostname}: ${(await dns.stop()).join(" | ")}`);
    log(
      `every node serving again ${(servingAfterMs / 1000).toFixed(1)} s after the kill: ${placement(now)}; ` +
        `${report.requests} requests, ${report.failed} failed, ${report.resets} resets, ${report.stale} stale`,
    );
    for (const id of lost) expect(now.nodes.find((n) => n.id === id)?.host).not.toBe(victimName);
    // No lost session. Requests in flight on the lost host can fail on the balancer's timeouts (0-2 seen): counted
    // and printed, the goal is 0; the load must have kept being served.
    if (report.failures.length) log(`failures: ${report.failures.slice(0, 8).join(" | ")}`);
    expect(report.resets).toBe(0);
    expect(report.ok).toBeGreaterThan(report.requests * 0.99);
    // Both memcached nodes hold every session again: a request after the re-admission keeps counting.
    const after = startLoad(env.url!, { sessions: 4, maxRequests: 100, maxMs: 30_000 });
    const afterReport = await after.done();
    expect(afterReport.failures).toEqual([]);
  });
});

/** Polls `getent ahostsv4 name` in a node's task container on a lab host; each change with its time after mark(). */
function probeDns(host: LabHost, serviceId: string, name: string) {
  const seen: string[] = [];
  let t0 = Date.now();
  let last = "";
  let stopped = false;
  const loop = (async () => {
    const deadline = Date.now() + 180_000;
    while (!stopped && Date.now() < deadline) {
      try {
        const [c] = await host.engine.listContainers({ filters: { label: [`com.docker.swarm.service.id=${serviceId}`], status: ["running"] } });
        if (c) {
          const exec = await host.engine.getContainer(c.Id).exec({ Cmd: ["sh", "-c", `getent ahostsv4 ${name} | awk '{print $1}' | sort -u | tr '\\n' ' '`], AttachStdout: true, AttachStderr: true });
          const stream = await exec.start({ hijack: true, stdin: false });
          const chunks: Buffer[] = [];
          stream.on("data", (b: Buffer) => chunks.push(b));
          await new Promise((r) => stream.on("end", r));
          // Multiplexed frames: 8-byte headers before each payload.
          const raw = Buffer.concat(chunks);
          let out = "";
          for (let i = 0; i + 8 <= raw.length; ) {
            const len = raw.readUInt32BE(i + 4);
            out += raw.subarray(i + 8, i + 8 + len).toString();
            i += 8 + len;
          }
          const now = out.trim() || "(none)";
          if (now !== last) seen.push(`+${((Date.now() - t0) / 1000).toFixed(1)} s ${(last = now)}`);
        }
      } catch (err) {
        seen.push(`error ${(err as Error).message.slice(0, 60)}`);
      }
      await sleep(300);
    }
  })();
  return {
    mark(at: number) {
      t0 = at;
      seen.push(`(kill at +0 s; before: ${last})`);
    },
    async stop() {
      stopped = true;
      await loop;
      return seen;
    },
  };
}

/** The certificate a balancer serves at `httpsUrl` for `servername`, and whether it verifies against `ca`. */
function servedCertificate(httpsUrl: string, servername: string, ca?: string): Promise<{ serial: string; authorized: boolean; error: string | null }> {
  const u = new URL(httpsUrl);
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host: u.hostname, port: Number(u.port), servername, ca, rejectUnauthorized: false }, () => {
      resolve({ serial: s.getPeerCertificate().serialNumber, authorized: s.authorized, error: s.authorizationError ? String(s.authorizationError) : null });
      s.end();
    });
    s.setTimeout(10_000, () => s.destroy(new Error("TLS handshake timed out")));
    s.on("error", reject);
  });
}
