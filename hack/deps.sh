#!/usr/bin/env bash
# Installs the system packages the tests and the demo need (Debian; run as root).
# Does nothing when everything is already installed.
set -euo pipefail
PACKAGES=(mariadb-server mariadb-client mariadb-backup galera-4 haproxy rsync socat openssl curl
  iproute2 procps util-linux psmisc lsof)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  command -v apt-get >/dev/null || { echo "missing packages: ${missing[*]} (install them with your package manager)" >&2; exit 1; }
  [ "$(id -u)" = 0 ] || { echo "missing packages: ${missing[*]}; run as root: apt-get install ${missing[*]}" >&2; exit 1; }
  echo "[deps] installing ${missing[*]}" >&2
  apt-get update -qq
  # The packages' own services are not wanted (members are started by the cluster):
  # a policy-rc.d that refuses service starts, only for the time of this install.
  own_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && own_policy=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  [ "$own_policy" = 1 ] && rm -f /usr/sbin/policy-rc.d
fi
command -v go >/dev/null || { echo "Go 1.26+ is required to build the local control plane" >&2; exit 1; }
command -v node >/dev/null || { echo "Node.js 20 is required" >&2; exit 1; }
exit 0
