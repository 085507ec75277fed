#!/usr/bin/env bash
# What `docker compose up --wait` does, for docker-compose v1: waits until every container of
# the project runs and, where it has a healthcheck, is healthy. Past the timeout, or when a
# container stops, it names the containers that are not ready with their last health output and
# logs, and fails.
#   deploy/compose-wait.sh <timeout seconds> <compose command with its options...>
set -uo pipefail
timeout=$1
shift
compose=("$@")
deadline=$((SECONDS + timeout))
format='{{.Name}} {{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{else}}no-healthcheck{{end}}'

report() {
  local id state
  for id in "${ids[@]}"; do
    state=$(docker inspect -f "$format" "$id" | sed 's#^/##')
    case "$state" in *" running healthy" | *" running no-healthcheck") continue ;; esac
    echo "  not ready: $state" >&2
    docker inspect -f '{{if .State.Health}}{{range .State.Health.Log}}{{println .Output}}{{end}}{{end}}' "$id" \
      | grep -v '^$' | tail -n 1 | sed 's/^/    last health check: /' >&2
    docker logs --tail 5 "$id" 2>&1 | cut -c1-300 | sed 's/^/    log: /' >&2
  done
}

while :; do
  mapfile -t ids < <("${compose[@]}" ps -q)
  if ((${#ids[@]} == 0)); then
    echo "compose-wait: the project has no containers" >&2
    exit 1
  fi
  ready=0 stopped=0
  while read -r _name status health; do
    [ "$status" = exited ] || [ "$status" = dead ] && stopped=1
    [ "$status" = running ] && { [ "$health" = healthy ] || [ "$health" = no-healthcheck ]; } && ready=$((ready + 1))
  done < <(docker inspect -f "$format" "${ids[@]}")
  if ((ready == ${#ids[@]})); then
    echo "compose-wait: all ${#ids[@]} containers running and healthy after ${SECONDS}s of waiting"
    exit 0
  fi
  if ((stopped)); then
    echo "compose-wait: a container stopped before the stack was healthy:" >&2
    report
    exit 1
  fi
  if ((SECONDS >= deadline)); then
    echo "compose-wait: TIMEOUT after ${timeout}s: ${ready} of ${#ids[@]} containers healthy (COMPOSE_WAIT_TIMEOUT raises the limit):" >&2
    report
    exit 1
  fi
  sleep 2
done
