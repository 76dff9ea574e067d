"use client";

import { Ban, ChevronLeft, Cylinder, Database, MemoryStick, Rocket, Server, Split } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useQuery } from "@tanstack/react-query";
import { useMemo, useRef, useState, type FormEvent, type ReactNode } from "react";
import { ApiRequestError, fieldIssues } from "@/components/data/api";
import { useCreateEnvironment } from "@/components/data/environments";
import { hostsQuery } from "@/components/data/hosts";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader, CardTitle } from "@/components/ui/card";
import { ChoiceCards } from "@/components/ui/choice-cards";
import { ErrorPanel } from "@/components/ui/error-panel";
import { Field, fieldAria } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { Stepper } from "@/components/ui/stepper";
import { EnvironmentName, LIMITS, type AppServerType, type BalancerType, type DatabaseType, type SessionStoreType } from "@/server/contracts/environment";
import { renderSessionIni } from "@/server/node-kinds/render";
import { planNodes } from "@/server/environments/topology";
import { FIELD_OF_PATH, INITIAL_VALUES, previewCount, validate, type FieldErrors, type WizardValues } from "./form-state";
import { TopologyPreview } from "./topology-preview";

const APP_CHOICES = [
  { value: "apache-php" as AppServerType, title: "Apache PHP 8.2", description: "Apache 2.4 with mod_php", icon: <Server /> },
  { value: "nginx-php" as AppServerType, title: "NGINX PHP-FPM 8.2", description: "NGINX in front of PHP-FPM", icon: <Server /> },
];
const STORE_CHOICES = [
  { value: "memcached" as SessionStoreType, title: "Memcached", description: "php-memcached sessions, replicated", icon: <MemoryStick /> },
  { value: "redis" as SessionStoreType, title: "Redis", description: "phpredis sessions", icon: <Database /> },
];

const DB_CHOICES = [
  { value: "none" as DatabaseType | "none", title: "No database", description: "Add one later by re-creating", icon: <Ban /> },
  { value: "mariadb" as DatabaseType | "none", title: "MariaDB 10.11", description: "MySQL-compatible, one node", icon: <Cylinder /> },
  { value: "postgresql" as DatabaseType | "none", title: "PostgreSQL 15", description: "One node", icon: <Cylinder /> },
];

const BALANCER_COUNT_CHOICES = [
  { value: "1" as const, title: "One balancer", description: "Swarm moves it to another host if its host is lost", icon: <Split /> },
  { value: "2" as const, title: "Two balancers", description: "Each on its own host with the same port: point your domain at both", icon: <Split /> },
];

const BALANCER_CHOICES = [
  { value: "nginx" as BalancerType, title: "NGINX 1.22", description: "Round robin, a failed server is skipped at once; domains and HTTPS", icon: <Split /> },
  { value: "haproxy" as BalancerType, title: "HAProxy 2.6", description: "Round robin with health checks; servers change without a reload; no HTTPS yet", icon: <Split /> },
];

export function CreateWizard({ subnetHint }: { subnetHint: string }) {
  const router = useRouter();
  const create = useCreateEnvironment();
  const [values, setValues] = useState<WizardValues>(INITIAL_VALUES);
  // A control shows its problem once it was changed or left, or after a Create attempt.
  const [shown, setShown] = useState<Partial<Record<keyof WizardValues, boolean>>>({});
  const [submitted, setSubmitted] = useState(false);
  const [serverErrors, setServerErrors] = useState<FieldErrors>({});
  const nameRef = useRef<HTMLInputElement>(null);
  // Two balancers only where there are several hosts to put them on.
  const hosts = useQuery({ ...hostsQuery(), refetchInterval: false, staleTime: 60_000 });
  const severalHosts = hosts.data?.mode === "swarm" && hosts.data.hosts.length > 1;
  const formRef = useRef<HTMLFormElement>(null);

  // The balancer count is asked only on several hosts; elsewhere it is one, whatever was picked before.
  const { input, errors } = validate(severalHosts ? values : { ...values, balancerCount: "1" });
  const errorOf = (f: keyof WizardValues) => serverErrors[f] ?? (submitted || shown[f] ? errors[f] : undefined);

  function set<K extends keyof WizardValues>(key: K, value: WizardValues[K], show = true) {
    setValues((v) => ({ ...v, [key]: value }));
    if (show) setShown((s) => ({ ...s, [key]: true }));
    setServerErrors((e) => ({ ...e, [key]: undefined }));
    if (create.isError) create.reset();
  }

  const preview = useMemo(() => {
    const appCount = previewCount(values.appCount, LIMITS.appServers.min, LIMITS.appServers.max);
    const storeCount = previewCount(values.storeCount, LIMITS.sessionNodes.min, LIMITS.sessionNodes.max);
    // A name the API would refuse is never drawn as if it were a hostname.
    const name = EnvironmentName.safeParse(values.name.trim()).success ? values.name.trim() : "my-env";
    const nodes = planNodes(
      {
        name,
        appServer: { type: values.appType, count: appCount },
        sessionStore: { type: values.storeType, count: storeCount },
        database: values.dbType === "none" ? null : { type: values.dbType },
        loadBalancer: { type: values.balancerType, count: severalHosts ? Number(values.balancerCount) : 1 },
      },
      subnetHint,
    );
    const ips = nodes.filter((n) => n.role === "session").map((n) => n.ip);
    const ini = renderSessionIni(values.storeType, ips);
    return { nodes, ini, lines: ini.split("\n").filter((l) => l.startsWith("session.save_")) };
  }, [values, subnetHint, severalHosts]);

  function submit(e: FormEvent) {
    e.preventDefault();
    setSubmitted(true);
    if (!input) {
      const first = (["name", "appCount", "storeCount"] as const).find((f) => errors[f]);
      if (first) formRef.current?.querySelector<HTMLInputElement>(`#${FIELD_ID[first]}`)?.focus();
      return;
    }
    create.mutate(input, {
      onSuccess: (env) => router.push(`/environments/${env.id}`),
      onError: (err) => {
        const byField: FieldErrors = {};
        for (const issue of fieldIssues(err)) {
          const f = FIELD_OF_PATH[issue.path];
          if (f) byField[f] ??= issue.message;
        }
        // A taken name: the API's sentence names the environment, clearer than the short detail.
        if (err instanceof ApiRequestError && err.status === 409 && (byField.name || Object.keys(byField).length === 0)) byField.name = err.message;
        setServerErrors(byField);
        if (byField.name) nameRef.current?.focus();
      },
    });
  }

  const problems = Object.values(errors).length;
  const unplacedServerError = create.isError && Object.values(serverErrors).every((v) => !v);

  return (
    <div className="flex flex-col gap-6">
      <div>
        <Link href="/" className="inline-flex items-center gap-1 rounded-md text-sm text-muted hover:text-fg">
          <ChevronLeft aria-hidden className="size-4" />
          Environments
        </Link>
        <h1 className="mt-2 text-2xl font-semibold tracking-tight">Create environment</h1>
        <p className="mt-1 text-sm text-muted">Pick the servers; Phleet wires the sessions, the balancer and the network for you.</p>
      </div>

      <form ref={formRef} onSubmit={submit} noValidate className="grid grid-cols-1 items-start gap-6 lg:grid-cols-[minmax(0,1fr)_minmax(0,26rem)]">
        <div className="flex flex-col gap-5">
          <Section step={1} title="App servers" icon={<Server />}>
            <ChoiceCards label="App server stack" value={values.appType} onChange={(v) => set("appType", v)} choices={APP_CHOICES} />
            <CountRow
              id={FIELD_ID.appCount}
              label="Number of app servers"
              hint={`${LIMITS.appServers.min} to ${LIMITS.appServers.max}; the balancer spreads requests over all of them.`}
              value={values.appCount}
              onChange={(v) => set("appCount", v)}
              min={LIMITS.appServers.min}
              max={LIMITS.appServers.max}
              unit="app servers"
              error={errorOf("appCount")}
            />
          </Section>

          <Section step={2} title="Session store" icon={<Database />}>
            <ChoiceCards label="Session store" value={values.storeType} onChange={(v) => set("storeType", v)} choices={STORE_CHOICES} />
            <CountRow
              id={FIELD_ID.storeCount}
              label="Number of session nodes"
              hint={`${LIMITS.sessionNodes.min} to ${LIMITS.sessionNodes.max}. ${storeSurvival(values.storeType, previewCount(values.storeCount, LIMITS.sessionNodes.min, LIMITS.sessionNodes.max))}`}
              value={values.storeCount}
              onChange={(v) => set("storeCount", v)}
              min={LIMITS.sessionNodes.min}
              max={LIMITS.sessionNodes.max}
              unit="session nodes"
              error={errorOf("storeCount")}
            />
          </Section>

          <Section step={3} title="Database" icon={<Cylinder />}>
            <ChoiceCards label="Database" value={values.dbType} onChange={(v) => set("dbType", v)} choices={DB_CHOICES} />
            <p className="text-sm text-muted">
              {values.dbType === "none"
                ? "Optional. With a database, its data lives on a volume that survives restarts, and the app servers get DB_HOST, DB_PORT, DB_NAME, DB_USER and DB_PASSWORD."
                : "A database, a user and a password are generated. The data lives on a volume that survives restarts and healing; the port is reachable only from this environment."}
            </p>
          </Section>

          <Section step={4} title="Load balancer" icon={<Split />}>
            <ChoiceCards label="Load balancer" value={values.balancerType} onChange={(v) => set("balancerType", v)} choices={BALANCER_CHOICES} />
            <p className="text-sm text-muted">
              {values.balancerType === "nginx"
                ? "Both retry a request on another app server when one fails, and show the same statistics."
                : "Both retry a request on another app server when one fails, and show the same statistics. Domains and HTTPS need the NGINX balancer."}
            </p>
            {severalHosts ? (
              <div className="flex flex-col gap-2">
                <p className="text-sm font-medium" aria-hidden>
                  Number of balancers
                </p>
                <ChoiceCards label="Number of balancers" value={values.balancerCount} onChange={(v) => set("balancerCount", v)} choices={BALANCER_COUNT_CHOICES} />
              </div>
            ) : null}
          </Section>

          <Section step={5} title="Name" icon={<Rocket />}>
            <Field
              id={FIELD_ID.name}
              label="Environment name"
              hint={
                <>
                  Lowercase letters, digits and hyphens, up to {LIMITS.name.max}. Used in hostnames, e.g.{" "}
                  <span className="font-mono whitespace-nowrap">{preview.nodes.find((n) => n.role === "app")?.hostname}</span>
                </>
              }
              error={errorOf("name")}
            >
              <Input
                ref={nameRef}
                {...fieldAria(FIELD_ID.name, errorOf("name"), true)}
                name="name"
                placeholder="shop"
                autoComplete="off"
                autoCapitalize="none"
                spellCheck={false}
                value={values.name}
                onChange={(e) => set("name", e.target.value, e.target.value !== "")}
                onBlur={() => setShown((s) => ({ ...s, name: true }))}
                className="sm:max-w-sm"
              />
            </Field>
          </Section>
        </div>

        <aside className="flex flex-col gap-4 lg:sticky lg:top-20" aria-label="What will be created">
          <Card>
            <CardHeader className="py-3">
              <CardTitle className="text-sm">Topology</CardTitle>
              <span className="text-xs text-muted">{preview.nodes.length} containers</span>
            </CardHeader>
            <CardBody>
              <TopologyPreview nodes={preview.nodes} />
              <p className="mt-3 text-xs text-muted">
                Addresses are fixed; <span className="font-mono">x</span> is the environment&apos;s own network, assigned on create.
              </p>
            </CardBody>
          </Card>

          <Card>
            <CardHeader className="py-3">
              <CardTitle className="text-sm">php.ini on every app server</CardTitle>
            </CardHeader>
            <CardBody className="flex flex-col gap-3">
              <pre data-testid="ini-preview" className="rounded-lg bg-code-bg px-3 py-2.5 font-mono text-xs leading-relaxed break-all whitespace-pre-wrap text-code-fg">
                {preview.lines.join("\n")}
              </pre>
              <details className="text-xs text-muted">
                <summary className="cursor-pointer rounded select-none hover:text-fg">The whole file (90-phleet-session.ini)</summary>
                <pre className="mt-2 max-h-72 overflow-auto rounded-lg bg-code-bg px-3 py-2.5 font-mono text-[11px] leading-relaxed text-code-fg">{preview.ini}</pre>
              </details>
            </CardBody>
          </Card>

          <div className="flex flex-col gap-3">
            {submitted && problems > 0 ? (
              <p role="alert" className="rounded-lg border border-danger/30 bg-danger/8 px-3 py-2 text-sm text-danger">
                {problems === 1 ? "One field needs attention" : `${problems} fields need attention`} before Phleet can create this environment.
              </p>
            ) : null}
            {unplacedServerError ? (
              <ErrorPanel title="The environment was not created" message={create.error.message} />
            ) : null}
            <Button type="submit" size="lg" pending={create.isPending || create.isSuccess} className="w-full">
              {create.isPending || create.isSuccess ? null : <Rocket aria-hidden />}
              Create environment
            </Button>
          </div>
        </aside>
      </form>
    </div>
  );
}

/** What the chosen session store survives, in the words of the README's "What survives what". */
function storeSurvival(type: SessionStoreType, count: number): string {
  if (type === "memcached" && count > 1) return `Every session is kept on all ${count} nodes: one can fail without losing a session.`;
  if (type === "memcached") return "With one node, sessions are lost if it fails; 2-3 nodes keep a copy on each.";
  if (count > 1) return "Sessions are split across the nodes, not copied: a node that fails takes its share with it.";
  return "With one node, sessions are lost if it fails. Redis is not replicated here; Memcached with 2-3 nodes is.";
}

const FIELD_ID = { name: "env-name", appCount: "app-count", storeCount: "session-count" } as const;

function Section({ step, title, icon, children }: { step: number; title: string; icon: ReactNode; children: ReactNode }) {
  return (
    <Card>
      <CardHeader className="justify-start py-3">
        <span aria-hidden className="flex size-6 items-center justify-center rounded-full bg-primary/12 text-xs font-semibold text-primary">
          {step}
        </span>
        <CardTitle>{title}</CardTitle>
        <span aria-hidden className="ml-auto text-muted [&_svg]:size-4">
          {icon}
        </span>
      </CardHeader>
      <CardBody className="flex flex-col gap-4">{children}</CardBody>
    </Card>
  );
}

function CountRow(props: {
  id: string;
  label: string;
  hint: string;
  value: string;
  onChange: (v: string) => void;
  min: number;
  max: number;
  unit: string;
  error?: string;
}) {
  const { id, label, hint, error } = props;
  return (
    <div className="flex flex-col gap-1.5">
      <label htmlFor={id} className="text-sm font-medium">
        {label}
      </label>
      <div className="flex flex-wrap items-center gap-3">
        <Stepper {...props} invalid={!!error} describedBy={error ? `${id}-error` : `${id}-hint`} />
      </div>
      {error ? (
        <p id={`${id}-error`} role="alert" className="text-sm text-danger">
          {error}
        </p>
      ) : (
        <p id={`${id}-hint`} className="text-sm text-muted">
          {hint}
        </p>
      )}
    </div>
  );
}
