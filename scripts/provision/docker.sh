#!/usr/bin/env bash
# Installs Debian packages the project needs (docker engine, debootstrap, arm64
# cross runtime for qemu tests, ...) and makes sure a docker daemon answers.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

step_start "docker: packages and daemon"

PKGS=(docker.io debootstrap xz-utils qemu-user-static
      libc6-arm64-cross libstdc++6-arm64-cross curl)

ensure_debian_packages "${PKGS[@]}"

command -v docker >/dev/null 2>&1 || die "no docker client on PATH after installing docker.io"

if docker info >/dev/null 2>&1; then
  info "docker daemon already running ($(docker version -f '{{.Server.Version}}' 2>/dev/null))"
else
  if pgrep -x dockerd >/dev/null 2>&1; then
    info "dockerd process exists but does not answer yet; waiting for it"
  else
    info "starting dockerd (log: $CACHE/dockerd.log)"
    setsid nohup dockerd --bridge=none --iptables=false --ip-masq=false \
      >"$CACHE/dockerd.log" 2>&1 </dev/null &
    disown || true
  fi
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && break
    sleep 1
  done
  docker info >/dev/null 2>&1 \
    || { tail -20 "$CACHE/dockerd.log" >&2 2>/dev/null || true; die "docker daemon did not answer within 60 s (log: $CACHE/dockerd.log)"; }
  info "docker daemon up ($(docker version -f '{{.Server.Version}}'))"
fi

step_done
