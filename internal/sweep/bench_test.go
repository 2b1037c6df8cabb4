package sweep

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/firebreak-ir/firebreak/internal/event"
	"github.com/firebreak-ir/firebreak/internal/ioc"
	"github.com/firebreak-ir/firebreak/internal/store"
	"github.com/firebreak-ir/firebreak/internal/store/duckdb"
)

// benchStore stores n connection events between random internal and
// external addresses, one DNS event in ten, and returns the destinations of
// every thousandth event, which the benchmark uses as hits.
func benchStore(b *testing.B, n int) (*duckdb.Store, []string) {
	b.Helper()
	ctx := context.Background()
	st, err := duckdb.Open(ctx, b.TempDir(), duckdb.Options{MemoryLimit: "1GB"})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = st.Close() })
	id, err := st.BeginImport(ctx, store.Import{Path: "bench", SHA256: "bench", Format: "test"})
	if err != nil {
		b.Fatal(err)
	}
	app, err := st.Appender(ctx, id)
	if err != nil {
		b.Fatal(err)
	}
	r := rand.New(rand.NewPCG(7, 7))
	var hits []string
	ev := &event.Event{}
	for i := range n {
		ev.Reset()
		ev.Time = int64(1763596800+i) * 1e9
		ev.Kind = "zeek.conn"
		ev.Seq = int64(i + 1)
		dst := fmt.Sprintf("%d.%d.%d.%d", 1+r.IntN(223), r.IntN(256), r.IntN(256), 1+r.IntN(254))
		ev.SetStr(event.SourceIP, fmt.Sprintf("10.%d.%d.%d", r.IntN(4), r.IntN(256), 1+r.IntN(254)))
		ev.SetStr(event.DestinationIP, dst)
		ev.SetInt(event.DestinationPort, 443)
		if i%10 == 0 {
			ev.Kind = "zeek.dns"
			ev.SetStr(event.DNSQuestionName, fmt.Sprintf("h%d.site%d.example.com", r.IntN(100), r.IntN(20000)))
		}
		if i%1000 == 0 {
			hits = append(hits, dst)
		}
		if err := app.Append(ev); err != nil {
			b.Fatal(err)
		}
		if i%100000 == 99999 {
			if err := app.Commit(); err != nil {
				b.Fatal(err)
			}
		}
	}
	if err := app.Commit(); err != nil {
		b.Fatal(err)
	}
	_ = app.Close()
	if err := st.FinishImport(ctx, store.Import{ID: id, Events: int64(n)}); err != nil {
		b.Fatal(err)
	}
	return st, hits
}

// BenchmarkSweep sweeps 1M stored events for 100k indicators: IPv4
// addresses (1k of them present), 100 prefixes and 1k domains. The
// 10M-event figure is measured by bench/sweep.sh.
func BenchmarkSweep(b *testing.B) {
	const events, nIndicators = 1_000_000, 100_000
	st, hits := benchStore(b, events)
	r := rand.New(rand.NewPCG(9, 9))
	var inds []ioc.Indicator
	add := func(t ioc.Type, v string) {
		in, err := ioc.New(t, v)
		if err != nil {
			b.Fatal(err)
		}
		inds = append(inds, in)
	}
	for _, h := range hits {
		add(ioc.IPv4, h)
	}
	for i := range 100 {
		add(ioc.CIDR, fmt.Sprintf("%d.%d.0.0/16", 1+i, r.IntN(256)))
	}
	for i := range 1000 {
		add(ioc.Domain, fmt.Sprintf("site%d.example.com", i*20))
	}
	for len(inds) < nIndicators {
		add(ioc.IPv4, fmt.Sprintf("%d.%d.%d.%d", 1+r.IntN(223), r.IntN(256), r.IntN(256), 1+r.IntN(254)))
	}
	b.ResetTimer()
	var res *Result
	for b.Loop() {
		var err error
		res, err = Run(context.Background(), st.DB(), inds, Options{})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(events)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(len(res.Indicators)), "found")
	for _, st := range res.Steps {
		b.Logf("%-30s %v", st.Name, st.Elapsed)
	}
}
