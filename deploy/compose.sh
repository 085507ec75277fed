#!/usr/bin/env bash
# `make up` / `make down` with whichever Compose this machine has: the v2 plugin
# (`docker compose`) when it answers, else Debian's docker-compose v1 (1.29), which has no
# `up --wait`: deploy/compose-wait.sh polls the containers' health instead.
#   deploy/compose.sh up|down|<any compose command> [args...]
# ENV_FILE (default .env), COMPOSE_PROJECT (default library), COMPOSE_WAIT_TIMEOUT (seconds,
# default 300); LMS_COMPOSE=v1|v2 picks one when both are installed.
set -euo pipefail
cd "$(dirname "$0")/.."

env_file=${ENV_FILE:-.env}
project=${COMPOSE_PROJECT:-library}
action=${1:?usage: deploy/compose.sh up|down|<compose command> [args...]}
shift

if [ ! -f "$env_file" ]; then
  echo "make $action: no $env_file: cp .env.example .env, then set SERVER_KEY, ADMIN_PASSWORD, POSTGRES_PASSWORD and the <SERVICE>_DB_PASSWORDs" >&2
  exit 1
fi

v2() { docker compose version >/dev/null 2>&1; }
v1() { command -v docker-compose >/dev/null 2>&1; }
case "${LMS_COMPOSE:-}" in
  v2) v2 || { echo "LMS_COMPOSE=v2, but \`docker compose version\` fails" >&2; exit 1; }; version=2 ;;
  v1) v1 || { echo "LMS_COMPOSE=v1, but docker-compose is not installed" >&2; exit 1; }; version=1 ;;
  *) if v2; then version=2; elif v1; then version=1; else
       echo "make $action: no Docker Compose: neither \`docker compose\` (v2 plugin) nor docker-compose (v1) works here" >&2
       exit 1
     fi ;;
esac
if [ "$version" = 2 ]; then compose=(docker compose); else compose=(docker-compose); fi
echo "deploy/compose.sh: compose v$version ($("${compose[@]}" version --short 2>/dev/null))" >&2
# An absolute env file: v1 resolves relative paths against the compose file's folder.
compose+=(--project-name "$project" --env-file "$(realpath "$env_file")" -f deploy/docker-compose.yml)

case "$action" in
  up)
    if [ "$version" = 2 ]; then
      exec "${compose[@]}" up -d --build --wait --wait-timeout "${COMPOSE_WAIT_TIMEOUT:-300}" "$@"
    fi
    "${compose[@]}" up -d --build "$@"
    exec bash deploy/compose-wait.sh "${COMPOSE_WAIT_TIMEOUT:-300}" "${compose[@]}"
    ;;
  *) exec "${compose[@]}" "$action" "$@" ;;
esac
