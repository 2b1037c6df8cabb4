#!/usr/bin/env bash
# Ingest benchmark: generates a Zeek conn log of SIZE (default 2GB), then in
# one run measures how fast the machine reads it (cat FILE >/dev/null, the
# floor any ingest must pay) and how fast firebreak ingests it into a fresh
# DuckDB store, with firebreak's peak RSS. Prints events/s and the ratio.
#
#   bench/ingest.sh [SIZE] [tsv|json]
set -euo pipefail
cd "$(dirname "$0")/.."
size="${1:-2GB}"
fmt="${2:-tsv}"
work="${BENCH_DIR:-/tmp/firebreak-bench}"
mkdir -p "$work" bin
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
go build -tags duckdb_arrow -o bin/firebreak ./cmd/firebreak
log="$work/conn-$size.$fmt.log"
if [ ! -s "$log" ]; then
  echo "generating $log"
  flag=""; [ "$fmt" = json ] && flag="-json"
  go run ./bench/gen conn -size "$size" -out "$log" $flag
fi
bytes=$(stat -c %s "$log")
lines=$(grep -vc '^#' "$log")

# Warm the page cache once so that both runs read from memory alike.
cat "$log" >/dev/null
t0=$(date +%s.%N); cat "$log" >/dev/null; t1=$(date +%s.%N)
cat_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')

rm -rf "$work/data"
/usr/bin/time -f '%e %M' -o "$work/time.txt" bin/firebreak ingest -q --data "$work/data" "$log"
read -r fb_s rss_kb < "$work/time.txt"

awk -v b="$bytes" -v n="$lines" -v c="$cat_s" -v f="$fb_s" -v r="$rss_kb" 'BEGIN {
  printf "input           %.2f GB, %d events (%s)\n", b/1e9, n, "'"$fmt"'"
  printf "cat >/dev/null  %6.2f s  %8.1f MB/s  %10.0f events/s\n", c, b/1e6/c, n/c
  printf "firebreak       %6.2f s  %8.1f MB/s  %10.0f events/s  peak RSS %.0f MB\n", f, b/1e6/f, n/f, r/1024
  printf "ratio           firebreak takes %.1fx the time of cat\n", f/c
}'
