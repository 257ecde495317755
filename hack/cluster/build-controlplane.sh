#!/usr/bin/env bash
# Builds etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kubectl
# from the pinned Go module into a cache outside the repository, once per version.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

missing=()
for b in "${CP_BINARIES[@]}"; do [ -x "$CP_BIN/$b" ] || missing+=("$b"); done
if [ ${#missing[@]} -eq 0 ]; then
  log "control plane $K8S_VERSION cached in $CP_BIN"
  exit 0
fi
command -v go >/dev/null || die "Go is required to build the control plane (install Go 1.26+)"
mkdir -p "$CP_BIN"
log "building ${missing[*]} ($K8S_VERSION) into $CP_BIN — the first build takes many minutes on 2 cores"
start=$(now_ms)
pkgs=()
for b in "${missing[@]}"; do
  case "$b" in
    etcd) pkgs+=(./cmd/etcd) ;;
    *) pkgs+=("k8s.io/kubernetes/cmd/$b") ;;
  esac
done
cd "$CP_MODULE_DIR"
go mod download
# One `go build` for all of them shares the compiled dependency graph.
for p in "${pkgs[@]}"; do
  s=$(now_ms)
  go build -trimpath -ldflags="$CP_LDFLAGS" -o "$CP_BIN/" "$p"
  log "built $(basename "$p") in $(( ($(now_ms) - s) / 1000 )) s"
done
secs=$(( ($(now_ms) - start) / 1000 ))
echo "$secs" >"$CP_BIN/.build-seconds"
log "control plane built in $secs s"
echo "controlplane_build_seconds: $secs"
