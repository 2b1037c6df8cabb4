package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"syscall"
	"testing"

	"github.com/firebreak-ir/firebreak/internal/store"
	"github.com/firebreak-ir/firebreak/internal/store/duckdb"
)

// buildBinary compiles firebreak once for the tests that run it as a
// process.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "firebreak")
	cmd := exec.Command("go", "build", "-tags", "duckdb_arrow", "-o", bin, ".")
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("build: %v", err)
	}
	return bin
}

// writeConnLog writes a Zeek conn TSV log of n records; line numbers of
// records start at 9 (eight header lines).
func writeConnLog(t *testing.T, path string, n int) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	fmt.Fprint(w, "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tconn\n#open\t2026-11-20-00-00-00\n"+
		"#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\tresp_bytes\tconn_state\n"+
		"#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\tstring\n")
	for i := range n {
		fmt.Fprintf(w, "%d.%06d\tC%017d\t10.%d.%d.%d\t%d\t198.51.100.%d\t443\ttcp\tssl\t0.%06d\t%d\t%d\tSF\n",
			1763596800+i/10, i%10*100000, i, i>>16&255, i>>8&255, i&255, 1024+i%60000, i%250, i%999999, i%5000, i%70000)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestKillDuringImport kills the binary with SIGKILL in the middle of a large
// import, checks that the store holds whole batches only, then imports again
// and checks that every event is there exactly once.
func TestKillDuringImport(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and imports 1M records; skipped with -short")
	}
	bin := buildBinary(t)
	dir := t.TempDir()
	logPath := filepath.Join(dir, "conn.log")
	const records, batch = 1_000_000, 25_000
	writeConnLog(t, logPath, records)
	data := filepath.Join(dir, "case")

	cmd := exec.Command(bin, "ingest", "--data", data, "--batch", strconv.Itoa(batch), "--progress", "always", logPath)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pct := regexp.MustCompile(`\]\s+(\d+)%`)
	sc := bufio.NewScanner(stderr)
	sc.Split(splitCR)
	killed := false
	var seen []string
	for sc.Scan() {
		line := sc.Text()
		seen = append(seen, line)
		if m := pct.FindStringSubmatch(line); m != nil {
			if p, _ := strconv.Atoi(m[1]); p >= 40 && p < 90 {
				// While it runs, another command is told the
				// investigation is busy, in plain words.
				out, err := exec.Command(bin, "stats", "--data", data).CombinedOutput()
				if err == nil || !bytes.Contains(out, []byte("in use by another firebreak")) {
					t.Errorf("stats during an import: %v\n%s", err, out)
				}
				if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
					t.Fatal(err)
				}
				killed = true
				break
			}
		}
	}
	_ = cmd.Wait()
	if !killed {
		t.Fatalf("import finished before it could be killed; output: %q", seen)
	}

	ctx := context.Background()
	st, err := duckdb.Open(ctx, data, duckdb.Options{})
	if err != nil {
		t.Fatalf("reopen after kill: %v", err)
	}
	imps, err := st.Imports(ctx)
	if err != nil || len(imps) != 1 {
		t.Fatalf("imports after kill: %+v %v", imps, err)
	}
	if imps[0].Status != store.ImportRunning {
		t.Fatalf("import status after kill = %q, want %q", imps[0].Status, store.ImportRunning)
	}
	var n, distinct int64
	if err := st.DB().QueryRowContext(ctx, `SELECT count(*), count(DISTINCT seq) FROM events`).Scan(&n, &distinct); err != nil {
		t.Fatal(err)
	}
	t.Logf("after kill: %d events in %d batches", n, imps[0].Batches)
	if n == 0 || n >= records {
		t.Fatalf("after kill: %d events stored, want some but not all", n)
	}
	if n%batch != 0 || n != imps[0].Events || n/batch != imps[0].Batches || distinct != n {
		t.Fatalf("after kill: %d events (%d distinct), registry says %d in %d batches: not whole batches", n, distinct, imps[0].Events, imps[0].Batches)
	}
	// Each stored batch is one whole run of consecutive records (batches
	// are committed from two connections, so not necessarily the first).
	var groups, whole int64
	if err := st.DB().QueryRowContext(ctx, `SELECT count(*), count(*) FILTER (WHERE c = ? AND hi - lo = ? - 1) FROM
		(SELECT (seq - 9) // ? AS g, count(*) AS c, min(seq) AS lo, max(seq) AS hi FROM events GROUP BY g)`, batch, batch, batch).Scan(&groups, &whole); err != nil {
		t.Fatal(err)
	}
	if groups != n/batch || whole != groups {
		t.Fatalf("after kill: %d runs of records, %d of them whole batches; want %d whole", groups, whole, n/batch)
	}
	_ = st.Close()

	// Import again: the interrupted import is replaced, every event once.
	out, err := exec.Command(bin, "ingest", "--data", data, "--batch", strconv.Itoa(batch), logPath).CombinedOutput()
	if err != nil {
		t.Fatalf("re-import: %v\n%s", err, out)
	}
	// And once more: a no-op with a message.
	out, err = exec.Command(bin, "ingest", "--data", data, logPath).CombinedOutput()
	if err != nil || !bytes.Contains(out, []byte("already imported")) {
		t.Fatalf("third import: %v\n%s", err, out)
	}
	st, err = duckdb.Open(ctx, data, duckdb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.DB().QueryRowContext(ctx, `SELECT count(*), count(DISTINCT seq) FROM events`).Scan(&n, &distinct); err != nil {
		t.Fatal(err)
	}
	if n != records || distinct != records {
		t.Fatalf("after re-imports: %d events (%d distinct), want %d", n, distinct, records)
	}
}

// splitCR splits progress output on carriage returns and newlines.
func splitCR(data []byte, atEOF bool) (int, []byte, error) {
	if i := bytes.IndexAny(data, "\r\n"); i >= 0 {
		return i + 1, data[:i], nil
	}
	if atEOF && len(data) > 0 {
		return len(data), data, nil
	}
	return 0, nil, nil
}
