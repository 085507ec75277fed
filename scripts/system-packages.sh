#!/usr/bin/env bash
# Installs the Debian packages some suites need (DESIGN.md §1: `make test` installs what is
# missing): chromium for the browser specs, docker-compose for the compose file's validation.
# Only when missing, and only where it can (root with apt-get); otherwise it says loudly which
# suites will be skipped and how to install what they need.
set -uo pipefail

chromium_path=${CHROMIUM_PATH:-/usr/bin/chromium}
missing=()
[ -x "$chromium_path" ] || missing+=(chromium)
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
((${#missing[@]})) || exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "[make test] installing missing Debian packages: ${missing[*]} (apt-get, once)"
  export DEBIAN_FRONTEND=noninteractive
  if apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null; then exit 0; fi
  echo "[make test] apt-get could not install ${missing[*]}" >&2
fi

cat >&2 <<TXT
[make test] ########################################################################
[make test] MISSING: ${missing[*]}
[make test] The suites that need them are SKIPPED in this run:
[make test]   chromium       -> tests/e2e/swagger-ui.e2e.spec.ts (Swagger UI in a browser)
[make test]   docker-compose -> tests/deploy/compose.spec.ts (deploy/docker-compose.yml)
[make test] Install with: sudo apt-get install -y ${missing[*]}
[make test] ########################################################################
TXT
exit 0
