package ingest

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/firebreak-ir/firebreak/internal/store/duckdb"
)

// writeBenchConn writes a Zeek conn TSV log of n records with the full
// standard field set.
func writeBenchConn(b testing.TB, path string, n int) int64 {
	b.Helper()
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	fmt.Fprint(w, "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tconn\n#open\t2026-11-20-00-00-00\n"+
		"#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\tresp_bytes\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes\thistory\torig_pkts\torig_ip_bytes\tresp_pkts\tresp_ip_bytes\ttunnel_parents\n"+
		"#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\tstring\tbool\tbool\tcount\tstring\tcount\tcount\tcount\tcount\tset[string]\n")
	for i := range n {
		fmt.Fprintf(w, "%d.%06d\tC%017d\t10.%d.%d.%d\t%d\t198.51.%d.%d\t443\ttcp\tssl\t%d.%06d\t%d\t%d\tSF\tT\tF\t0\tShADadFf\t%d\t%d\t%d\t%d\t-\n",
			1763596800+i/10, i%10*100000, i, i>>16&255, i>>8&255, i&255, 1024+i%60000, i%97, i%250, i%30, i%999999, i%5000, i%70000, 1+i%50, 40+i%5000, 1+i%70, 40+i%70000)
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	fi, _ := f.Stat()
	_ = f.Close()
	return fi.Size()
}

// BenchmarkIngestConnTSV measures ingest end to end: read, detect, decode,
// normalise and commit into a fresh DuckDB store.
func BenchmarkIngestConnTSV(b *testing.B) {
	const n = 300_000
	dir := b.TempDir()
	path := filepath.Join(dir, "conn.log")
	size := writeBenchConn(b, path, n)
	b.SetBytes(size)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		data := filepath.Join(dir, fmt.Sprintf("data%d", i))
		st, err := duckdb.Open(context.Background(), data, duckdb.Options{MemoryLimit: os.Getenv("FIREBREAK_BENCH_MEM")})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		sum, err := Run(context.Background(), st, []string{path}, Options{Formats: DefaultFormats(), BatchSize: benchBatch(), Lanes: benchLanes()})
		if err != nil || sum.Events != n {
			b.Fatalf("events %d, err %v, files %+v", sum.Events, err, sum.Files)
		}
		b.StopTimer()
		_ = st.Close()
		_ = os.RemoveAll(data)
		b.StartTimer()
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

func benchBatch() int {
	n, _ := strconv.Atoi(os.Getenv("FIREBREAK_BENCH_BATCH"))
	return n
}

func benchLanes() int {
	n, _ := strconv.Atoi(os.Getenv("FIREBREAK_BENCH_LANES"))
	return n
}
