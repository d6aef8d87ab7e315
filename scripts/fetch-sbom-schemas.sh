#!/usr/bin/env bash
# Puts the official JSON schemas of the three SBOM formats this buildpack
# writes into .cache/sbom-schemas/ (override the cache root with LR_CACHE_DIR),
# for the schema-validation tests. Idempotent: with the files in place and
# matching their pinned sha256 it does nothing. Prints the directory.
#
# Sources (Go modules from the Go module proxy, the registry this machine reaches):
#   github.com/CycloneDX/cyclonedx-go  schema/  CycloneDX's own Go library, which carries the
#                                      specification's schemas: bom-1.6, spdx (license ids), jsf-0.82
#   github.com/anchore/syft            schema/json/schema-<v>.json  (Syft JSON, the version syft writes)
#                                      schema/spdx-json/spdx-schema-2.3.json  (the SPDX 2.3 schema, $id
#                                      http://spdx.org/rdf/terms/2.3, as published by spdx/spdx-spec)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/provision/lib.sh"

CYCLONEDX_GO=github.com/CycloneDX/cyclonedx-go@v0.12.0
SYFT=github.com/anchore/syft@v1.57.0
SYFT_SCHEMA_VERSION=16.1.13

# target file | module | path in the module | sha256
FILES=(
  "cyclonedx/bom-1.6.schema.json|$CYCLONEDX_GO|schema/bom-1.6.schema.json|3e92dddbc30cf7f6a02b80f0942b1a4cfd4fb1c26f1dfc4310afa9d613cafb93"
  "cyclonedx/spdx.schema.json|$CYCLONEDX_GO|schema/spdx.schema.json|669315cee4265ad6d742e92d7afb062fb4847abe754d3ade544b7c40482d0a48"
  # cyclonedx-go names it .schemax.json; bom-1.6 refers to it as jsf-0.82.schema.json (its $id).
  "cyclonedx/jsf-0.82.schema.json|$CYCLONEDX_GO|schema/jsf-0.82.schemax.json|a517f9e483e2252debd23d5c62edb72805b6d3932935a6ebb8196745052d2dc3"
  "spdx/spdx-schema-2.3.json|$SYFT|schema/spdx-json/spdx-schema-2.3.json|c2e139546ef93597d3b1214d1d452369d0b536af6c6d6500dbd25c582034aa7c"
  "syft/schema-$SYFT_SCHEMA_VERSION.json|$SYFT|schema/json/schema-$SYFT_SCHEMA_VERSION.json|d83c6f3f73715487f46a2d1ca169438206b03b3dac11f1a78e21be916b349131"
)

OUT="$CACHE/sbom-schemas"

up_to_date() {
  local entry target sum
  for entry in "${FILES[@]}"; do
    IFS='|' read -r target _ _ sum <<<"$entry"
    [[ -f "$OUT/$target" && "$(sha256_of "$OUT/$target")" == "$sum" ]] || return 1
  done
}

if ! up_to_date; then
  declare -A DIRS=()
  for entry in "${FILES[@]}"; do
    IFS='|' read -r target module path sum <<<"$entry"
    if [[ -z "${DIRS[$module]:-}" ]]; then
      info "go mod download $module"
      DIRS[$module]="$(cd / && go mod download -json "$module" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')" \
        || die "go mod download $module failed"
      [[ -d "${DIRS[$module]}" ]] || die "go mod download $module gave no directory"
    fi
    src="${DIRS[$module]}/$path"
    [[ -f "$src" ]] || die "$module has no $path"
    [[ "$(sha256_of "$src")" == "$sum" ]] || die "$module $path: sha256 $(sha256_of "$src") is not the pinned $sum"
    mkdir -p "$(dirname "$OUT/$target")"
    install -m 0644 "$src" "$OUT/$target"
  done
  info "SBOM schemas in $OUT"
fi
printf '%s\n' "$OUT"
