package duckdb

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/firebreak-ir/firebreak/internal/event"
	"github.com/firebreak-ir/firebreak/internal/store"
)

// BenchmarkAppend measures the store's write path alone: conn-like events
// with 12 normalised fields and 12 original fields, committed every 100k.
func BenchmarkAppend(b *testing.B) {
	ctx := context.Background()
	s, err := Open(ctx, b.TempDir(), Options{MemoryLimit: "512MB"})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	id, err := s.BeginImport(ctx, store.Import{Path: "bench", SHA256: "bench", Format: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	app, err := s.Appender(ctx, id)
	if err != nil {
		b.Fatal(err)
	}
	defer app.Close()
	evs := make([]event.Event, 1000)
	t0 := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC).UnixNano()
	for i := range evs {
		ev := &evs[i]
		src, dst := fmt.Sprintf("10.0.%d.%d", i/250, i%250), fmt.Sprintf("198.51.100.%d", i%250)
		ev.Time, ev.Kind, ev.Seq = t0+int64(i)*1e6, "zeek.conn", int64(i)
		ev.SetStr(event.SourceIP, src)
		ev.SetStr(event.DestinationIP, dst)
		ev.SetInt(event.SourcePort, int64(1024+i))
		ev.SetInt(event.DestinationPort, 443)
		ev.SetStr(event.NetworkTransport, "tcp")
		ev.SetStr(event.NetworkProtocol, "ssl")
		ev.SetInt(event.EventDuration, 1234567)
		ev.SetInt(event.SourceBytes, 512)
		ev.SetInt(event.DestinationBytes, 40960)
		ev.SetStr(event.ConnState, "SF")
		ev.SetInt(event.SourcePackets, 5)
		ev.SetInt(event.DestinationPackets, 30)
		for _, f := range [][2]string{{"ts", "1763596800.123456"}, {"uid", "CAbcdefghijklmnop"}, {"id.orig_h", src}, {"id.orig_p", "49152"},
			{"id.resp_h", dst}, {"id.resp_p", "443"}, {"proto", "tcp"}, {"service", "ssl"}, {"duration", "1.234567"},
			{"orig_bytes", "512"}, {"resp_bytes", "40960"}, {"conn_state", "SF"}} {
			ev.AddRaw(f[0], f[1])
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := app.Append(&evs[i%len(evs)]); err != nil {
			b.Fatal(err)
		}
		if i%benchCommit() == benchCommit()-1 {
			if err := app.Commit(); err != nil {
				b.Fatal(err)
			}
		}
	}
	if err := app.Commit(); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

func benchCommit() int {
	if n, _ := strconv.Atoi(os.Getenv("FIREBREAK_BENCH_BATCH")); n > 0 {
		return n
	}
	return 100_000
}
