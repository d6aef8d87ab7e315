#!/bin/sh
# Builds the static binary and Procfile Skaffold/Tilt push into the image.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$here/build"
cd "$here/../../integration/apps/go-web"
CGO_ENABLED=0 GOOS=linux go build -o "$here/build/server" .
printf 'web: ./server\n' > "$here/build/Procfile"
