#!/usr/bin/env bash
# Host tools Phleet runs itself (issue 11): Debian's git fetches Git deployment sources; the tests also
# use zip (zip archives) and dpkg-deb/apt-get (a real third-party PHP app); the bench uses wrk (HTTP load with a
# Lua script that carries each connection's session cookie). Installed when missing.
set -euo pipefail
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
missing=()
command -v git >/dev/null 2>&1 || missing+=(git)
[ "${1:-}" = "--test" ] && { command -v zip >/dev/null 2>&1 || missing+=(zip); }
[ "${1:-}" = "--bench" ] && { command -v wrk >/dev/null 2>&1 || missing+=(wrk); }
[ ${#missing[@]} = 0 ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then echo "host-tools: install ${missing[*]} and run again" >&2; exit 1; fi
echo "host-tools: installing Debian's ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
