#!/usr/bin/env bash
# Prints the provider version to build: the latest vX.Y.Z tag without its v,
# or, before the first tag, the newest version heading in CHANGELOG.md
# ("## 0.1.0 (Unreleased)" gives 0.1.0).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
if tag="$(git -C "${root}" describe --tags --abbrev=0 --match 'v[0-9]*' 2>/dev/null)"; then
  echo "${tag#v}"
  exit 0
fi
version="$(sed -n 's/^## v\{0,1\}\([0-9][0-9]*\.[0-9][0-9]*\.[0-9][0-9]*\).*/\1/p' "${root}/CHANGELOG.md" | sed -n 1p)"
[ -n "${version}" ] || { echo "version.sh: no vX.Y.Z tag and no '## X.Y.Z' heading in CHANGELOG.md" >&2; exit 1; }
echo "${version}"
