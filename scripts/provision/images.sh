#!/usr/bin/env bash
# Base images made here from Debian packages only (nothing is pulled):
#   livereload/debian:bookworm    debootstrap minbase (+ca-certificates), docker import
#   livereload/build:bookworm     build image (cnb user 1000, CNB env, labels)
#   livereload/run-base:bookworm  run image with sh, coreutils, tar, ps, python3
#   livereload/run-tiny:bookworm  run image from an empty rootfs: glibc runtime + certs only
# Each image carries a label with the hash of its inputs; unchanged inputs = no rebuild.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SUITE=bookworm
INCLUDE=ca-certificates
ROOTFS_DIR="$CACHE/rootfs"
CTX_DIR="$CACHE/images"
export DOCKER_BUILDKIT=0   # engine 20.10 without buildx: the legacy builder does it all

step_start "images: base, build and run images"
command -v debootstrap >/dev/null || die "debootstrap missing (run scripts/provision/docker.sh)"
docker info >/dev/null 2>&1 || die "docker daemon not reachable (run scripts/provision/docker.sh)"

# The Debian mirror apt is configured with (deb822 .sources first, then .list files).
debian_mirror() {
  local m=""
  m="$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '
        /^URIs:/ { u = $2 }
        /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == "'$SUITE'") { print u; exit } }')" || true
  if [[ -z "$m" ]]; then
    m="$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
          | awk '$1 == "deb" && $0 !~ /\[/ && $3 == "'$SUITE'" { print $2; exit }')" || true
  fi
  printf '%s\n' "${m:-http://deb.debian.org/debian}"
}

# build_image NAME CONTEXT_DIR HASH [docker build args...]
build_image() {
  local name="$1" ctx="$2" hash="$3" t0 logf old; shift 3
  if [[ "$(image_label "$name" "$INPUTS_LABEL")" == "$hash" ]]; then
    info "cached: $name"; return 1
  fi
  t0=$(now)
  old="$(image_id "$name" 2>/dev/null || true)"
  logf="$CTX_DIR/$(tr '/:' '__' <<<"$name").log"
  info "docker build $name (log: $logf)"
  docker build --pull=false --label "$INPUTS_LABEL=$hash" -t "$name" "$@" "$ctx" >"$logf" 2>&1 \
    || { tail -20 "$logf" >&2; die "docker build $name failed (log: $logf)"; }
  drop_replaced_image "$old" "$name"
  info "built $name in $(elapsed "$t0")"
}

ctx_hash() { # DIR [extra...] -> hash of every file in DIR + extra strings
  local dir="$1"; shift
  { (cd "$dir" && find . -type f -print0 | sort -z | xargs -0 sha256sum); printf '%s\n' "$@"; } | sha256sum | cut -d' ' -f1
}

mkdir -p "$ROOTFS_DIR" "$CTX_DIR"

# --- 1. livereload/debian:bookworm ---------------------------------------------
BASE_INPUTS="suite=$SUITE variant=minbase include=$INCLUDE layout=1"
BASE_HASH="$(sha256_str "$BASE_INPUTS")"
if [[ "$(image_label "$BASE_IMAGE" "$INPUTS_LABEL")" == "$BASE_HASH" ]]; then
  info "cached: $BASE_IMAGE"
else
  ROOTFS_TAR="$ROOTFS_DIR/$SUITE-minbase-${BASE_HASH:0:12}.tar.gz"
  if [[ ! -s "$ROOTFS_TAR" ]]; then
    MIRROR="$(debian_mirror)"
    t0=$(now)
    info "debootstrap --variant=minbase --include=$INCLUDE $SUITE from $MIRROR (log: $ROOTFS_DIR/debootstrap.log)"
    DIR="$(mktemp -d "$ROOTFS_DIR/tree.XXXXXX")"
    debootstrap --variant=minbase --include="$INCLUDE" "$SUITE" "$DIR" "$MIRROR" \
        >"$ROOTFS_DIR/debootstrap.log" 2>&1 \
      || { tail -20 "$ROOTFS_DIR/debootstrap.log" >&2; rm -rf "$DIR"; die "debootstrap failed (log: $ROOTFS_DIR/debootstrap.log)"; }
    # The container engine provides these; drop the host's copies.
    rm -rf "$DIR"/var/lib/apt/lists/* "$DIR"/var/cache/apt/*.bin "$DIR"/var/cache/apt/archives/*.deb \
           "$DIR"/etc/resolv.conf "$DIR"/etc/hostname "$DIR"/etc/hosts
    tar -C "$DIR" --numeric-owner --xattrs -cf - . | gzip -1 >"$ROOTFS_TAR.tmp"
    mv -f "$ROOTFS_TAR.tmp" "$ROOTFS_TAR"
    rm -rf "$DIR"
    info "rootfs $ROOTFS_TAR ($(du -h "$ROOTFS_TAR" | cut -f1)) in $(elapsed "$t0")"
  else
    info "cached rootfs: $ROOTFS_TAR"
  fi
  old="$(image_id "$BASE_IMAGE" 2>/dev/null || true)"
  docker import \
    --change "LABEL $INPUTS_LABEL=$BASE_HASH" \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["/bin/bash"]' \
    "$ROOTFS_TAR" "$BASE_IMAGE" >/dev/null || die "docker import $ROOTFS_TAR failed"
  drop_replaced_image "$old" "$BASE_IMAGE"
  info "imported $BASE_IMAGE"
fi
BASE_ID="$(image_id "$BASE_IMAGE")"

# --- 2. build and run-base -------------------------------------------------------
build_image "$BUILD_IMAGE" "$IMAGES_DIR/build" \
  "$(ctx_hash "$IMAGES_DIR/build" "$BASE_ID")" --network none || true
build_image "$RUN_BASE" "$IMAGES_DIR/run-base" \
  "$(ctx_hash "$IMAGES_DIR/run-base" "$BASE_ID")" --network host || true

# --- 3. run-tiny -------------------------------------------------------------------
# The watchexec binary watchexec.sh built (if it ran before), to check it runs here.
watchexec_bin() {
  local v
  v="$(sed -n 's/^export WATCHEXEC_VERSION=//p' "$ENV_FRAGMENTS/watchexec.env" 2>/dev/null || true)"
  [[ -n "$v" && -x "$CACHE/watchexec-build/$v/bin/watchexec" ]] && echo "$CACHE/watchexec-build/$v/bin/watchexec"
  return 0
}
# Shared libraries watchexec's glibc build and node need, from ldd, plus glibc basics.
tiny_libs() {
  local bin
  printf '%s\n' ld-linux-x86-64.so.2 libc.so.6 libm.so.6 libgcc_s.so.1 libstdc++.so.6 \
                libpthread.so.0 libdl.so.2 librt.so.1
  for bin in "$(watchexec_bin)" "$(command -v node || true)"; do
    [[ -n "$bin" && -x "$bin" ]] || continue
    ldd "$bin" 2>/dev/null | awk '$1 ~ /\.so/ { n = $1; sub(/.*\//, "", n); print n }'
  done
}
TINY_CTX="$CTX_DIR/run-tiny"
rm -rf "$TINY_CTX.new" && mkdir -p "$TINY_CTX.new"
cp "$IMAGES_DIR/run-tiny/make-rootfs.sh" "$TINY_CTX.new/"
tiny_libs | grep -v '^linux-vdso' | sort -u >"$TINY_CTX.new/libs.txt"
if diff -r -q "$TINY_CTX.new" "$TINY_CTX" >/dev/null 2>&1; then
  rm -rf "$TINY_CTX.new"
else
  rm -rf "$TINY_CTX" && mv "$TINY_CTX.new" "$TINY_CTX"
fi
TINY_HASH="$(ctx_hash "$TINY_CTX" "$BASE_ID" "tiny-import=1")"
if [[ "$(image_label "$RUN_TINY" "$INPUTS_LABEL")" == "$TINY_HASH" ]]; then
  info "cached: $RUN_TINY"
else
  # No multi-stage Dockerfile: the legacy builder would leave an untagged stage image
  # behind. Assemble the tree in a throwaway base container and import it as one layer.
  t0=$(now)
  old="$(image_id "$RUN_TINY" 2>/dev/null || true)"
  info "assembling $RUN_TINY (libs: $(tr '\n' ' ' <"$TINY_CTX/libs.txt"))"
  docker run --rm --network none -u 0:0 -v "$TINY_CTX:/ctx:ro" --entrypoint /bin/sh "$BASE_IMAGE" \
      -c 'set -e; sh /ctx/make-rootfs.sh /out /ctx/libs.txt; tar -C /out --numeric-owner -cf - .' \
      >"$CTX_DIR/run-tiny-rootfs.tar" 2>"$CTX_DIR/run-tiny-make-rootfs.log" \
    || { cat "$CTX_DIR/run-tiny-make-rootfs.log" >&2; die "assembling the $RUN_TINY filesystem failed"; }
  cat "$CTX_DIR/run-tiny-make-rootfs.log" >&2
  docker import \
    --change "LABEL $INPUTS_LABEL=$TINY_HASH" \
    --change 'LABEL io.buildpacks.stack.id=io.buildpacks.stacks.bookworm' \
    --change 'LABEL io.buildpacks.base.distro.name=debian' \
    --change 'LABEL io.buildpacks.base.distro.version=12' \
    --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin' \
    --change 'ENV CNB_USER_ID=1000' \
    --change 'ENV CNB_GROUP_ID=1000' \
    --change 'ENV CNB_STACK_ID=io.buildpacks.stacks.bookworm' \
    --change 'USER 1000:1000' \
    "$CTX_DIR/run-tiny-rootfs.tar" "$RUN_TINY" >/dev/null || die "docker import $RUN_TINY failed"
  rm -f "$CTX_DIR/run-tiny-rootfs.tar"
  drop_replaced_image "$old" "$RUN_TINY"
  info "built $RUN_TINY in $(elapsed "$t0")"

  info "checking $RUN_TINY has no shell, tar or rm"
  if docker run --rm --network none --entrypoint /bin/sh "$RUN_TINY" -c true >/dev/null 2>&1; then
    die "$RUN_TINY: /bin/sh ran, but the tiny image must have no shell"
  fi
  cid="$(docker create --entrypoint /none "$RUN_TINY")"
  listing="$(docker export "$cid" | tar -tv --numeric-owner)"; docker rm "$cid" >/dev/null
  files="$(awk '{ print $6 }' <<<"$listing")"
  bad="$(grep -E '(^|/)(sh|bash|dash|tar|rm|ls|cat|busybox|coreutils)$' <<<"$files" || true)"
  [[ -z "$bad" ]] || die "$RUN_TINY contains tools it must not have: $bad"
  for need in etc/ssl/certs/ca-certificates.crt etc/passwd etc/group etc/nsswitch.conf \
              lib64/ld-linux-x86-64.so.2 lib/x86_64-linux-gnu/libc.so.6 lib/x86_64-linux-gnu/libstdc++.so.6; do
    grep -qx "$need" <<<"$files" || die "$RUN_TINY lacks /$need"
  done
  grep -Eq '^drwxrwxrwt 0/0 .* tmp/$' <<<"$listing" || die "$RUN_TINY: /tmp is not root-owned mode 1777"
  grep -Eq '^d[rwx-]+ 1000/1000 .* home/cnb/$' <<<"$listing" || die "$RUN_TINY: /home/cnb is not owned by 1000:1000"
  wx="$(watchexec_bin)"
  if [[ -n "$wx" ]]; then
    out="$(docker run --rm --network none -v "$wx:/usr/local/bin/watchexec:ro" "$RUN_TINY" watchexec --version | head -n1)" \
      || die "$RUN_TINY cannot run watchexec ($wx)"
    info "watchexec in $RUN_TINY: $out"
  fi
  if command -v node >/dev/null; then
    out="$(docker run --rm --network none -v "$(readlink -f "$(command -v node)"):/usr/local/bin/node:ro" \
           "$RUN_TINY" node -e 'console.log(process.version, require("os").userInfo().username)')" \
      || die "$RUN_TINY cannot run node"
    info "node in $RUN_TINY: $out"
  fi
fi

env_fragment images "BASE_IMAGE=$BASE_IMAGE" "BUILD_IMAGE=$BUILD_IMAGE" "RUN_BASE=$RUN_BASE" "RUN_TINY=$RUN_TINY"
step_done
