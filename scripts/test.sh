#!/usr/bin/env bash
# The project's test command: installs what the tests need from Debian,
# checks formatting, vets, runs staticcheck and every test.
set -euo pipefail
cd "$(dirname "$0")/.."
export GOFLAGS="${GOFLAGS:-} -buildvcs=false"

# Debian tools used by differential tests: libevtx's evtxexport for the
# EVTX reader, tshark for packet-capture sessions.
need=""
command -v evtxexport >/dev/null 2>&1 || need="$need libevtx-utils"
command -v tshark >/dev/null 2>&1 || need="$need tshark"
if [ -n "$need" ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "== installing Debian packages:$need"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null
  else
    echo "== missing and not root: sudo apt-get install$need" >&2
  fi
fi

echo "== gofmt"
bad=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$bad" ]; then echo "gofmt would change:"; echo "$bad"; exit 1; fi

# The shipping build writes events to DuckDB as Arrow batches (build tag
# duckdb_arrow); without the tag the store falls back to DuckDB's row
# appender. Both are vetted and tested.
tags=duckdb_arrow

echo "== go vet"
go vet -tags "$tags" ./...
go vet ./internal/store/...

echo "== staticcheck"
go run honnef.co/go/tools/cmd/staticcheck@v0.8.2 -tags "$tags" ./...

echo "== go test"
go test -tags "$tags" -count=1 -timeout 40m ./...
echo "== go test (row-appender store path)"
go test -count=1 -short ./internal/store/... ./internal/ingest/...
