#!/usr/bin/env bash
# The Compose stack on a real Docker engine: starts dockerd when none answers (and stops it
# again), builds the local base images (base-images.sh), writes an env file from .env.example,
# builds the project's images FROM lms-node:20 with the NODE_IMAGE build argument, `make up`,
# the README walk-through over real HTTP and gRPC (walk.ts), then `make down` (also on failure).
#   tests/deploy/stack/compose-up.sh [results dir, default test-results/compose-stack]
# STACK_PORTS: the four REST ports and the web origin's on the host (default "18081 18082 18083 18084 18080");
# STACK_NETWORK_PREFIX: the compose network's /24 (default 172.30.19, beside a `make up` stack's 172.30.18);
# LMS_COMPOSE=v1|v2 picks the Compose (deploy/compose.sh).
# Exit 0: stack up, walk-through passed, stack down. Exit 77: SKIPPED, the reason on the last
# line of stderr ("SKIP: ..."). Anything else: a failure (figures.json and walk.json say where).
set -uo pipefail
cd "$(dirname "$0")/../../.."
# One run at a time on a machine (from any checkout): runs share the engine, which one of them
# may have started and will stop, and the base images.
exec 9>/tmp/lms-compose-stack.lock
command -v flock >/dev/null && flock 9
out=${1:-test-results/compose-stack}
mkdir -p "$out" .cache/deploy
rm -f "$out"/*.json
export COMPOSE_PROJECT=lmsstack ENV_FILE=.cache/deploy/stack.env STACK_PORTS=${STACK_PORTS:-18081 18082 18083 18084 18080}
# Twice `make up`'s default: two cores shared with other suites make starts slow.
export COMPOSE_WAIT_TIMEOUT=${COMPOSE_WAIT_TIMEOUT:-600}
log() { printf '[compose-stack] %s\n' "$*"; }
skip() { echo "SKIP: $*" >&2; exit 77; }
figures=()
figure() { figures+=("\"$1\": $2"); }
write_figures() { (IFS=,; echo "{${figures[*]}}") >"$out/figures.json"; }

# --- an engine --------------------------------------------------------------------------------
dockerd_pid=
stop_dockerd() {
  [ -n "$dockerd_pid" ] || return 0
  log "stopping the dockerd this script started (pid $dockerd_pid)"
  kill -TERM "$dockerd_pid" 2>/dev/null
  for _ in $(seq 1 30); do kill -0 "$dockerd_pid" 2>/dev/null || return 0; sleep 1; done
  log "dockerd $dockerd_pid did not stop within 30 s"
}
command -v docker >/dev/null || skip "no docker client (apt-get install docker.io)"
if ! docker info >/dev/null 2>&1; then
  command -v dockerd >/dev/null || skip "no Docker engine: dockerd is not installed (apt-get install docker.io)"
  [ "$(id -u)" = 0 ] || skip "no Docker engine answers and only root can start dockerd here"
  # Without iptables dockerd stops at "failed to create NAT chain DOCKER: Iptables not found";
  # --iptables=false would start, but then no container reaches the npm registry to build.
  command -v iptables >/dev/null || skip "dockerd needs iptables for its NAT (apt-get install iptables)"
  log "starting dockerd (log: .cache/deploy/dockerd.log)"
  setsid dockerd >.cache/deploy/dockerd.log 2>&1 &
  dockerd_pid=$!
  trap stop_dockerd EXIT
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; kill -0 "$dockerd_pid" 2>/dev/null || break; sleep 1; done
  if ! docker info >/dev/null 2>&1; then
    tail -n 5 .cache/deploy/dockerd.log >&2
    stop_dockerd
    skip "dockerd did not start (the lines above are the end of .cache/deploy/dockerd.log)"
  fi
fi
figure engine "\"$(docker version -f '{{.Server.Version}}' 2>/dev/null)\""
docker compose version >/dev/null 2>&1 || command -v docker-compose >/dev/null || skip "no Docker Compose (apt-get install docker-compose)"

# --- base images ------------------------------------------------------------------------------
start=$SECONDS
bash tests/deploy/stack/base-images.sh
status=$?
[ "$status" = 77 ] && skip "the local base images cannot be built here (reason above)"
[ "$status" = 0 ] || { log "base-images.sh failed ($status)"; exit 1; }
figure base_images_seconds $((SECONDS - start))
docker run --rm lms-node:20 npm ping >/dev/null 2>&1 || skip "a container cannot reach the npm registry, so the images cannot be built"

# --- env file: .env.example with fresh secrets, the local base images, the ports --------------
secret() { od -An -N16 -tx1 /dev/urandom | tr -d ' \n'; }
read -r p_auth p_author p_category p_book p_web <<<"$STACK_PORTS"
admin_password=$(secret)
server_key=$(secret)
{
  grep -v -E '^(SERVER_KEY|ADMIN_PASSWORD|POSTGRES_PASSWORD|[A-Z]+_DB_PASSWORD|NODE_IMAGE|POSTGRES_IMAGE|[A-Z]+_HTTP_PORT|LIBRARY_NETWORK_PREFIX)=' .env.example
  echo "SERVER_KEY=$server_key"
  echo "ADMIN_PASSWORD=$admin_password"
  for v in POSTGRES AUTH_DB AUTHOR_DB CATEGORY_DB BOOK_DB; do echo "${v}_PASSWORD=$(secret)"; done
  echo "NODE_IMAGE=lms-node:20"
  echo "POSTGRES_IMAGE=lms-postgres:15"
  echo "AUTH_HTTP_PORT=$p_auth"
  echo "AUTHOR_HTTP_PORT=$p_author"
  echo "CATEGORY_HTTP_PORT=$p_category"
  echo "BOOK_HTTP_PORT=$p_book"
  echo "WEB_HTTP_PORT=${p_web:-18080}"
  echo "LIBRARY_NETWORK_PREFIX=${STACK_NETWORK_PREFIX:-172.30.19}"
} >"$ENV_FILE"

# --- build, make up, walk, make down ----------------------------------------------------------
down() {
  local s=$SECONDS status
  make --no-print-directory down ARGS="-v --remove-orphans" >"$out/down.log" 2>&1
  status=$?
  [ "${1:-}" = quiet ] && return 0
  figure make_down_seconds $((SECONDS - s))
  figure make_down_status "$status"
  figure containers_left "$(docker ps -aq --filter "label=com.docker.compose.project=$COMPOSE_PROJECT" | wc -l)"
  return "$status"
}
finish() { down; write_figures; stop_dockerd; }
trap finish EXIT
down quiet # a stack a killed run left behind

log "building the five images (four services, web) FROM lms-node:20 (log: $out/build.log)"
start=$SECONDS
bash deploy/compose.sh build >"$out/build.log" 2>&1 || { tail -n 20 "$out/build.log" >&2; log "build FAILED"; exit 1; }
figure project_build_seconds $((SECONDS - start))
figure compose "\"$(grep -m1 -o 'compose v[12]' "$out/build.log" || echo unknown)\""

log "make up (log: $out/up.log)"
start=$SECONDS
make --no-print-directory up >"$out/up.log" 2>&1 || { tail -n 30 "$out/up.log" >&2; log "make up FAILED"; exit 1; }
figure make_up_to_healthy_seconds $((SECONDS - start))
for image in lms-debian:bookworm lms-node:20 lms-postgres:15 library/auth:local library/author:local library/category:local library/book:local library/web:local; do
  figure "size:$image" "$(docker image inspect -f '{{.Size}}' "$image")"
done

book=$(bash deploy/compose.sh ps -q book)
book_ip=$(docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$book")
log "walk-through (REST on 127.0.0.1:${STACK_PORTS// /,}, gRPC on $book_ip:50054)"
ADMIN_PASSWORD=$admin_password SERVER_KEY=$server_key BOOK_GRPC_ADDR="$book_ip:50054" \
  node --import tsx tests/deploy/stack/walk.ts "$out/walk.json"
walk=$?
figure walk_status "$walk"
exit "$walk"
