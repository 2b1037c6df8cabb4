#!/usr/bin/env bash
# Indicator sweep benchmark: generates a Zeek conn log of SIZE (default
# 1.3GB, about 10M rows), ingests it, writes N indicators (default 100000:
# IPv4 addresses, about 2,000 taken from the log so that they hit, the rest
# random), then in one run times
#   rg -F -f INDICATORS conn.log      (ripgrep multi-literal search, Debian)
#   firebreak sweep --ioc INDICATORS  (joins inside the store)
# and prints both times, what each returned, and the ratio. rg prints lines
# that contain an indicator as a substring (1.2.3.4 also matches 11.2.3.45);
# the sweep returns exact per-indicator, per-host results.
#
#   bench/sweep.sh [SIZE] [N]
set -euo pipefail
cd "$(dirname "$0")/.."
size="${1:-1.3GB}"
n="${2:-100000}"
work="${BENCH_DIR:-/tmp/firebreak-bench}"
mkdir -p "$work" bin
if ! command -v rg >/dev/null; then
  apt-get update -qq && apt-get install -y -qq ripgrep >/dev/null
fi
fb="${FIREBREAK_BIN:-bin/firebreak}"
[ -n "${FIREBREAK_BIN:-}" ] || go build -tags duckdb_arrow -o bin/firebreak ./cmd/firebreak
if ! "$fb" sweep --help >/dev/null 2>&1; then
  echo "$fb has no sweep command" >&2
  exit 2
fi
log="$work/conn-$size.tsv.log"
if [ ! -s "$log" ]; then
  echo "generating $log"
  go run ./bench/gen conn -size "$size" -out "$log"
fi
data="$work/sweep-data-$size"
if [ ! -s "$data/firebreak.duckdb" ] || [ "$log" -nt "$data/firebreak.duckdb" ]; then
  rm -rf "$data"
  echo "ingesting $log"
  "$fb" ingest -q --data "$data" "$log"
fi
rows=$(grep -vc '^#' "$log")

# Indicators: every k-th row's responder address (true hits), then random
# addresses until there are N.
iocs="$work/iocs-$size-$n.txt"
k=$(( rows / 2000 > 0 ? rows / 2000 : 1 ))
awk -F'\t' -v k="$k" '!/^#/ && ++i % k == 0 { print $5 }' "$log" | sort -u > "$iocs"
awk -v n="$n" -v have="$(wc -l < "$iocs")" 'BEGIN {
  srand(42)
  for (i = have; i < n; i++)
    printf "%d.%d.%d.%d\n", 1 + int(rand() * 223), int(rand() * 256), int(rand() * 256), 1 + int(rand() * 254)
}' >> "$iocs"
echo "indicators      $(wc -l < "$iocs") ($(awk -F'\t' -v k="$k" '!/^#/ && ++i % k == 0' "$log" | wc -l) taken from the log)"
echo "events          $rows in $(du -h "$log" | cut -f1) of Zeek conn log"

# Warm the page cache for both.
cat "$log" >/dev/null
t0=$(date +%s.%N)
rg_lines=$(rg -F -f "$iocs" "$log" | wc -l)
t1=$(date +%s.%N)
set +e
"$fb" sweep --data "$data" --ioc "$iocs" --json > "$work/sweep.json" 2> "$work/sweep.err"
code=$?
set -e
t2=$(date +%s.%N)
if [ "$code" -ge 2 ]; then
  cat "$work/sweep.err" >&2
  exit 1
fi
read -r found events hosts < <(go run ./bench/sweepcount < "$work/sweep.json")
awk -v a="$t0" -v b="$t1" -v c="$t2" -v rl="$rg_lines" -v f="$found" -v e="$events" -v h="$hosts" 'BEGIN {
  rg = b - a; fb = c - b
  printf "rg -F -f        %6.2f s  %d lines containing an indicator as a substring\n", rg, rl
  printf "firebreak sweep %6.2f s  %d indicators found in %d events, %d hosts (exact)\n", fb, f, e, h
  printf "ratio           the sweep takes %.3fx the time of rg (%.1fx faster)\n", fb / rg, rg / fb
}'
