#!/usr/bin/env bash
# Regenerates docs/ with tfplugindocs, offline: the provider schema comes
# from `tofu providers schema -json` on the provider built from this
# checkout (through a temporary dev_overrides CLI configuration), and is
# handed to tfplugindocs with --providers-schema, so it neither downloads
# Terraform nor needs one on PATH. tools/cmd/docs-schema adds the list
# resource schemas, which OpenTofu leaves out. Both tools build from the
# tools module (tools/go.mod), which pins tfplugindocs.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${root}/.bin"
work="$(mktemp -d)"
trap 'rm -rf "${work}"' EXIT

"${root}/scripts/install-tofu.sh" >/dev/null
go build -o "${bin}/terraform-provider-etcd" "${root}"

cat > "${work}/cli.tfrc" <<CLI
provider_installation {
  dev_overrides {
    "registry.opentofu.org/terraform-etcd/etcd" = "${bin}"
  }
  direct {}
}
CLI
cat > "${work}/main.tf" <<'TF'
terraform {
  required_providers {
    etcd = { source = "terraform-etcd/etcd" }
  }
}
TF
(cd "${work}" && TF_CLI_CONFIG_FILE="${work}/cli.tfrc" "${bin}/tofu" providers schema -json >"${work}/raw.json" 2>"${work}/stderr") || {
  cat "${work}/stderr" >&2
  exit 1
}
# tfplugindocs looks the provider up under the short name; OpenTofu does not
# know list resources, so their schemas are added from the provider itself.
go -C "${root}/tools" run ./cmd/docs-schema <"${work}/raw.json" >"${work}/schema.json"

go -C "${root}/tools" build -o "${work}/tfplugindocs" github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs
cd "${root}"
"${work}/tfplugindocs" generate \
  --provider-name etcd --rendered-provider-name etcd --providers-schema "${work}/schema.json"
