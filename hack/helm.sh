#!/usr/bin/env bash
# Prints the path of a helm binary, building it once from the Go module proxy into a cache
# outside the repository (no Debian package ships helm). Usage: hack/helm.sh [helm args…]
# runs helm with the given arguments; without arguments it only prints the binary's path.
set -euo pipefail

HELM_VERSION="${HELM_VERSION:-v3.21.4}"
CACHE_ROOT="${XDG_CACHE_HOME:-$HOME/.cache}/galera-operator"
HELM_DIR="$CACHE_ROOT/helm-$HELM_VERSION"
HELM_BIN="$HELM_DIR/helm"

if [ ! -x "$HELM_BIN" ]; then
  command -v go >/dev/null || { echo "hack/helm.sh: Go is required to build helm" >&2; exit 1; }
  mkdir -p "$HELM_DIR"
  echo "hack/helm.sh: building helm $HELM_VERSION into $HELM_DIR (once; takes a few minutes)" >&2
  # go install builds the module's own main package at that version; -trimpath keeps paths out.
  GOBIN="$HELM_DIR" GOFLAGS="${GOFLAGS:-} -trimpath" nice -n 10 go install "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
fi

if [ $# -eq 0 ]; then
  echo "$HELM_BIN"
else
  exec "$HELM_BIN" "$@"
fi
