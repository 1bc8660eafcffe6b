#!/usr/bin/env bash
# Runs the shared-etcd acceptance tests through HashiCorp Terraform rather
# than OpenTofu: through the given binaries, or through .bin/terraform
# (Terraform 1.5.7, see install-terraform.sh) and the terraform on PATH, if
# any. Tests of features a Terraform version lacks skip with the reason
# (internal/provider/cli_version_test.go). Prints how long each run took.
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
    echo "test-terraform: no terraform on PATH; running Terraform 1.5.7 only"
  fi
fi

for bin in "${binaries[@]}"; do
  version="$(TF_CLI_CONFIG_FILE=/dev/null CHECKPOINT_DISABLE=1 "${bin}" version | sed -n 1p)"
  echo "test-terraform: ${version} (${bin}): ${subset}"
  start=$(date +%s)
  TF_ACC=1 TF_ACC_TERRAFORM_PATH="${bin}" TF_ACC_PROVIDER_HOST=registry.terraform.io \
    go test ./internal/provider -count=1 -run "${subset}" -timeout 30m
  echo "test-terraform: ${version} took $(( $(date +%s) - start ))s"
done
