#!/bin/sh
# bench/evtx.sh — compare firebreak's EVTX decoder with evtxexport (libevtx,
# Debian libevtx-utils) on the same files in one run, and print the ratio
# of records per second.
#
# Inputs: the sparse evtx-samples corpus (../shared/data/evtx-samples, 281
# files, ~8,700 records in 53 MB) and a dense file of DENSE_MB megabytes
# (default 128) built from that corpus's chunks by the Go tests, standing in
# for the drill simulator's output until it exists.
#
# evtxexport runs once per file (as responders use it) with -f xml; firebreak
# runs the same conversion (Dump to XML) through `go test -bench`, on one
# core (-cpu 1) and on all cores. Environment: DATA, DENSE_MB, BENCHTIME.
set -eu
cd "$(dirname "$0")/.."
DATA=${DATA:-../shared/data/evtx-samples}
DENSE_MB=${DENSE_MB:-128}
BENCHTIME=${BENCHTIME:-3x}
NCPU=$(nproc)

command -v evtxexport >/dev/null 2>&1 || {
	echo "evtxexport not found: apt-get install libevtx-utils" >&2
	exit 1
}
[ -d "$DATA" ] || { echo "no corpus at $DATA" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
dense=$tmp/dense.evtx
EVTX_DENSE_OUT=$dense EVTX_DENSE_MB=$DENSE_MB go test -count=1 -run '^TestWriteDense$' ./internal/decode/evtx >/dev/null

now() { date +%s.%N; }

# evtxexport: records/s over the sparse corpus (one process per file) and
# over the dense file.
t0=$(now)
find "$DATA" -name '*.evtx' -print0 | xargs -0 -n1 evtxexport -f xml 2>/dev/null >"$tmp/sparse.xml" || true
t1=$(now)
evtxexport -f xml "$dense" 2>/dev/null >"$tmp/dense.xml" || true
t2=$(now)
n_sparse=$(grep -c '^<Event ' "$tmp/sparse.xml" || true)
n_dense=$(grep -c '^<Event ' "$tmp/dense.xml" || true)
rm -f "$tmp/sparse.xml" "$tmp/dense.xml"
ee_sparse=$(echo "$n_sparse $t0 $t1" | awk '{printf "%.0f", $1/($3-$2)}')
ee_dense=$(echo "$n_dense $t1 $t2" | awk '{printf "%.0f", $1/($3-$2)}')

# firebreak: records/s from the Go benchmarks (XML conversion).
bench() { # $1 = -cpu value, $2 = benchmark regexp
	EVTX_DENSE=$dense go test -count=1 -run NONE -cpu "$1" -bench "$2" -benchtime "$BENCHTIME" ./internal/decode/evtx |
		awk '/records\/s/ { for (i = 1; i <= NF; i++) if ($(i+1) == "records/s") r = $i; for (i = 1; i <= NF; i++) if ($(i+1) == "MB/s") m = $i } END { print r, m }'
}
set -- $(bench 1 '^BenchmarkDump$/^xml$')
fb_sparse1=$1 mb_sparse1=$2
set -- $(bench "$NCPU" '^BenchmarkDump$/^xml$/cores='"$NCPU"'$')
fb_sparseN=$1 mb_sparseN=$2
set -- $(bench 1 '^BenchmarkDumpDense$/^xml$')
fb_dense1=$1 mb_dense1=$2
set -- $(bench "$NCPU" '^BenchmarkDumpDense$/^xml$/cores='"$NCPU"'$')
fb_denseN=$1 mb_denseN=$2

ratio() { echo "$1 $2" | awk '{ if ($2 > 0) printf "%.1f", $1/$2; else print "n/a" }'; }
printf '%-34s %12s %10s %12s\n' "input / reader" "records/s" "MB/s" "vs evtxexport"
printf '%-34s %12s %10s %12s\n' "sparse: evtxexport -f xml" "$ee_sparse" "" ""
printf '%-34s %12s %10s %12s\n' "sparse: firebreak xml, 1 core" "$fb_sparse1" "$mb_sparse1" "$(ratio "$fb_sparse1" "$ee_sparse")x"
printf '%-34s %12s %10s %12s\n' "sparse: firebreak xml, $NCPU cores" "$fb_sparseN" "$mb_sparseN" "$(ratio "$fb_sparseN" "$ee_sparse")x"
printf '%-34s %12s %10s %12s\n' "dense ${DENSE_MB}MB: evtxexport -f xml" "$ee_dense" "" ""
printf '%-34s %12s %10s %12s\n' "dense: firebreak xml, 1 core" "$fb_dense1" "$mb_dense1" "$(ratio "$fb_dense1" "$ee_dense")x"
printf '%-34s %12s %10s %12s\n' "dense: firebreak xml, $NCPU cores" "$fb_denseN" "$mb_denseN" "$(ratio "$fb_denseN" "$ee_dense")x"
echo "records: sparse $n_sparse, dense $n_dense (evtxexport's counts)"
