#!/usr/bin/env bash
# Makes sure a Docker engine answers and the base image exists. Idempotent; prints what it does.
# Recipes: ../shared/PLATFORM.md (Debian's docker.io, debootstrap base image when no registry answers).
set -euo pipefail
log() { printf '[engine] %s\n' "$*"; }
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"

engine_up() { docker info >/dev/null 2>&1; }

if ! engine_up; then
  if ! command -v dockerd >/dev/null 2>&1; then
    if command -v apt-get >/dev/null 2>&1; then
      log "no Docker engine installed: installing Debian's docker.io (needs root)"
      $SUDO apt-get update -qq
      DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq docker.io >/dev/null
    else
      log "no Docker engine and no apt-get: install Docker and start it, then run again" >&2
      exit 1
    fi
  fi
  if [ -S /var/run/docker.sock ] && command -v systemctl >/dev/null 2>&1 && systemctl is-system-running >/dev/null 2>&1; then
    log "starting docker with systemctl"; $SUDO systemctl start docker || true
  fi
  if ! engine_up; then
    log "starting dockerd in the background (log: /var/log/dockerd.log)"
    $SUDO rm -f /var/run/docker.pid
    nohup $SUDO dockerd >/var/log/dockerd.log 2>&1 &
  fi
  for _ in $(seq 1 60); do engine_up && break; sleep 1; done
  engine_up || { log "the engine did not answer within 60 s; see /var/log/dockerd.log" >&2; exit 1; }
fi
log "engine answers: $(docker version --format 'server {{.Server.Version}}, API {{.Server.APIVersion}}')"

BASE=debian:bookworm-slim
if docker image inspect "$BASE" >/dev/null 2>&1; then
  log "base image $BASE present"
  exit 0
fi
log "pulling $BASE"
if timeout 60 docker pull -q "$BASE" >/dev/null 2>&1; then log "pulled $BASE"; exit 0; fi
log "no registry answers: building $BASE locally with debootstrap (about a minute)"
command -v debootstrap >/dev/null 2>&1 || { $SUDO apt-get update -qq; DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq debootstrap >/dev/null; }
MIRROR=$(grep -h '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | grep -v security | head -1 || true)
[ -n "$MIRROR" ] || MIRROR=$(grep -h '^deb ' /etc/apt/sources.list 2>/dev/null | awk '{print $2}' | head -1 || true)
[ -n "$MIRROR" ] || { log "cannot find a Debian mirror in the apt sources" >&2; exit 1; }
ROOTFS=$(mktemp -d /tmp/phleet-rootfs.XXXXXX)
trap '$SUDO rm -rf "$ROOTFS"' EXIT
$SUDO debootstrap --variant=minbase bookworm "$ROOTFS" "$MIRROR" >/tmp/phleet-debootstrap.log 2>&1 \
  || { log "debootstrap failed; see /tmp/phleet-debootstrap.log" >&2; exit 1; }
$SUDO rm -rf "$ROOTFS"/var/cache/apt/archives/*.deb "$ROOTFS"/var/lib/apt/lists/*
$SUDO tar -C "$ROOTFS" -c . | docker import - "$BASE" >/dev/null
log "built $BASE from $MIRROR"
