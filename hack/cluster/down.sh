#!/usr/bin/env bash
# Stops every process the local cluster started. `--purge` also deletes its state
# (etcd data, volumes, logs); by default the state is kept for the next `make cluster`.
#   down.sh [--purge|--keep-data]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

mode="${1:---keep-data}"
# The agent stops its pods gracefully on SIGTERM.
stop_pidfile "$RUN_DIR/agent.pid" 60
bash "$(dirname "${BASH_SOURCE[0]}")/controlplane.sh" stop
# Anything a container left behind (pid files of pods): kill the process groups.
if [ -d "$RUN_DIR" ]; then
  while IFS= read -r f; do
    stop_pidfile "$f" 2
  done < <(find "$RUN_DIR" -name '*.pid' 2>/dev/null)
fi
# Processes whose working files live in the cluster dir (e.g. children that changed
# process group) are found by their open files and command lines.
if [ -d "$CLUSTER_DIR" ]; then
  for pid in $(pgrep -f -- "$CLUSTER_DIR" 2>/dev/null || true); do
    [ "$pid" = "$$" ] && continue
    kill -KILL "$pid" 2>/dev/null || true
  done
fi
# Bind mounts made by the agent in the host namespace, if any, are released.
if [ -d "$CLUSTER_DIR" ]; then
  { grep -F " $CLUSTER_DIR/" /proc/self/mounts 2>/dev/null || true; } | awk '{print $2}' | sort -r | while read -r m; do
    umount -l "$m" 2>/dev/null || true
  done
fi
if [ "$mode" = "--purge" ]; then
  rm -rf "$CLUSTER_DIR"
  log "local cluster stopped and its state removed"
else
  log "local cluster stopped (state kept in $CLUSTER_DIR; --purge removes it)"
fi
