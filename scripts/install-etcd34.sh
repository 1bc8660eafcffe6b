#!/usr/bin/env bash
# Installs Debian's etcd-server package (etcd 3.4.x) when the etcd binary is
# missing (needs root and apt-get, as on CI). The hung-member tests freeze
# members of a cluster of these daemons; scripts/test-etcd34.sh runs the
# acceptance subset against it.
set -euo pipefail

if command -v etcd >/dev/null; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
  echo "install-etcd34: etcd is not installed and cannot be installed here (needs root and apt-get)" >&2
  exit 0
fi
echo "install-etcd34: installing Debian's etcd-server"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends etcd-server >/dev/null
