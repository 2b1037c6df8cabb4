#!/usr/bin/env bash
# The project's test command: installs what the tests need from Debian,
# checks formatting, vets, runs staticcheck and every test.
set -euo pipefail
cd "$(dirname "$0")/.."
export GOFLAGS="${GOFLAGS:-} -buildvcs=false"

# Debian tools used by differential tests (libevtx's evtxexport).
if ! command -v evtxexport >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    echo "== installing Debian packages: libevtx-utils"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libevtx-utils >/dev/null
  else
    echo "== evtxexport missing and not root: sudo apt-get install libevtx-utils" >&2
  fi
fi

echo "== gofmt"
bad=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$bad" ]; then echo "gofmt would change:"; echo "$bad"; exit 1; fi

echo "== go vet"
go vet ./...

echo "== staticcheck"
go run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...

echo "== go test"
go test -count=1 -timeout 30m ./...
