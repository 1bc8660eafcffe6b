#!/usr/bin/env bash
# Runs scripts/test-etcd.sh against Debian's etcd-server package (3.4.x), a
# server we did not build, installing it first when it is missing.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
"${root}/scripts/install-etcd34.sh"
if ! command -v etcd >/dev/null; then
  echo "test-etcd34: no etcd binary: skipping the etcd 3.4 run" >&2
  exit 0
fi
exec "${root}/scripts/test-etcd.sh" "$(command -v etcd)" "$@"
