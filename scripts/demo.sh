#!/usr/bin/env bash
# make demo: runs examples/demo against a throwaway embedded etcd with the
# provider built from this checkout, through a temporary dev_overrides CLI
# configuration. It touches nothing in your home directory and stops etcd at
# the end, even on failure.
#
# The CLI: `tofu` from PATH (OpenTofu 1.6 or later), else `terraform` from
# PATH (1.0 or later: the demo uses no newer feature), else the pinned
# OpenTofu in .bin/, built from the Go module proxy when missing (about 5
# minutes on 2 cores). DEMO_CLI=/path/to/tofu-or-terraform chooses one.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${root}/.bin"
work="$(mktemp -d)"
etcd_pid=""

cleanup() {
  if [ -n "${etcd_pid}" ] && kill -0 "${etcd_pid}" 2>/dev/null; then
    kill "${etcd_pid}" 2>/dev/null || true
    wait "${etcd_pid}" 2>/dev/null || true
  fi
  rm -rf "${work}"
}
trap cleanup EXIT

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

# cli_version CLI prints "OpenTofu 1.12.6" or "Terraform 1.11.4", or nothing.
cli_version() {
  local out
  out="$(TF_CLI_CONFIG_FILE=/dev/null CHECKPOINT_DISABLE=1 "$1" version 2>/dev/null || true)"
  out="${out%%$'\n'*}"
  case "${out}" in
    "OpenTofu v"* | "Terraform v"*) echo "${out% v*} ${out#* v}" ;;
  esac
}

# supported "OpenTofu 1.12.6" succeeds for OpenTofu >= 1.6 and Terraform >= 1.0.
supported() {
  local name="${1% *}" version="${1#* }" major minor
  major="${version%%.*}"; minor="${version#*.}"; minor="${minor%%.*}"
  case "${major}.${minor}" in *[!0-9.]*) return 1 ;; esac
  case "${name}" in
    OpenTofu) [ "${major}" -gt 1 ] || { [ "${major}" -eq 1 ] && [ "${minor}" -ge 6 ]; } ;;
    Terraform) [ "${major}" -ge 1 ] ;;
    *) return 1 ;;
  esac
}

cli=""
if [ -n "${DEMO_CLI:-}" ]; then
  cli="${DEMO_CLI}"
  supported "$(cli_version "${cli}")" || { echo "DEMO_CLI=${cli} is not OpenTofu >= 1.6 or Terraform >= 1.0" >&2; exit 1; }
else
  for candidate in "$(command -v tofu || true)" "$(command -v terraform || true)" "${bin}/tofu"; do
    if [ -n "${candidate}" ] && [ -x "${candidate}" ] && supported "$(cli_version "${candidate}")"; then
      cli="${candidate}"
      break
    fi
  done
fi
if [ -z "${cli}" ]; then
  step "No supported tofu or terraform on PATH: building the pinned OpenTofu into .bin/"
  "${root}/scripts/install-tofu.sh"
  cli="${bin}/tofu"
fi
cli_name="$(basename "${cli}")"
step "Using $(cli_version "${cli}") at ${cli}"

step "Building etcd-dev (an embedded etcd) and the provider"
go build -o "${bin}/etcd-dev" "${root}/cmd/etcd-dev"
go build -o "${bin}/terraform-provider-etcd" "${root}"

step "Starting etcd on a free loopback port"
"${bin}/etcd-dev" -addr auto -endpoint-file "${work}/endpoint" &
etcd_pid=$!
for _ in $(seq 1 100); do
  [ -s "${work}/endpoint" ] && break
  kill -0 "${etcd_pid}" 2>/dev/null || { echo "etcd-dev exited early" >&2; exit 1; }
  sleep 0.1
done
endpoint="$(cat "${work}/endpoint")"
[ -n "${endpoint}" ] || { echo "etcd did not start" >&2; exit 1; }

# dev_overrides makes tofu and terraform use the provider from .bin/.
cat > "${work}/cli.tfrc" <<CLI
provider_installation {
  dev_overrides {
    "registry.opentofu.org/terraform-etcd/etcd"  = "${bin}"
    "registry.terraform.io/terraform-etcd/etcd" = "${bin}"
  }
  direct {}
}
CLI
export TF_CLI_CONFIG_FILE="${work}/cli.tfrc"
export TF_IN_AUTOMATION=1 TF_INPUT=0 CHECKPOINT_DISABLE=1
export TF_VAR_endpoint="${endpoint}"

mkdir "${work}/demo"
cp "${root}/examples/demo/"*.tf "${work}/demo/"
cd "${work}/demo"
tf() { "${cli}" "$@" -no-color; }

step "${cli_name} apply: keys, a prefix, a lease with an attached key, two data sources"
tf apply -auto-approve -input=false

step "Someone changes /demo/config/db_host and adds a stray key under /demo/features/ by hand"
"${bin}/etcd-dev" put -endpoints "${endpoint}" /demo/config/db_host 10.9.9.9
"${bin}/etcd-dev" put -endpoints "${endpoint}" /demo/features/stray "added by hand"

step "${cli_name} plan: the drift shows up"
set +e
tf plan -detailed-exitcode -input=false
code=$?
set -e
if [ "${code}" -ne 2 ]; then
  echo "expected plan to find the drift (exit code 2), got ${code}" >&2
  exit 1
fi

step "${cli_name} apply: converge back to the configuration"
tf apply -auto-approve -input=false
"${bin}/etcd-dev" get -endpoints "${endpoint}" /demo/config/db_host

step "${cli_name} plan: nothing left to do"
tf plan -detailed-exitcode -input=false

step "${cli_name} destroy"
tf destroy -auto-approve -input=false

step "Done: the demo stopped etcd and removed its temporary files"
