#!/usr/bin/env bash
# Installs what `npm run build` needs besides Node: strip for both targets
# (the Node binary is stripped before the bundle is injected). scripts/build.mjs
# runs this by itself when a strip is missing, so `npm ci && npm run build`
# works on a fresh machine.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

step_start "build tools: strip for amd64 and arm64"
ensure_debian_packages binutils binutils-aarch64-linux-gnu
step_done
