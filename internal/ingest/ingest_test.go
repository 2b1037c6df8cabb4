package ingest

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/firebreak-ir/firebreak/internal/decode"
	"github.com/firebreak-ir/firebreak/internal/event"
	"github.com/firebreak-ir/firebreak/internal/store"
	"github.com/firebreak-ir/firebreak/internal/store/duckdb"
)

// testFormat reads lines "T <epoch> <ip>" after a "#test" header; anything
// else is a bad record. It stands in for a real decoder so that these tests
// exercise the pipeline alone.
var testFormat = decode.Format{
	Name:   "test",
	Detect: func(head []byte) bool { return bytes.HasPrefix(head, []byte("#test\n")) },
	Open: func(r io.Reader, path string) (decode.Decoder, error) {
		return &testDecoder{lr: decode.NewLineReader(r, path)}, nil
	},
}

type testDecoder struct{ lr *decode.LineReader }

func (d *testDecoder) Next(ev *event.Event) error {
	for {
		line, err := d.lr.Next()
		if err != nil {
			return err
		}
		s := string(line)
		if s == "#test" {
			continue
		}
		f := strings.Fields(s)
		if len(f) != 3 || f[0] != "T" {
			return &decode.RecordError{Path: d.lr.Path(), Line: d.lr.Line(), Reason: "bad line " + event.Quote(s)}
		}
		ts, err := event.ParseEpoch(f[1])
		if err != nil {
			return &decode.RecordError{Path: d.lr.Path(), Line: d.lr.Line(), Reason: "bad time"}
		}
		ev.Time, ev.Kind, ev.Seq = ts, "test", d.lr.Line()
		ev.SetStr(event.SourceIP, f[2])
		ev.AddRaw("ip", f[2])
		return nil
	}
}

func writeFile(t *testing.T, path string, lines int, bad map[int]bool, gz bool) {
	t.Helper()
	var b bytes.Buffer
	b.WriteString("#test\n")
	for i := range lines {
		if bad[i] {
			b.WriteString("garbage \x1b[31m line\n")
			continue
		}
		fmt.Fprintf(&b, "T %d.5 10.0.%d.%d\n", 1700000000+i, i/250, i%250)
	}
	data := b.Bytes()
	if gz {
		var z bytes.Buffer
		w := gzip.NewWriter(&z)
		_, _ = w.Write(data)
		_ = w.Close()
		data = z.Bytes()
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func count(t *testing.T, st store.Store, q store.Query) int {
	t.Helper()
	n := 0
	if err := st.Search(context.Background(), q, func(*event.Event) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestRun(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	in := filepath.Join(dir, "in")
	writeFile(t, filepath.Join(in, "a.log"), 1000, map[int]bool{10: true, 500: true}, false)
	writeFile(t, filepath.Join(in, "sub", "b.log.gz"), 700, nil, true)
	writeFile(t, filepath.Join(in, "sub", "c.txt"), 300, nil, false) // content decides, not the name
	if err := os.WriteFile(filepath.Join(in, "notes.bin"), []byte("\x00\x01unknown"), 0o644); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(in, ".hidden", "x.log"), 5, nil, false)

	st, err := duckdb.Open(ctx, filepath.Join(dir, "data"), duckdb.Options{MemoryLimit: "256MB"})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	opt := Options{Formats: []decode.Format{testFormat}, BatchSize: 128, Workers: 2, Host: "sensor-a"}
	sum, err := Run(ctx, st, []string{in}, opt)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Events != 998+700+300 || sum.Rejected != 2 {
		t.Fatalf("events=%d rejected=%d", sum.Events, sum.Rejected)
	}
	if len(sum.Files) != 4 {
		t.Fatalf("files = %+v", sum.Files)
	}
	if len(sum.Errors) != 2 || !strings.Contains(sum.Errors[0], "a.log:12: bad line") || !strings.Contains(sum.Errors[1], "a.log:502:") {
		t.Fatalf("errors = %q", sum.Errors)
	}
	if strings.Contains(sum.Errors[0], "\x1b") {
		t.Fatalf("control character from the log reached the error text: %q", sum.Errors[0])
	}
	var unknown bool
	for _, f := range sum.Files {
		if strings.HasSuffix(f.Path, "notes.bin") {
			unknown = f.Skipped == "format not recognised"
		}
	}
	if !unknown {
		t.Fatalf("unknown file not reported as skipped: %+v", sum.Files)
	}
	if n := count(t, st, store.Query{}); n != 1998 {
		t.Fatalf("stored %d events", n)
	}
	if n := count(t, st, store.Query{Hosts: []string{"sensor-a"}}); n != 1998 {
		t.Fatalf("host override: %d", n)
	}

	// Again: every file is already there, nothing is added.
	sum2, err := Run(ctx, st, []string{in}, opt)
	if err != nil {
		t.Fatal(err)
	}
	if sum2.Events != 0 {
		t.Fatalf("re-import added %d events", sum2.Events)
	}
	for _, f := range sum2.Files {
		if !strings.HasSuffix(f.Path, "notes.bin") && !strings.HasPrefix(f.Skipped, "already imported") {
			t.Fatalf("re-import of %s: %+v", f.Path, f)
		}
	}
	// A copy under another name is the same evidence.
	data, _ := os.ReadFile(filepath.Join(in, "a.log"))
	cp := filepath.Join(dir, "copy-of-a.log")
	_ = os.WriteFile(cp, data, 0o644)
	sum3, _ := Run(ctx, st, []string{cp}, opt)
	if sum3.Events != 0 || !strings.HasPrefix(sum3.Files[0].Skipped, "already imported") {
		t.Fatalf("copy imported again: %+v", sum3.Files[0])
	}
	if n := count(t, st, store.Query{}); n != 1998 {
		t.Fatalf("stored %d events after re-imports", n)
	}
}

func TestTruncatedGzipKeepsWholeBatches(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	p := filepath.Join(dir, "big.log.gz")
	writeFile(t, p, 20000, nil, true)
	data, _ := os.ReadFile(p)
	_ = os.WriteFile(p, data[:len(data)*2/3], 0o644)
	st, err := duckdb.Open(ctx, filepath.Join(dir, "data"), duckdb.Options{MemoryLimit: "256MB"})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sum, err := Run(ctx, st, []string{p}, Options{Formats: []decode.Format{testFormat}, BatchSize: 1000})
	if err != nil {
		t.Fatal(err)
	}
	f := sum.Files[0]
	if f.Err == nil || !strings.Contains(f.Err.Error(), "big.log.gz") {
		t.Fatalf("truncation not reported with the file name: %+v", f)
	}
	stored := count(t, st, store.Query{})
	if stored == 0 || int64(stored) != f.Events {
		t.Fatalf("stored %d, reported %d", stored, f.Events)
	}
	imps, _ := st.Imports(ctx)
	if imps[0].Status != store.ImportFailed || imps[0].Events != int64(stored) {
		t.Fatalf("registry = %+v", imps[0])
	}
	// The events are the file's first lines, in order, none invented.
	i := 0
	_ = st.Search(ctx, store.Query{}, func(ev *event.Event) error {
		want := "10.0." + strconv.Itoa(i/250) + "." + strconv.Itoa(i%250)
		if ev.Str(event.SourceIP) != want {
			t.Fatalf("event %d: %s, want %s", i, ev.Str(event.SourceIP), want)
		}
		i++
		return nil
	})
}

func TestCancel(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.log")
	writeFile(t, p, 5000, nil, false)
	st, err := duckdb.Open(context.Background(), filepath.Join(dir, "data"), duckdb.Options{MemoryLimit: "256MB"})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, st, []string{p}, Options{Formats: []decode.Format{testFormat}}); err == nil {
		t.Fatal("cancelled run reported success")
	}
}
