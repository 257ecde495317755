#!/usr/bin/env bash
# Prints the path of a helm binary, building it once from the Go module proxy into a cache
# outside the repository (no Debian package ships helm). Usage: hack/helm.sh [helm args…]
# runs helm with the given arguments; without arguments it only prints the binary's path.
set -euo pipefail

HELM_VERSION="${HELM_VERSION:-v3.21.4}"
CACHE_ROOT="${XDG_CACHE_HOME:-$HOME/.cache}/galera-operator"
HELM_DIR="$CACHE_ROOT/helm-$HELM_VERSION"
HELM_BIN="$HELM_DIR/helm"

build_helm() {
  command -v go >/dev/null || { echo "hack/helm.sh: Go is required to build helm" >&2; exit 1; }
  mkdir -p "$HELM_DIR"
  echo "hack/helm.sh: building helm $HELM_VERSION into $HELM_DIR (once; takes a few minutes)" >&2
  # helm's own Makefile stamps its version and the Kubernetes version it assumes (major is the
  # client-go major + 1); without them `helm template` pretends to target Kubernetes 1.20.
  local gomod client_go minor pkg=helm.sh/helm/v3
  gomod=$(go mod download -json "$pkg@$HELM_VERSION" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
  client_go=$(sed -n 's/^[[:space:]]*k8s.io\/client-go v0\.\([0-9]*\)\..*/\1/p' "$gomod" | head -n1)
  [ -n "$client_go" ] || { echo "hack/helm.sh: cannot find helm's client-go version in $gomod" >&2; exit 1; }
  minor=$client_go
  local ldflags="-s -w -X $pkg/internal/version.version=$HELM_VERSION"
  for target in pkg/lint/rules pkg/chartutil; do
    ldflags+=" -X $pkg/$target.k8sVersionMajor=1 -X $pkg/$target.k8sVersionMinor=$minor"
  done
  GOBIN="$HELM_DIR" nice -n 10 go install -trimpath -ldflags "$ldflags" "$pkg/cmd/helm@$HELM_VERSION"
}

[ -x "$HELM_BIN" ] || build_helm

if [ $# -eq 0 ]; then
  echo "$HELM_BIN"
else
  exec "$HELM_BIN" "$@"
fi
