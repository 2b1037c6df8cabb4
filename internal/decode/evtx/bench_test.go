package evtx

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"

	"github.com/firebreak-ir/firebreak/internal/decode"
	"github.com/firebreak-ir/firebreak/internal/event"
)

// benchCorpus loads the evtx-samples corpus into memory once per benchmark.
func benchCorpus(b *testing.B) (files [][]byte, size int64) {
	b.Helper()
	for _, p := range corpus(b, "evtx-samples") {
		data, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		files = append(files, data)
		size += int64(len(data))
	}
	return files, size
}

// denseCorpus builds a dense file of about mb megabytes: every chunk of the
// evtx-samples corpus that holds records, repeated. Chunks are
// self-contained, so repeating them gives a valid file. It stands in for
// the drill simulator's EVTX output until that exists. The files evtxexport
// cannot read are left out so that bench/evtx.sh can compare on it.
func denseCorpus(t testing.TB, mb int) []byte {
	t.Helper()
	var chunks [][]byte
	for _, p := range corpus(t, "evtx-samples") {
		if _, ok := evtxexportFailures[filepath.Base(p)]; ok {
			continue
		}
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for off := fileHeaderSize; off+chunkSize <= len(data); off += chunkSize {
			c := data[off : off+chunkSize]
			if bytes.HasPrefix(c, []byte(chunkMagic)) && binary.LittleEndian.Uint32(c[48:]) > chunkHeaderSize {
				chunks = append(chunks, c)
			}
		}
	}
	n := max(1, mb<<20/chunkSize)
	out := make([][]byte, 0, n)
	for len(out) < n {
		out = append(out, chunks[len(out)%len(chunks)])
	}
	return buildFile(min(n, 0xffff), out...)
}

// denseInput returns the dense benchmark input: the file named by
// EVTX_DENSE when set, else a 64 MB file built in memory.
func denseInput(b *testing.B) []byte {
	if p := os.Getenv("EVTX_DENSE"); p != "" {
		data, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		return data
	}
	return denseCorpus(b, 64)
}

// TestWriteDense writes the dense corpus to $EVTX_DENSE_OUT (size
// $EVTX_DENSE_MB, default 128) for bench/evtx.sh.
func TestWriteDense(t *testing.T) {
	out := os.Getenv("EVTX_DENSE_OUT")
	if out == "" {
		t.Skip("EVTX_DENSE_OUT not set")
	}
	mb := 128
	if v, err := strconv.Atoi(os.Getenv("EVTX_DENSE_MB")); err == nil && v > 0 {
		mb = v
	}
	if err := os.WriteFile(out, denseCorpus(t, mb), 0o644); err != nil {
		t.Fatal(err)
	}
}

// benchWorkers are the parallelism levels measured: one core and all.
func benchWorkers() []int {
	if n := runtime.GOMAXPROCS(0); n > 1 {
		return []int{1, n}
	}
	return []int{1}
}

func workersName(n int) string {
	if n == 1 {
		return "cores=1"
	}
	return "cores=" + strconv.Itoa(n)
}

// BenchmarkDecode measures the decode.Decoder path, records to normalised
// events, over the sparse evtx-samples corpus.
func BenchmarkDecode(b *testing.B) {
	files, size := benchCorpus(b)
	benchDecode(b, files, size)
}

// BenchmarkDecodeDense is BenchmarkDecode over a dense file.
func BenchmarkDecodeDense(b *testing.B) {
	data := denseInput(b)
	benchDecode(b, [][]byte{data}, int64(len(data)))
}

// BenchmarkDumpDense is BenchmarkDump over a dense file.
func BenchmarkDumpDense(b *testing.B) {
	data := denseInput(b)
	benchDump(b, [][]byte{data}, int64(len(data)))
}

func benchDecode(b *testing.B, files [][]byte, size int64) {
	for _, w := range benchWorkers() {
		b.Run(workersName(w), func(b *testing.B) {
			b.SetBytes(size)
			b.ReportAllocs()
			records := 0
			var ev event.Event
			for b.Loop() {
				for _, data := range files {
					d, err := NewDecoder(bytes.NewReader(data), int64(len(data)), "bench", Options{Workers: w})
					if err != nil {
						b.Fatal(err)
					}
					for {
						ev.Reset()
						err := d.Next(&ev)
						if err == io.EOF {
							break
						}
						if err != nil && !decode.IsRecordError(err) {
							b.Fatal(err)
						}
						if err == nil {
							records++
						}
					}
				}
			}
			b.ReportMetric(float64(records)/b.Elapsed().Seconds(), "records/s")
		})
	}
}

// BenchmarkDump measures conversion to XML and to JSON over the sparse
// evtx-samples corpus.
func BenchmarkDump(b *testing.B) {
	files, size := benchCorpus(b)
	benchDump(b, files, size)
}

func benchDump(b *testing.B, files [][]byte, size int64) {
	for _, format := range []string{"xml", "json"} {
		for _, w := range benchWorkers() {
			b.Run(format+"/"+workersName(w), func(b *testing.B) {
				b.SetBytes(size)
				b.ReportAllocs()
				records := 0
				for b.Loop() {
					for _, data := range files {
						st, err := DumpReaderAt(context.Background(), io.Discard, bytes.NewReader(data), int64(len(data)), "bench",
							DumpOptions{Format: format, Workers: w, Damage: func(*decode.RecordError) {}})
						if err != nil && !errors.Is(err, io.EOF) {
							b.Fatal(err)
						}
						records += st.Records
					}
				}
				b.ReportMetric(float64(records)/b.Elapsed().Seconds(), "records/s")
			})
		}
	}
}
