#!/usr/bin/env bash
# Installs HashiCorp Terraform 1.5.7, the last MPL-2.0 release, from the Go
# module proxy into .bin/terraform, as install-tofu.sh does for OpenTofu.
# Skipped when .bin/terraform already reports that version. Newer releases
# cannot be built this way: their go.mod replaces nested modules that the
# module zip leaves out.
set -euo pipefail

TERRAFORM_VERSION="${TERRAFORM_VERSION:-1.5.7}"
root="$(cd "$(dirname "$0")/.." && pwd)"
bin_dir="${root}/.bin"
terraform="${bin_dir}/terraform"

if [ -x "${terraform}" ] && TF_CLI_CONFIG_FILE=/dev/null "${terraform}" version 2>/dev/null | grep -x "Terraform v${TERRAFORM_VERSION}" >/dev/null; then
  echo "terraform v${TERRAFORM_VERSION} already at ${terraform}"
  exit 0
fi

mkdir -p "${bin_dir}"
echo "building Terraform v${TERRAFORM_VERSION} from the Go module proxy (a few minutes)..."
work="$(mktemp -d)"
trap 'rm -rf "${work}"' EXIT
# Run outside our module so the install never touches go.mod or go.sum.
(cd "${work}" && GOFLAGS= GOBIN="${bin_dir}" go install -trimpath -ldflags "-s -w" "github.com/hashicorp/terraform@v${TERRAFORM_VERSION}")
TF_CLI_CONFIG_FILE=/dev/null "${terraform}" version | sed -n 1p
