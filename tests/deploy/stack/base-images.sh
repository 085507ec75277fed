#!/usr/bin/env bash
# Builds the base images the compose stack is proven on where no image registry is reachable:
#   lms-debian:bookworm  `debootstrap --variant=minbase bookworm` from the machine's own Debian
#                        mirror (read from its apt sources), imported with `docker import`;
#   lms-node:20          + this machine's Node.js 20 and npm (Debian bookworm's nodejs is 18);
#   lms-postgres:15      + Debian's postgresql-15 and a stand-in for the official image's entrypoint.
# Each image is reused when `docker image inspect` finds it; the debootstrap tree is cached as a
# tarball under .cache/deploy/ (gitignored). Exit 77 = cannot build here (the reason on stderr).
set -euo pipefail
cd "$(dirname "$0")/../../.."
here=tests/deploy/stack
cache=.cache/deploy
skip() { echo "base-images: $*" >&2; exit 77; }
step() { printf '[base-images] %s\n' "$*"; }
has_image() { docker image inspect "$1" >/dev/null 2>&1; }
mkdir -p "$cache"

# The first Debian mirror URI the machine's apt uses for bookworm (deb822 or one-line format).
debian_mirror() {
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk '/^URIs:/ { uri = $2 } /^Suites:/ && / bookworm( |$)/ && uri { print uri; exit }' "$f"
  done | head -n1 | grep . && return
  cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
    | awk '$1 == "deb" && $0 ~ / bookworm / { for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) { print $i; exit } }'
}

if ! has_image lms-debian:bookworm; then
  tarball="$cache/debian-bookworm-minbase.tar"
  if [ ! -s "$tarball" ]; then
    command -v debootstrap >/dev/null || skip "no debootstrap (apt-get install debootstrap)"
    mirror=$(debian_mirror) || true
    [ -n "$mirror" ] || skip "no Debian bookworm mirror in /etc/apt/sources.list*"
    root=$(mktemp -d "$cache/rootfs.XXXXXX")
    trap 'rm -rf "$root"' EXIT
    step "debootstrap --variant=minbase bookworm (mirror from the machine's apt sources)"
    debootstrap --variant=minbase bookworm "$root" "$mirror" >"$cache/debootstrap.log" 2>&1 \
      || skip "debootstrap failed (mirror unreachable?): see $cache/debootstrap.log"
    # Nothing of apt's download cache in the image.
    rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
    tar -C "$root" -cf "$tarball.part" . && mv "$tarball.part" "$tarball"
    rm -rf "$root"
    trap - EXIT
  fi
  step "docker import $tarball"
  docker import "$tarball" lms-debian:bookworm >/dev/null
fi

if ! has_image lms-node:20; then
  node_bin=$(command -v node) || skip "no node on this machine"
  [[ "$("$node_bin" --version)" == v20.* ]] || skip "the machine's node is $("$node_bin" --version), not 20"
  npm_dir=$(dirname "$(readlink -f "$(command -v npm)")")/..
  ctx=$(mktemp -d)
  trap 'rm -rf "$ctx"' EXIT
  cp "$node_bin" "$ctx/node"
  cp -a "$(readlink -f "$npm_dir")" "$ctx/npm"
  cp "$here/node.Dockerfile" "$ctx/Dockerfile"
  # A machine whose egress re-signs TLS names its CA in NODE_EXTRA_CA_CERTS: npm in the image
  # (`npm ci` of the project's Dockerfile) needs it as much as npm here.
  if [ -r "${NODE_EXTRA_CA_CERTS:-}" ]; then
    cp "$NODE_EXTRA_CA_CERTS" "$ctx/extra-ca.crt"
    printf 'COPY extra-ca.crt /usr/local/share/lms/extra-ca.crt\nENV NODE_EXTRA_CA_CERTS=/usr/local/share/lms/extra-ca.crt\n' >>"$ctx/Dockerfile"
  fi
  step "docker build lms-node:20 (node $("$node_bin" --version) copied from this machine)"
  docker build -q -t lms-node:20 "$ctx" >/dev/null
  rm -rf "$ctx"
  trap - EXIT
fi

if ! has_image lms-postgres:15; then
  step "docker build lms-postgres:15 (Debian's postgresql-15)"
  docker build -q -t lms-postgres:15 -f "$here/postgres.Dockerfile" "$here" >/dev/null
fi
step "ready: lms-node:20, lms-postgres:15"
