#!/usr/bin/env bash
# Usage: build-go-app.sh VERSION OUTDIR
# Builds integration/apps/go-web on the host as a static binary with the version
# compiled in, and writes the app dir to push to pack: OUTDIR/server + OUTDIR/Procfile.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[[ $# -eq 2 ]] || die "usage: $(basename "$0") VERSION OUTDIR"
VERSION="$1"
OUTDIR="$2"
SRC="$ROOT/integration/apps/go-web"

mkdir -p "$OUTDIR"
(cd "$SRC" && CGO_ENABLED=0 GOOS=linux GOARCH=amd64 \
   go build -trimpath -ldflags "-s -w -X main.version=$VERSION" -o "$OUTDIR/server.tmp" .) \
  || die "go build of $SRC (version $VERSION) failed"
mv -f "$OUTDIR/server.tmp" "$OUTDIR/server"
printf 'web: ./server\n' >"$OUTDIR/Procfile"
info "go-web $VERSION -> $OUTDIR/server"
