#!/usr/bin/env bash
# Installs Debian's etcd-server package (etcd 3.4.x) when the etcd binary is
# missing, and etcd-client (etcdctl, which restores 3.4 snapshots) when
# etcdctl is (needs root and apt-get, as on CI). The hung-member tests
# freeze members of a cluster of these daemons; scripts/test-etcd34.sh runs
# the acceptance subset against it.
set -euo pipefail

packages=()
command -v etcd >/dev/null || packages+=(etcd-server)
command -v etcdctl >/dev/null || packages+=(etcd-client)
if [ ${#packages[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
  echo "install-etcd34: ${packages[*]} not installed and cannot be installed here (needs root and apt-get)" >&2
  exit 0
fi
echo "install-etcd34: installing Debian's ${packages[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
