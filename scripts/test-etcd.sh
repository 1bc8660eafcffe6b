#!/usr/bin/env bash
# Runs the acceptance tests that matter for a server version against a real
# etcd daemon binary: every test on the shared etcd (keys, prefixes, leases,
# data sources, the demo) and every access-control test (etcd_user,
# etcd_role, etcd_role_permission, etcd_auth on and off, a provider
# authenticating as a user or with a client certificate, a wrong password,
# TLS). The binary is handed to the tests as ETCD_TEST_SERVER_BIN: the
# harness (internal/etcdtest) starts it for the shared etcd and for each test
# that needs a server of its own, on loopback, with a temporary data dir and
# fsync on. Multi-member cluster tests stay on the embedded server, except
# etcd_member's, which start their clusters of daemons from that binary.
#
# usage: scripts/test-etcd.sh SERVER_BINARY [go test flags...]
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
[ $# -ge 1 ] || { echo "usage: $0 SERVER_BINARY [go test flags...]" >&2; exit 2; }
server="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
shift
[ -x "${server}" ] || { echo "test-etcd: ${server} is not an executable" >&2; exit 1; }
version="$("${server}" --version 2>/dev/null | sed -n '1s/^etcd Version: //p')"
[ -n "${version}" ] || { echo "test-etcd: ${server} --version does not print an etcd version" >&2; exit 1; }

subset='TestAcc(Key_|Prefix_|Lease_|KeyDataSource|KeysDataSource|ClusterStatusDataSource_single|User_|Role_|RolePermission_|Auth_|Member_|Provider_environment(Fallback|UserPassword)|Examples_providerAndDemo)|TestMemberList_'
echo "test-etcd: etcd ${version} (${server}) through ${TF_ACC_TERRAFORM_PATH:-${root}/.bin/tofu}: ${subset}"
cd "${root}"
# ETCD_TEST_ENDPOINTS would send the shared tests to another etcd.
env -u ETCD_TEST_ENDPOINTS -u ETCD_TEST_USER -u ETCD_TEST_PASSWORD \
  ETCD_TEST_SERVER_BIN="${server}" TF_ACC=1 \
  go test ./internal/provider -count=1 -run "${subset}" -timeout 30m "$@"
