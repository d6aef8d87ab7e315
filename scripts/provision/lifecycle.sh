#!/usr/bin/env bash
# Builds the CNB lifecycle (v0.21.x) from the Go module proxy and lays it out as a
# release-style tarball: lifecycle.toml at the root plus lifecycle/{lifecycle,launcher,
# <phase symlinks>}, as lifecycle's own packager does.
# Output: .cache/lifecycle/lifecycle-v<V>+linux.x86-64.tgz
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

MOD=github.com/buildpacks/lifecycle
SERIES=v0.21
# Newest v0.21 patch that builds from this workplace's Go proxy. v0.21.15/.16 are
# refused outright (403) and v0.21.17 needs github.com/osscontainertools/kaniko
# v1.28.3, which the proxy refuses. Newer listed versions are still tried first.
PINNED=v0.21.14
OUT_DIR="$CACHE/lifecycle"
mkdir -p "$OUT_DIR"

step_start "lifecycle: build from the Go module proxy"

tgz_for() { printf '%s/lifecycle-v%s+linux.x86-64.tgz' "$OUT_DIR" "${1#v}"; }
tgz_ok() { [[ -s "$1" ]] && tar -xzOf "$1" lifecycle.toml 2>/dev/null | grep -qx "  version = \"$2\""; }

# candidates: explicit LIFECYCLE_VERSION, else a previously resolved version, else
# every listed v0.21 patch newer than PINNED (newest first), then PINNED.
candidates() {
  if [[ -n "${LIFECYCLE_VERSION:-}" ]]; then echo "$LIFECYCLE_VERSION"; return; fi
  if [[ -s "$OUT_DIR/resolved-version" && "${PROVISION_REFRESH:-0}" != 1 ]]; then
    cat "$OUT_DIR/resolved-version"; return
  fi
  local list
  if list="$(cd / && go list -m -versions "$MOD" 2>/dev/null)"; then
    tr ' ' '\n' <<<"$list" | grep -E "^${SERIES//./\\.}\.[0-9]+$" | sort -V -r \
      | awk -v pin="$PINNED" '{ print } $0 == pin { exit }' | grep -vx "$PINNED" || true
  else
    info "the Go proxy refuses to list $MOD versions; using pinned $PINNED" >&2
  fi
  echo "$PINNED"
}

build_lifecycle() { # V -> builds into $OUT_DIR/bin-<num>, returns non-zero on failure
  local V="$1" BIN="$OUT_DIR/bin-${1#v}" SRC t0
  [[ "$(cat "$BIN/.built" 2>/dev/null || true)" == "$V" ]] && return 0
  # `go install $MOD/cmd/lifecycle@V` would be the natural call, but it also asks the
  # proxy for the module's version list (deprecation check), which this proxy
  # refuses (403). Building inside the downloaded module is equivalent: the module's
  # own go.mod/go.sum decide every dependency.
  t0=$(now)
  info "go mod download $MOD@$V"
  SRC="$(cd / && go mod download -json "$MOD@$V" 2>/dev/null | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p' || true)"
  [[ -n "$SRC" && -d "$SRC" ]] || { warn "go mod download $MOD@$V failed (refused by the proxy?)"; return 1; }
  mkdir -p "$BIN"
  local cmd
  for cmd in lifecycle launcher; do
    info "go build $MOD/cmd/$cmd@$V (CGO_ENABLED=0)"
    (cd "$SRC" && CGO_ENABLED=0 GOOS=linux GOARCH=amd64 \
      go build -trimpath -ldflags "-s -w -X $MOD/cmd.Version=${V#v}" -o "$BIN/$cmd" "./cmd/$cmd") \
      >"$OUT_DIR/build-${V#v}.log" 2>&1 \
      || { grep -v '^go: downloading' "$OUT_DIR/build-${V#v}.log" | tail -5 >&2
           warn "go build $MOD/cmd/$cmd@$V failed (log: $OUT_DIR/build-${V#v}.log)"; return 1; }
  done
  printf '%s\n' "$V" >"$BIN/.built"
  info "built lifecycle + launcher $V in $(elapsed "$t0")"
}

package_lifecycle() { # V
  local V="$1" NUM="${1#v}" BIN="$OUT_DIR/bin-${1#v}" TGZ STAGE got phase
  TGZ="$(tgz_for "$V")"
  STAGE="$(mktemp -d "$OUT_DIR/stage.XXXXXX")"
  mkdir -p "$STAGE/lifecycle"
  install -m 0755 "$BIN/lifecycle" "$BIN/launcher" "$STAGE/lifecycle/"
  for phase in analyzer detector restorer builder exporter creator rebaser extender; do
    ln -s lifecycle "$STAGE/lifecycle/$phase"
  done
  # Same keys as the descriptor the lifecycle's packager writes; the APIs are the ones
  # lifecycle v0.21 supports (api/apis.go). pack reads lifecycle.toml at the tar root.
  cat >"$STAGE/lifecycle.toml" <<TOML
[apis]
[apis.buildpack]
  deprecated = []
  supported = ["0.7", "0.8", "0.9", "0.10", "0.11", "0.12"]
[apis.platform]
  deprecated = []
  supported = ["0.7", "0.8", "0.9", "0.10", "0.11", "0.12", "0.13", "0.14", "0.15"]

[api]
  platform = "0.7"
  buildpack = "0.7"

[lifecycle]
  version = "$NUM"
  sbom-formats = ["application/vnd.cyclonedx+json", "application/spdx+json", "application/vnd.syft+json"]
TOML
  chmod 0644 "$STAGE/lifecycle.toml"
  got="$("$STAGE/lifecycle/lifecycle" -version 2>&1 || true)"
  [[ "$got" == "$NUM" ]] || { rm -rf "$STAGE"; die "lifecycle -version printed '$got', expected '$NUM'"; }
  tar -C "$STAGE" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner \
      -cf - lifecycle.toml lifecycle | gzip -n -9 >"$TGZ.tmp"
  mv -f "$TGZ.tmp" "$TGZ"
  rm -rf "$STAGE"
  info "wrote $TGZ ($(du -h "$TGZ" | cut -f1))"
}

V=""
for cand in $(candidates); do
  if tgz_ok "$(tgz_for "$cand")" "${cand#v}"; then
    info "cached: $(tgz_for "$cand")"; V="$cand"; break
  fi
  if build_lifecycle "$cand"; then
    package_lifecycle "$cand"; V="$cand"; break
  fi
  warn "lifecycle $cand cannot be built here; trying an older one"
done
[[ -n "$V" ]] || die "no lifecycle $SERIES version could be built (see warnings above)"
printf '%s\n' "$V" | write_if_changed "$OUT_DIR/resolved-version" || true
# A stable name for builder.toml files that cannot expand variables (examples/builder/).
ln -sfn "$(basename "$(tgz_for "$V")")" "$OUT_DIR/lifecycle.tgz"

env_fragment lifecycle "LIFECYCLE_VERSION=${V#v}" "LIFECYCLE_TGZ=$(tgz_for "$V")"
step_done "$V"
