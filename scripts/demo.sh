#!/usr/bin/env bash
# Builds firebreak and runs the main job on the embedded store: ingest the
# sample Zeek logs that ship with the project, show what is in them and who
# talked to the command-and-control server they contain, then take the
# coordination centre's (Japanese) notice about it and sweep for every host
# that touched what it names.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v go >/dev/null || { echo "demo: Go is required (https://go.dev/doc/install)" >&2; exit 1; }
mkdir -p bin
echo "== building bin/firebreak (the first build compiles DuckDB's bindings; allow a minute)"
go build -tags duckdb_arrow -o bin/firebreak ./cmd/firebreak
data="${FIREBREAK_DATA:-$(mktemp -d)/demo-case}"
echo "== ingesting testdata/sample/zeek into $data"
bin/firebreak ingest --data "$data" testdata/sample/zeek
echo
echo "== events per day, kind and host"
bin/firebreak stats --data "$data"
echo
echo "== who resolved the suspicious domain"
bin/firebreak search --data "$data" dns.question.name~example-cdn
echo
echo "== connections to the C2 address it resolved to (first 8)"
bin/firebreak search --data "$data" --kind zeek.conn ip=203.0.113.66 --limit 8 2>/dev/null
echo
echo "== the largest uploads to outside addresses (CSV)"
bin/firebreak search --data "$data" --kind zeek.conn 'source.bytes>10000000' --csv --fields source.ip,destination.ip,destination.port,source.bytes
echo
echo "== the coordination centre's notice (ISO-2022-JP, defanged): what it names"
bin/firebreak ioc extract testdata/sample/notice-iso2022jp.eml
echo
echo "== sweep: every internal host that touched those indicators (exit status 1 means hits)"
bin/firebreak sweep --data "$data" --notice testdata/sample/notice-iso2022jp.eml --since notice || [ $? -eq 1 ]
echo
echo "Data directory: $data   (try: bin/firebreak search --data $data --help)"
