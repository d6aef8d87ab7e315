#!/usr/bin/env bash
# Prepares the sample apps: go-web is compiled on the host (version v1) into
# .cache/apps/go-web (server + Procfile); python-web is used as is from
# integration/apps/python-web. Tests build other versions with build-go-app.sh.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

step_start "apps: sample apps"
GO_OUT="$CACHE/apps/go-web"
SRC="$ROOT/integration/apps/go-web"
stamp="$(cd "$SRC" && sha256sum go.mod main.go | sha256sum | cut -d' ' -f1) v1 $(go env GOVERSION)"
if [[ -x "$GO_OUT/server" && -f "$GO_OUT/Procfile" && "$(cat "$CACHE/apps/go-web.stamp" 2>/dev/null || true)" == "$stamp" ]]; then
  info "cached: $GO_OUT"
else
  bash "$PROVISION_DIR/build-go-app.sh" v1 "$GO_OUT"
  printf '%s\n' "$stamp" >"$CACHE/apps/go-web.stamp"
fi

env_fragment apps "PYTHON_WEB_APP=$ROOT/integration/apps/python-web" "GO_WEB_APP=$GO_OUT" \
  "BUILD_GO_APP=$PROVISION_DIR/build-go-app.sh"
step_done
