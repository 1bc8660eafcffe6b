#!/usr/bin/env bash
# Runs scripts/test-etcd.sh against Debian's etcd-server package (3.4.x), a
# server we did not build. Installs the package when the etcd binary is
# missing (needs root and apt-get, as on CI).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
if ! command -v etcd >/dev/null; then
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
    echo "test-etcd34: etcd is not installed and cannot be installed here (needs root and apt-get): skipping the etcd 3.4 run" >&2
    exit 0
  fi
  echo "test-etcd34: installing Debian's etcd-server"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends etcd-server >/dev/null
fi
exec "${root}/scripts/test-etcd.sh" "$(command -v etcd)" "$@"
