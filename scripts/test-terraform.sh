#!/usr/bin/env bash
# Runs the acceptance tests through HashiCorp Terraform rather than
# OpenTofu: through the given binaries, or through .bin/terraform
# (Terraform 1.5.7, see install-terraform.sh) and the terraform on PATH, if
# any. A Terraform with write-only attributes and ephemeral resources (1.11
# or later: the newest one, on PATH) runs the whole suite, every test of
# every package under internal/provider, without the race detector (the
# OpenTofu run of make test-acc has it); an older one runs the shared-etcd
# subset below, which is what its features allow. Tests of features a
# version lacks skip with the reason (internal/provider/cli_version_test.go).
# Prints how long each run took.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "${root}"

# Every resource and data source whose tests run on a shared etcd (the
# shared part of scripts/test-etcd.sh's subset), plus the list resources'
# import test and the functions.
subset='TestAcc(Key_|Prefix_|Lease_|KeyDataSource|KeysDataSource|ClusterStatusDataSource_single|User_|Role_|RolePermission_|Provider_environmentFallback|Examples_providerAndDemo|ListResults_)|^TestFunction'

binaries=("$@")
if [ ${#binaries[@]} -eq 0 ]; then
  binaries=("${root}/.bin/terraform")
  if on_path="$(command -v terraform)" && [ "$(readlink -f "${on_path}")" != "$(readlink -f "${root}/.bin/terraform")" ]; then
    binaries+=("${on_path}")
  else
    echo "test-terraform: no terraform on PATH: the whole suite does not run through Terraform, only Terraform 1.5.7's subset" \
      "(newer Terraform releases do not build from the Go module proxy: put one on PATH)"
  fi
fi

for bin in "${binaries[@]}"; do
  # The environment may point TF_CLI_CONFIG_FILE at a file that does not
  # exist; the tests set their own.
  version="$(TF_CLI_CONFIG_FILE=/dev/null CHECKPOINT_DISABLE=1 "${bin}" version | sed -n 1p)"
  read -r major minor < <(sed -n 's/^Terraform v\([0-9]*\)\.\([0-9]*\)\..*/\1 \2/p' <<<"${version}") || true
  [ -n "${minor:-}" ] || { echo "test-terraform: ${bin} is not a Terraform: ${version}" >&2; exit 1; }
  full=false
  if [ "${major}" -gt 1 ] || [ "${minor}" -ge 11 ]; then
    full=true
  fi
  run=(-run "${subset}")
  what="the shared-etcd subset: ${subset}"
  if ${full}; then
    run=()
    what="the whole suite (./internal/provider/...)"
  fi
  echo "test-terraform: ${version} (${bin}): ${what}"
  start=$(date +%s)
  TF_ACC=1 TF_ACC_TERRAFORM_PATH="${bin}" TF_ACC_PROVIDER_HOST=registry.terraform.io \
    go test ./internal/provider/... -count=1 "${run[@]}" -timeout 60m
  echo "test-terraform: ${version} took $(( $(date +%s) - start ))s"
  # The whole suite runs on embedded etcd; against a real daemon, the
  # per-version subset of scripts/test-etcd.sh runs through this Terraform
  # too, on the etcd on PATH (Debian's 3.4: make test-terraform installs it).
  if ${full} && command -v etcd >/dev/null; then
    start=$(date +%s)
    TF_ACC_TERRAFORM_PATH="${bin}" TF_ACC_PROVIDER_HOST=registry.terraform.io "${root}/scripts/test-etcd.sh" "$(command -v etcd)"
    echo "test-terraform: ${version} against $(command -v etcd) took $(( $(date +%s) - start ))s"
  fi
done
