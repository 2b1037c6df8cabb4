package sweep

import (
	"context"
	"testing"
	"time"

	"github.com/firebreak-ir/firebreak/internal/event"
	"github.com/firebreak-ir/firebreak/internal/ioc"
)

// TestIndicatorStore covers the ioc package's tables in the DuckDB store.
// It lives here so that the ioc package's own test binary does not link
// DuckDB, which keeps its fuzz targets fast.
func TestIndicatorStore(t *testing.T) {
	ctx := context.Background()
	db := openStore(t).DB()
	t0 := time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC)
	mk := func(typ ioc.Type, v, src string, tlp ioc.TLP, tags []string, first, last, exp time.Time, conf int) ioc.Indicator {
		in, err := ioc.New(typ, v)
		if err != nil {
			t.Fatal(err)
		}
		in.Source, in.TLP, in.Tags, in.FirstSeen, in.LastSeen, in.Expires, in.Confidence = src, tlp, tags, first, last, exp, conf
		return in
	}
	res, err := ioc.Save(ctx, db, []ioc.Indicator{
		mk(ioc.IPv4, "203.0.113.66", "jpcert", ioc.TLPGreen, []string{"c2"}, t0, t0.Add(time.Hour), time.Time{}, 50),
		mk(ioc.Domain, "Evil.Example", "jpcert", ioc.TLPAmber, nil, t0, t0, t0.Add(24*time.Hour), 0),
		mk(ioc.IPv4, "203.0.113.66", "jpcert", ioc.TLPRed, []string{"beacon"}, t0.Add(-time.Hour), t0, time.Time{}, 80), // merged before storing
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Added != 2 || res.Updated != 0 {
		t.Fatalf("first save: %+v", res)
	}
	res, err = ioc.Save(ctx, db, []ioc.Indicator{mk(ioc.IPv4, "203.0.113.66", "jpcert", ioc.TLPClear, []string{"c2", "x"}, t0.Add(-48*time.Hour), t0.Add(48*time.Hour), time.Time{}, 10)})
	if err != nil {
		t.Fatal(err)
	}
	if res.Added != 0 || res.Updated != 1 {
		t.Fatalf("second save: %+v", res)
	}
	got, err := ioc.Load(ctx, db, ioc.Filter{Now: t0})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("loaded %d", len(got))
	}
	ip := got[0]
	if ip.Value != "203.0.113.66" || ip.TLP != ioc.TLPRed || ip.Confidence != 80 || !ip.FirstSeen.Equal(t0.Add(-48*time.Hour)) ||
		!ip.LastSeen.Equal(t0.Add(48*time.Hour)) || len(ip.Tags) != 3 {
		t.Errorf("merged ip = %+v", ip)
	}
	if got[1].Value != "evil.example" {
		t.Errorf("domain = %q", got[1].Value)
	}
	n, err := ioc.Expire(ctx, db, t0.Add(25*time.Hour), 0)
	if err != nil || n != 1 {
		t.Fatalf("expire: %d %v", n, err)
	}
	got, _ = ioc.Load(ctx, db, ioc.Filter{Now: t0})
	if len(got) != 1 {
		t.Fatalf("after expire %d", len(got))
	}

	// Live matching writes detections.
	m := ioc.NewMatcher(got, false)
	ev := &event.Event{Time: t0.UnixNano(), Kind: "zeek.conn", Seq: 7}
	ev.SetStr(event.SourceIP, "10.0.0.5")
	ev.SetStr(event.DestinationIP, "203.0.113.66")
	w := ioc.NewDetectionWriter(db)
	m.Match(ev, func(h ioc.Hit) { w.Add(ioc.NewDetection(ev, 3, h, "live")) })
	if w.Pending() != 1 {
		t.Fatalf("pending %d", w.Pending())
	}
	if err := w.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	var host, field string
	var ts time.Time
	var id int64
	if err := db.QueryRowContext(ctx, `SELECT internal_host, field, ts, ioc_id FROM detections`).Scan(&host, &field, &ts, &id); err != nil {
		t.Fatal(err)
	}
	if host != "10.0.0.5" || field != "destination.ip" || !ts.Equal(t0) || id != ip.ID {
		t.Errorf("detection = %s %s %v %d", host, field, ts, id)
	}
}
