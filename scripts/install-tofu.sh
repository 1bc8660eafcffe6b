#!/usr/bin/env bash
# Builds the pinned OpenTofu CLI from the Go module proxy into .bin/tofu.
# Skipped when .bin/tofu already reports the pinned version.
set -euo pipefail

TOFU_VERSION="${TOFU_VERSION:-1.12.6}"
root="$(cd "$(dirname "$0")/.." && pwd)"
bin_dir="${root}/.bin"
tofu="${bin_dir}/tofu"

if [ -x "${tofu}" ] && TF_CLI_CONFIG_FILE=/dev/null "${tofu}" version 2>/dev/null | grep -x "OpenTofu v${TOFU_VERSION}" >/dev/null; then
  echo "tofu v${TOFU_VERSION} already at ${tofu}"
  exit 0
fi

mkdir -p "${bin_dir}"
echo "building OpenTofu v${TOFU_VERSION} from the Go module proxy (a few minutes)..."
work="$(mktemp -d)"
trap 'chmod -R u+w "${work}" 2>/dev/null; rm -rf "${work}"' EXIT
# Run outside our module so the download never touches go.mod or go.sum.
module_dir="$(cd "${work}" && GOFLAGS= go mod download -json "github.com/opentofu/opentofu@v${TOFU_VERSION}" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
if [ -z "${module_dir}" ] || [ ! -d "${module_dir}" ]; then
  echo "could not download github.com/opentofu/opentofu@v${TOFU_VERSION}" >&2
  exit 1
fi

src="${work}/src"
mkdir -p "${src}" && cp -R "${module_dir}/." "${src}/"
chmod -R u+w "${src}"
(cd "${src}" && GOFLAGS=-mod=mod go build -trimpath \
  -ldflags "-s -w -X github.com/opentofu/opentofu/version.dev=no" \
  -o "${tofu}" ./cmd/tofu)
TF_CLI_CONFIG_FILE=/dev/null "${tofu}" version | sed -n 1p
