# shellcheck shell=bash
# Shared helpers for scripts/provision/*.sh (sourced, not executed).
# Everything lands under $CACHE (default: <repo>/.cache, override with LR_CACHE_DIR).

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CACHE="${LR_CACHE_DIR:-$ROOT/.cache}"
mkdir -p "$CACHE"
CACHE="$(cd "$CACHE" && pwd)"
PROVISION_DIR="$ROOT/scripts/provision"
IMAGES_DIR="$ROOT/integration/images"
ENV_FRAGMENTS="$CACHE/env.d"

# Toolchain caches live in the repo cache so CI can reuse them when present.
export GOMODCACHE="$CACHE/go/mod"
export GOCACHE="$CACHE/go/build"
export GOPATH="$CACHE/go/path"
export GOTOOLCHAIN=local
export GOFLAGS="-buildvcs=false"
export CARGO_TARGET_DIR="$CACHE/cargo/target"
export DEBIAN_FRONTEND=noninteractive

# Images produced here (names are part of the contract with the tests).
BASE_IMAGE="livereload/debian:bookworm"
BUILD_IMAGE="livereload/build:bookworm"
RUN_BASE="livereload/run-base:bookworm"
RUN_TINY="livereload/run-tiny:bookworm"
BUILDER="livereload/builder:bookworm"
INPUTS_LABEL="org.livereload.provision.inputs"

log()  { printf '==> %s\n' "$*" >&2; }
info() { printf '    %s\n' "$*" >&2; }
warn() { printf 'WARN: %s\n' "$*" >&2; }
die()  { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

# Report which command failed (set -e alone exits silently).
_on_err() {
  local rc=$? cmd=$BASH_COMMAND
  printf 'ERROR: %s: command failed (exit %s) at line %s: %s\n' \
    "$(basename "${BASH_SOURCE[1]:-$0}")" "$rc" "${BASH_LINENO[0]}" "$cmd" >&2
}
trap _on_err ERR

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1fs", b - a }'; }

# Print "==> done NAME (Ns)" at the end of a script.
step_start() { _STEP_NAME="$1"; _STEP_T0="$(now)"; log "$1"; }
step_done() { log "$_STEP_NAME done in $(elapsed "$_STEP_T0")${1:+ ($1)}"; }

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }
sha256_str() { printf '%s' "$1" | sha256sum | cut -d' ' -f1; }

# write_if_changed FILE: stdin -> FILE, leaving FILE untouched (mtime too) when equal.
write_if_changed() {
  local file="$1" tmp
  mkdir -p "$(dirname "$file")"
  tmp="$(mktemp "$file.XXXXXX")"
  chmod 0644 "$tmp"
  cat >"$tmp"
  if [[ -f "$file" ]] && cmp -s "$tmp" "$file"; then
    rm -f "$tmp"
    return 1
  fi
  mv -f "$tmp" "$file"
}

# env_fragment NAME KEY=VALUE... : record exports for .cache/provision.env.
env_fragment() {
  local name="$1"; shift
  local kv
  for kv in "$@"; do
    local k="${kv%%=*}" v="${kv#*=}"
    if [[ "$v" =~ ^[A-Za-z0-9_./:+@=,-]*$ ]]; then
      printf 'export %s=%s\n' "$k" "$v"
    else
      printf 'export %s=%q\n' "$k" "$v"
    fi
  done | write_if_changed "$ENV_FRAGMENTS/$name.env" || true
}

# ensure_debian_packages PKG...: apt-get install the ones not installed yet (needs root).
ensure_debian_packages() {
  local p missing=()
  for p in "$@"; do
    if [[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)" != "install ok installed" ]]; then
      missing+=("$p")
    fi
  done
  if ((${#missing[@]} == 0)); then
    info "packages already installed"
    return 0
  fi
  info "installing: ${missing[*]}"
  [[ $(id -u) == 0 ]] || die "apt-get needs root (missing packages: ${missing[*]})"
  apt-get update -qq || warn "apt-get update reported errors (some sources unreachable?); continuing"
  apt-get install -y -qq "${missing[@]}" >"$CACHE/apt-install.log" 2>&1 \
    || { tail -20 "$CACHE/apt-install.log" >&2; die "apt-get install ${missing[*]} failed (log: $CACHE/apt-install.log)"; }
}

image_exists() { docker image inspect "$1" >/dev/null 2>&1; }
image_label() { docker image inspect -f "{{index .Config.Labels \"$2\"}}" "$1" 2>/dev/null || true; }
image_id() { docker image inspect -f '{{.Id}}' "$1"; }
# drop_replaced_image OLD_ID NAME: after NAME was rebuilt, remove the image it replaced
# (now untagged) unless something still uses it.
drop_replaced_image() {
  local old="$1" name="$2"
  [[ -n "$old" && "$old" != "$(image_id "$name" 2>/dev/null || true)" ]] || return 0
  docker rmi "$old" >/dev/null 2>&1 || true
}

# resolve_go_version MODULE PREFIX PINNED CACHEFILE
# Newest MODULE version matching PREFIX.* on the Go proxy; remembered in CACHEFILE
# (delete it or set PROVISION_REFRESH=1 to look again). When the proxy refuses to
# list versions, falls back to PINNED (checked to be downloadable).
resolve_go_version() {
  local mod="$1" prefix="$2" pinned="$3" cachefile="$4" v="" list
  if [[ -s "$cachefile" && "${PROVISION_REFRESH:-0}" != 1 ]]; then
    cat "$cachefile"; return 0
  fi
  if list="$(cd / && go list -m -versions "$mod" 2>/dev/null)"; then
    v="$(tr ' ' '\n' <<<"$list" | grep -E "^${prefix//./\\.}\.[0-9]+$" | sort -V | tail -1 || true)"
  fi
  if [[ -n "$v" ]] && ! (cd / && go list -m -json "$mod@$v" >/dev/null 2>&1); then
    warn "$mod@$v is listed but not downloadable; using pinned $pinned"
    v=""
  fi
  if [[ -z "$v" ]]; then
    info "Go proxy did not list $mod versions; using pinned $pinned" >&2
    v="$pinned"
  fi
  mkdir -p "$(dirname "$cachefile")"
  printf '%s\n' "$v" >"$cachefile"
  printf '%s\n' "$v"
}
