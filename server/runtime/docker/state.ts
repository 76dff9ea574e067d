import type Docker from "dockerode";
import type { ContainerState, ContainerStatus } from "../types";

type Health = ContainerState["health"];

function statusFrom(state: string, health: Health): ContainerStatus {
  switch (state) {
    case "running":
      return health === "starting" ? "starting" : health === "unhealthy" ? "unhealthy" : "running";
    case "exited":
      return "stopped";
    case "created":
    case "paused":
    case "restarting":
    case "removing":
    case "dead":
      return state;
    default:
      return "stopped";
  }
}

function healthOf(value: string | undefined): Health {
  return value === "starting" || value === "healthy" || value === "unhealthy" ? value : null;
}

export function fromInspect(info: Docker.ContainerInspectInfo): ContainerState {
  const health = healthOf(info.State.Health?.Status);
  const ips: Record<string, string> = {};
  for (const [net, ep] of Object.entries(info.NetworkSettings.Networks ?? {})) {
    const configured = (ep as { IPAMConfig?: { IPv4Address?: string } | null }).IPAMConfig?.IPv4Address;
    ips[net] = ep.IPAddress || configured || "";
  }
  const ports: ContainerState["ports"] = [];
  const bindings = info.HostConfig.PortBindings as Record<string, { HostIp?: string; HostPort?: string }[] | null> | undefined;
  for (const [key, binds] of Object.entries(bindings ?? {})) {
    const [port, protocol] = key.split("/");
    for (const b of binds ?? []) {
      ports.push({ containerPort: Number(port), protocol: protocol ?? "tcp", hostIp: b.HostIp || undefined, hostPort: b.HostPort ? Number(b.HostPort) : undefined });
    }
  }
  const zero = (t: string | undefined) => (!t || t.startsWith("0001-") ? null : t);
  return {
    id: info.Id,
    name: info.Name.replace(/^\//, ""),
    image: info.Config.Image,
    labels: info.Config.Labels ?? {},
    status: statusFrom(info.State.Status, health),
    running: info.State.Running,
    health,
    ips,
    exitCode: info.State.Running ? null : info.State.ExitCode,
    startedAt: zero(info.State.StartedAt),
    finishedAt: zero(info.State.FinishedAt),
    restartCount: info.RestartCount ?? 0,
    error: info.State.Error || null,
    ports,
  };
}

export function fromSummary(c: Docker.ContainerInfo): ContainerState {
  const text = c.Status ?? "";
  const health: Health = text.includes("(healthy)")
    ? "healthy"
    : text.includes("(unhealthy)")
      ? "unhealthy"
      : text.includes("(health: starting)")
        ? "starting"
        : null;
  const ips: Record<string, string> = {};
  for (const [net, ep] of Object.entries(c.NetworkSettings?.Networks ?? {})) {
    const configured = (ep as { IPAMConfig?: { IPv4Address?: string } | null }).IPAMConfig?.IPv4Address;
    ips[net] = ep.IPAddress || configured || "";
  }
  return {
    id: c.Id,
    name: (c.Names?.[0] ?? "").replace(/^\//, ""),
    image: c.Image,
    labels: c.Labels ?? {},
    status: statusFrom(c.State, health),
    running: c.State === "running",
    health,
    ips,
    exitCode: null,
    startedAt: null,
    finishedAt: null,
    restartCount: 0,
    error: null,
    ports: (c.Ports ?? []).map((p) => ({ containerPort: p.PrivatePort, protocol: p.Type, hostIp: p.IP, hostPort: p.PublicPort })),
  };
}
