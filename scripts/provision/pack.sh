#!/usr/bin/env bash
# Builds pack v0.40.x from the Go module proxy through a small tools module
# (.cache/pack-src) that requires github.com/buildpacks/pack and repeats pack's own
# replace directives (go install pack@V refuses modules with replaces).
# Output: .cache/bin/pack, .cache/pack-home/config.toml
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

MOD=github.com/buildpacks/pack
SERIES=v0.40
# Newest v0.40 patch the proxy serves (v0.40.4/.5 are refused, v0.40.6 works).
PINNED=v0.40.6
SRC_DIR="$CACHE/pack-src"
PACK="$CACHE/bin/pack"
PACK_HOME="$CACHE/pack-home"

step_start "pack: build from the Go module proxy"

V="${PACK_VERSION:-$(resolve_go_version "$MOD" "$SERIES" "$PINNED" "$SRC_DIR/resolved-version")}"
NUM="${V#v}"
info "pack $V"

if [[ -x "$PACK" ]] && [[ "$("$PACK" --version 2>/dev/null || true)" == "$NUM" ]]; then
  info "cached: $PACK ($NUM)"
else
  t0=$(now)
  mkdir -p "$SRC_DIR" "$(dirname "$PACK")"
  GOMOD_FILE="$(cd / && go mod download -json "$MOD@$V" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')" \
    || die "go mod download $MOD@$V failed"
  [[ -s "$GOMOD_FILE" ]] || die "go mod download $MOD@$V gave no go.mod"

  # Repeat pack's replace directives (single-line and block form).
  replaces="$(awk '
    /^replace[[:space:]]*\($/ { inblock = 1; next }
    inblock && /^\)/ { inblock = 0; next }
    inblock && NF { sub(/^[[:space:]]+/, ""); print "replace " $0; next }
    /^replace[[:space:]]/ { print }
  ' "$GOMOD_FILE")"
  goline="$(grep -m1 '^go ' "$GOMOD_FILE" || echo 'go 1.25')"
  info "replaces from pack's go.mod: ${replaces:-none}"

  {
    printf 'module livereload.local/packtool\n\n%s\n\nrequire %s %s\n' "$goline" "$MOD" "$V"
    [[ -n "$replaces" ]] && printf '\n%s\n' "$replaces"
  } | write_if_changed "$SRC_DIR/go.mod" && rm -f "$SRC_DIR/go.sum" || true
  cat <<'GO' | write_if_changed "$SRC_DIR/tools.go" || true
//go:build tools

// Package tools pins the pack CLI (a main package) as a dependency of this module.
package tools

import _ "github.com/buildpacks/pack"
GO

  info "go mod tidy (downloads pack's dependencies)"
  (cd "$SRC_DIR" && go mod tidy) >"$SRC_DIR/tidy.log" 2>&1 \
    || { grep -v '^go: downloading' "$SRC_DIR/tidy.log" | tail -10 >&2; die "go mod tidy for $MOD@$V failed (log: $SRC_DIR/tidy.log)"; }
  info "go build $MOD ($V)"
  (cd "$SRC_DIR" && CGO_ENABLED=0 go build -trimpath \
      -ldflags "-s -w -X $MOD/pkg/client.Version=$NUM" -o "$PACK.tmp" "$MOD") \
      >"$SRC_DIR/build.log" 2>&1 \
    || { grep -v '^go: downloading' "$SRC_DIR/build.log" | tail -10 >&2; die "go build $MOD@$V failed (log: $SRC_DIR/build.log)"; }
  mv -f "$PACK.tmp" "$PACK"
  got="$("$PACK" --version)"
  [[ "$got" == "$NUM" ]] || die "pack --version printed '$got', expected '$NUM'"
  info "built $PACK in $(elapsed "$t0")"
fi

mkdir -p "$PACK_HOME"
printf 'experimental = true\n' | write_if_changed "$PACK_HOME/config.toml" && info "wrote $PACK_HOME/config.toml" || true

env_fragment pack "PACK=$PACK" "PACK_HOME=$PACK_HOME" "PACK_VERSION=$NUM"
step_done "$V"
