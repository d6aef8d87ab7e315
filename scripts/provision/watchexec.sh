#!/usr/bin/env bash
# Builds watchexec-cli from crates.io and packs it like an upstream release archive:
#   .cache/deps/watchexec-<V>-x86_64-unknown-linux-gnu.tar.xz (+ .sha256, hex only)
# holding watchexec-<V>-x86_64-unknown-linux-gnu/{watchexec,LICENSE,README.md}.
# It is a glibc build (the musl target cannot be added offline).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

TARGET=x86_64-unknown-linux-gnu
# Tried in order; the first that builds with this cargo wins.
VERSIONS=(${WATCHEXEC_VERSION:-2.5.1 2.5.0 2.4.1})
DEPS="$CACHE/deps"
export CARGO_HOME="$CACHE/cargo/home"   # registry index + crate sources
# Reproducible build info: watchexec's build script (bosion) embeds the build date
# (SOURCE_DATE_EPOCH wins) and the HEAD of the first .git it finds walking up from
# the crate sources, which would be this repo's own .git since CARGO_HOME lies inside
# it. A .git file pointing nowhere at $CACHE/cargo stops that walk (no git info).
export SOURCE_DATE_EPOCH=0
export RUSTFLAGS="--remap-path-prefix=$CACHE=/cache"
BUILD_CONFIG="sde=$SOURCE_DATE_EPOCH remap=CACHE nogit=1 $(cargo --version)"
mkdir -p "$CACHE/cargo"
[[ -f "$CACHE/cargo/.git" ]] || printf 'gitdir: /nonexistent/no-git-info-for-crates\n' >"$CACHE/cargo/.git"

step_start "watchexec: build from crates.io and pack"

archive_for() { printf '%s/watchexec-%s-%s.tar.xz' "$DEPS" "$1" "$TARGET"; }
archive_ok() { # V: archive + sha file agree, made from a build with today's config
  local a; a="$(archive_for "$1")"
  [[ -s "$a" && -s "$a.sha256" ]] && [[ "$(cat "$a.sha256")" == "$(sha256_of "$a")" ]] \
    && [[ "$(cat "$CACHE/watchexec-build/$1/.build-config" 2>/dev/null || true)" == "$BUILD_CONFIG" ]]
}

# `watchexec --version` starts with "watchexec <V> (<commit> <date>) +<features>".
reports_version() { # BIN V
  local first
  first="$("$1" --version 2>/dev/null | head -n1 || true)"
  [[ "$first" == "watchexec $2" || "$first" == "watchexec $2 "* ]]
}

build_watchexec() { # V -> $CACHE/watchexec-build/<V>/bin/watchexec
  local V="$1" root="$CACHE/watchexec-build/$1" t0
  if [[ -x "$root/bin/watchexec" ]] && reports_version "$root/bin/watchexec" "$V" \
     && [[ "$(cat "$root/.build-config" 2>/dev/null || true)" == "$BUILD_CONFIG" ]]; then
    return 0
  fi
  t0=$(now)
  info "cargo install watchexec-cli --locked --version $V (minutes on 2 cores; log: $CACHE/watchexec-build/$V.log)"
  mkdir -p "$CACHE/watchexec-build"
  if ! cargo install watchexec-cli --locked --force --version "$V" --root "$root" \
      >"$CACHE/watchexec-build/$V.log" 2>&1; then
    tail -15 "$CACHE/watchexec-build/$V.log" >&2
    warn "cargo install watchexec-cli $V failed (log: $CACHE/watchexec-build/$V.log)"
    return 1
  fi
  reports_version "$root/bin/watchexec" "$V" \
    || { warn "built watchexec does not report version $V"; return 1; }
  printf '%s\n' "$BUILD_CONFIG" >"$root/.build-config"
  info "built watchexec $V in $(elapsed "$t0")"
}

pack_watchexec() { # V
  local V="$1" name="watchexec-$1-$TARGET" stage a
  a="$(archive_for "$V")"
  stage="$(mktemp -d "$CACHE/watchexec-build/stage.XXXXXX")"
  mkdir -p "$stage/$name" "$DEPS"
  # Stripped like upstream release binaries (cargo install leaves symbols in).
  strip -o "$stage/$name/watchexec" "$CACHE/watchexec-build/$V/bin/watchexec"
  chmod 0755 "$stage/$name/watchexec"
  cat >"$stage/$name/README.md" <<TXT
# watchexec $V ($TARGET)

Local build of watchexec-cli $V from crates.io (\`cargo install watchexec-cli --locked
--version $V\`), packed like an upstream release archive for this project's offline
integration tests. It is a glibc build, not the upstream musl one.

watchexec is licensed under the Apache License, Version 2.0 (see LICENSE).
Project: https://github.com/watchexec/watchexec
TXT
  cat >"$stage/$name/LICENSE" <<'TXT'
watchexec is licensed under the Apache License, Version 2.0.
Full text: https://www.apache.org/licenses/LICENSE-2.0
(on Debian systems also in /usr/share/common-licenses/Apache-2.0)

This archive holds a local build of the watchexec-cli crate from crates.io.
TXT
  chmod 0644 "$stage/$name/README.md" "$stage/$name/LICENSE"
  chmod 0755 "$stage/$name"
  tar -C "$stage" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf - "$name" \
    | xz -T1 -6 >"$a.tmp"
  mv -f "$a.tmp" "$a"
  sha256_of "$a" >"$a.sha256.tmp" && mv -f "$a.sha256.tmp" "$a.sha256"
  rm -rf "$stage"
  info "wrote $a ($(du -h "$a" | cut -f1), sha256 $(cat "$a.sha256"))"
}

V=""
for cand in "${VERSIONS[@]}"; do
  if archive_ok "$cand"; then info "cached: $(archive_for "$cand")"; V="$cand"; break; fi
  if build_watchexec "$cand"; then pack_watchexec "$cand"; V="$cand"; break; fi
  warn "watchexec $cand could not be built; trying the next version"
done
[[ -n "$V" ]] || die "no watchexec version (${VERSIONS[*]}) could be built"

A="$(archive_for "$V")"
env_fragment watchexec "WATCHEXEC_VERSION=$V" "WATCHEXEC_ARCHIVE=$A" "WATCHEXEC_SHA256=$(cat "$A.sha256")"
step_done "$V"
