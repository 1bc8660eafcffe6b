#!/usr/bin/env bash
# make install: builds the provider for this machine and installs it into
# the local mirror directories that Terraform and OpenTofu search without
# any CLI configuration (their "implied local mirror directories"):
#   ~/.terraform.d/plugins/                          both CLIs, every Unix
#   ${XDG_DATA_HOME:-~/.local/share}/terraform/plugins/  both CLIs (XDG)
# under both registry addresses, registry.terraform.io/terraform-etcd/etcd
# (Terraform) and registry.opentofu.org/terraform-etcd/etcd (OpenTofu reads
# "terraform-etcd/etcd" as this one), in the unpacked layout
#   HOST/terraform-etcd/etcd/VERSION/OS_ARCH/terraform-provider-etcd_vVERSION
# VERSION is scripts/version.sh's (override with VERSION=...). Then a
# configuration with
#   required_providers { etcd = { source = "terraform-etcd/etcd", version = "~> 0.1" } }
# runs `init` offline, which writes .terraform.lock.hcl as for a published
# provider.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
version="${VERSION:-$("${root}/scripts/version.sh")}"
os_arch="$(go env GOOS)_$(go env GOARCH)"
binary="terraform-provider-etcd_v${version}"

work="$(mktemp -d)"
trap 'rm -rf "${work}"' EXIT
(cd "${root}" && go build -ldflags "-s -w -X main.version=${version}" -o "${work}/${binary}" .)

for dir in "${HOME}/.terraform.d/plugins" "${XDG_DATA_HOME:-${HOME}/.local/share}/terraform/plugins"; do
  for host in registry.terraform.io registry.opentofu.org; do
    dest="${dir}/${host}/terraform-etcd/etcd/${version}/${os_arch}"
    rm -rf "${dest}"
    mkdir -p "${dest}"
    cp "${work}/${binary}" "${dest}/${binary}"
    echo "installed ${dest}/${binary}"
  done
done
echo "use it with: required_providers { etcd = { source = \"terraform-etcd/etcd\", version = \"~> ${version%.*}\" } }"
