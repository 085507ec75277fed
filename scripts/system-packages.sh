#!/usr/bin/env bash
# Installs the Debian packages some suites need (DESIGN.md §1: `make test` installs what is
# missing): chromium for the browser specs, docker-compose for the compose file's validation,
# and for the Compose stack on a real engine: docker.io (dockerd) with iptables (its NAT) and
# debootstrap (the local base images). Only when missing, and only where it can (root with
# apt-get); otherwise it says loudly which suites will be skipped and how to install what they need.
set -uo pipefail

chromium_path=${CHROMIUM_PATH:-/usr/bin/chromium}
missing=() engine=()
[ -x "$chromium_path" ] || missing+=(chromium)
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
# An engine that already answers (another install, a remote DOCKER_HOST) needs no docker.io.
if ! docker info >/dev/null 2>&1; then
  command -v dockerd >/dev/null 2>&1 || engine+=(docker.io)
  command -v iptables >/dev/null 2>&1 || engine+=(iptables)
fi
command -v debootstrap >/dev/null 2>&1 || engine+=(debootstrap)
((${#missing[@]} + ${#engine[@]})) || exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "[make test] installing missing Debian packages: ${missing[*]} ${engine[*]} (apt-get, once)"
  export DEBIAN_FRONTEND=noninteractive
  # The engine's packages without recommends: docker.io's (needrestart, apparmor, git, ...) are not needed here.
  if apt-get update -qq &&
    { ((${#missing[@]} == 0)) || apt-get install -y -qq "${missing[@]}" >/dev/null; } &&
    { ((${#engine[@]} == 0)) || apt-get install -y -qq --no-install-recommends "${engine[@]}" >/dev/null; }; then
    exit 0
  fi
  echo "[make test] apt-get could not install ${missing[*]} ${engine[*]}" >&2
fi

cat >&2 <<TXT
[make test] ########################################################################
[make test] MISSING: ${missing[*]} ${engine[*]}
[make test] The suites that need them are SKIPPED in this run:
[make test]   chromium       -> tests/e2e/swagger-ui.e2e.spec.ts (Swagger UI in a browser),
[make test]                     tests/e2e/web/*.e2e.spec.ts (the web app: journeys, axe-core, screenshots)
[make test]   docker-compose -> tests/deploy/compose.spec.ts (deploy/docker-compose.yml)
[make test]   docker.io, iptables, debootstrap -> tests/deploy/compose-stack.spec.ts (the stack on a real engine)
[make test] Install with: sudo apt-get install -y ${missing[*]} ${engine[*]}
[make test] ########################################################################
TXT
exit 0
