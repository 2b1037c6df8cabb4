package sweep

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/firebreak-ir/firebreak/internal/event"
	"github.com/firebreak-ir/firebreak/internal/ioc"
	"github.com/firebreak-ir/firebreak/internal/store"
	"github.com/firebreak-ir/firebreak/internal/store/duckdb"
)

var t0 = time.Date(2025, 11, 20, 1, 0, 0, 0, time.UTC)

// dataset writes events through the store's appender: background noise
// plus the known hits described by the want table of TestSweep.
func dataset(t testing.TB, st *duckdb.Store, noise int) {
	t.Helper()
	ctx := context.Background()
	id, err := st.BeginImport(ctx, store.Import{Path: "gen.log", Size: 1, SHA256: fmt.Sprint("gen", noise), Format: "test"})
	if err != nil {
		t.Fatal(err)
	}
	app, err := st.Appender(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	seq := int64(0)
	add := func(at time.Duration, kind, host string, set func(ev *event.Event)) {
		seq++
		ev := &event.Event{Time: t0.Add(at).UnixNano(), Kind: kind, Host: host, Seq: seq}
		set(ev)
		ev.AddRaw("seq", fmt.Sprint(seq))
		if err := app.Append(ev); err != nil {
			t.Fatal(err)
		}
	}
	conn := func(src, dst string) func(*event.Event) {
		return func(ev *event.Event) {
			ev.SetStr(event.SourceIP, src)
			ev.SetStr(event.DestinationIP, dst)
			ev.SetInt(event.DestinationPort, 443)
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for i := range noise {
		// Never 45.x, so noise cannot hit an indicator by chance.
		dst := fmt.Sprintf("%d.%d.%d.%d", 46+r.IntN(170), r.IntN(256), r.IntN(256), 1+r.IntN(254))
		src := fmt.Sprintf("10.1.%d.%d", r.IntN(4), 1+r.IntN(254))
		add(time.Duration(i)*time.Second, "zeek.conn", "", conn(src, dst))
		if i%10 == 0 {
			add(time.Duration(i)*time.Second, "zeek.dns", "", func(ev *event.Event) {
				ev.SetStr(event.SourceIP, src)
				ev.SetStr(event.DestinationIP, "10.1.0.53")
				ev.SetStr(event.DNSQuestionName, fmt.Sprintf("host%d.example-good.net", r.IntN(1000)))
				ev.SetStr(event.DNSAnswers, dst)
			})
		}
	}
	// Known hits.
	for i := range 5 {
		add(time.Duration(i)*time.Hour, "zeek.conn", "", conn("10.1.0.7", "45.77.10.10"))
	}
	add(-48*time.Hour, "zeek.conn", "", conn("10.1.0.8", "45.77.10.10")) // before --since in the window test
	add(2*time.Hour, "zeek.conn", "", conn("45.77.10.10", "10.1.0.9"))   // inbound
	// Near misses that substring search would report.
	add(time.Hour, "zeek.conn", "", conn("10.1.0.30", "45.77.10.100"))
	add(time.Hour, "zeek.conn", "", conn("10.1.0.31", "145.77.10.10"))
	add(time.Hour, "zeek.conn", "", conn("10.1.0.32", "45.77.10.1"))
	add(3*time.Hour, "zeek.conn", "", conn("10.1.0.11", "45.80.3.4"))               // in 45.80.0.0/16
	add(3*time.Hour, "zeek.conn", "", conn("10.1.0.33", "45.81.3.4"))               // outside it
	add(3*time.Hour, "zeek.conn", "", conn("2001:db8:1::5", "2001:db8:bad:0:1::1")) // in 2001:db8:bad::/48
	add(3*time.Hour, "zeek.conn", "", conn("2001:db8:1::6", "2001:db8:c2::66"))     // exact v6
	add(3*time.Hour, "zeek.conn", "", conn("2001:db8:1::7", "2001:db8:bae::1"))     // outside /48
	add(4*time.Hour, "zeek.dns", "", func(ev *event.Event) {
		ev.SetStr(event.SourceIP, "10.1.0.13")
		ev.SetStr(event.DNSQuestionName, "a.b.evil.example-c2.net")
	})
	add(4*time.Hour, "zeek.dns", "", func(ev *event.Event) {
		ev.SetStr(event.SourceIP, "10.1.0.34")
		ev.SetStr(event.DNSQuestionName, "notevil.example-c2.net")
	})
	add(5*time.Hour, "zeek.ssl", "", func(ev *event.Event) {
		ev.SetStr(event.SourceIP, "10.1.0.14")
		ev.SetStr(event.DestinationIP, "198.51.100.200")
		ev.SetStr(event.TLSServerName, "EVIL.example-c2.net")
	})
	add(5*time.Hour, "zeek.dns", "", func(ev *event.Event) {
		ev.SetStr(event.SourceIP, "10.1.0.15")
		ev.SetStr(event.DNSQuestionName, "cdn.innocent.example")
		ev.SetStr(event.DNSAnswers, "198.51.100.1,45.77.10.10")
	})
	add(6*time.Hour, "zeek.http", "", func(ev *event.Event) {
		ev.SetStr(event.SourceIP, "10.1.0.16")
		ev.SetStr(event.DestinationIP, "198.51.100.201")
		ev.SetStr(event.URLFull, "HTTP://dl.example-bad.org:80/x/payload.bin")
		ev.SetStr(event.URLDomain, "dl.example-bad.org")
		ev.SetStr(event.UserAgentOriginal, "EvilBot/1.0")
	})
	add(6*time.Hour, "zeek.http", "", func(ev *event.Event) {
		ev.SetStr(event.SourceIP, "10.1.0.35")
		ev.SetStr(event.URLFull, "http://dl.example-bad.org/x/payload.bin.txt")
		ev.SetStr(event.UserAgentOriginal, "EvilBot/1.0 (compatible)")
	})
	add(7*time.Hour, "zeek.files", "", func(ev *event.Event) {
		ev.SetStr(event.SourceIP, "198.51.100.201")
		ev.SetStr(event.DestinationIP, "10.1.0.17")
		ev.SetStr(event.FileHashSHA256, strings.Repeat("ab", 32))
	})
	add(8*time.Hour, "sysmon", "PC-042", func(ev *event.Event) {
		ev.SetStr(event.FilePath, `C:\Users\a\Downloads\INVOICE_2025.EXE`)
	})
	add(8*time.Hour, "sysmon", "PC-043", func(ev *event.Event) {
		ev.SetStr(event.FilePath, `C:\Users\b\Downloads\invoice_2025.exe.txt`)
	})
	add(9*time.Hour, "o365", "mail01", func(ev *event.Event) {
		ev.SetStr(event.UserName, "Attacker@Bad-Mail.ru")
	})
	add(10*time.Hour, "zeek.dns", "", func(ev *event.Event) {
		ev.SetStr(event.SourceIP, "10.1.0.20")
		ev.SetStr(event.DNSQuestionName, "www.iuqerfsodp9ifjaposdfjhgosurijfaewrwergwea.com")
	})
	if err := app.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := app.Close(); err != nil {
		t.Fatal(err)
	}
	if err := st.FinishImport(ctx, store.Import{ID: id, Events: seq, Batches: 1}); err != nil {
		t.Fatal(err)
	}
}

func openStore(t testing.TB) *duckdb.Store {
	t.Helper()
	st, err := duckdb.Open(context.Background(), t.TempDir(), duckdb.Options{MemoryLimit: "512MB", Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

func indicators(t testing.TB, g *ioc.Guard, vals ...string) []ioc.Indicator {
	t.Helper()
	var out []ioc.Indicator
	for _, v := range vals {
		typ := ioc.Type("")
		if k, rest, ok := strings.Cut(v, "="); ok && !strings.Contains(k, "/") {
			typ, v = ioc.Type(k), rest
		}
		var in ioc.Indicator
		var err error
		if typ != "" {
			in, err = ioc.New(typ, v)
		} else {
			in, err = ioc.Parse(v)
		}
		if err != nil {
			t.Fatalf("%s: %v", v, err)
		}
		g.Apply(&in)
		out = append(out, in)
	}
	return out
}

func TestSweep(t *testing.T) {
	st := openStore(t)
	dataset(t, st, 5000)
	g := ioc.NewGuard()
	inds := indicators(t, g,
		"45.77.10.10",
		"45.80.0.0/16",
		"2001:db8:bad::/48",
		"2001:db8:c2::66",
		"evil.example-c2.net",
		"hxxp://dl[.]example-bad[.]org/x/payload.bin",
		strings.Repeat("AB", 32),
		"filename=invoice_2025.exe",
		"attacker@bad-mail.ru",
		"user-agent=EvilBot/1.0",
		"iuqerfsodp9ifjaposdfjhgosurijfaewrwergwea.com",
		"10.1.0.7",    // refused: private
		"45.99.99.99", // no hit
		"unused.invalid.example-none.org",
	)
	type hostCount map[string]int64
	tests := []struct {
		name string
		opt  Options
		want map[string]hostCount // indicator value → host → events
	}{
		{"all history", Options{}, map[string]hostCount{
			"45.77.10.10":                                   {"10.1.0.7": 5, "10.1.0.8": 1, "10.1.0.9": 1, "10.1.0.15": 1},
			"45.80.0.0/16":                                  {"10.1.0.11": 1},
			"2001:db8:bad::/48":                             {"2001:db8:1::5": 1},
			"2001:db8:c2::66":                               {"2001:db8:1::6": 1},
			"evil.example-c2.net":                           {"10.1.0.13": 1, "10.1.0.14": 1},
			"http://dl.example-bad.org/x/payload.bin":       {"10.1.0.16": 1},
			strings.Repeat("ab", 32):                        {"10.1.0.17": 1},
			"invoice_2025.exe":                              {"PC-042": 1},
			"attacker@bad-mail.ru":                          {"mail01": 1},
			"EvilBot/1.0":                                   {"10.1.0.16": 1},
			"iuqerfsodp9ifjaposdfjhgosurijfaewrwergwea.com": {"10.1.0.20": 1},
		}},
		{"since", Options{From: t0.Add(-time.Hour).UnixNano(), To: t0.Add(4 * time.Hour).UnixNano()}, map[string]hostCount{
			"45.77.10.10":       {"10.1.0.7": 4, "10.1.0.9": 1},
			"45.80.0.0/16":      {"10.1.0.11": 1},
			"2001:db8:bad::/48": {"2001:db8:1::5": 1},
			"2001:db8:c2::66":   {"2001:db8:1::6": 1},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Run(context.Background(), st.DB(), inds, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]hostCount{}
			for _, r := range res.Indicators {
				hc := hostCount{}
				for _, h := range r.Hosts {
					hc[h.Host] = h.Count
				}
				got[r.Indicator.Value] = hc
				if len(r.Examples) == 0 || len(r.Examples) > 3 {
					t.Errorf("%s: %d examples", r.Indicator.Value, len(r.Examples))
				}
				for _, ex := range r.Examples {
					if ex.ImportID == 0 || ex.Seq == 0 || ex.Kind == "" {
						t.Errorf("%s: example without evidence: %+v", r.Indicator.Value, ex)
					}
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("got  %v\nwant %v", got, tc.want)
			}
			if len(res.Skipped) != 1 || res.Skipped[0].Value != "10.1.0.7" {
				t.Errorf("skipped = %+v", res.Skipped)
			}
			// Per host view agrees with the per indicator one.
			n := 0
			for _, h := range res.Hosts {
				for range h.Indicators {
					n++
				}
			}
			m := 0
			for _, hc := range tc.want {
				m += len(hc)
			}
			if n != m {
				t.Errorf("host view has %d host-indicator pairs, want %d", n, m)
			}
		})
	}
}

func TestSweepKindsAndNeverBlock(t *testing.T) {
	st := openStore(t)
	dataset(t, st, 100)
	inds := indicators(t, ioc.NewGuard(), "45.77.10.10", "iuqerfsodp9ifjaposdfjhgosurijfaewrwergwea.com")
	res, err := Run(context.Background(), st.DB(), inds, Options{Examples: 10})
	if err != nil {
		t.Fatal(err)
	}
	var c2 *IndicatorResult
	for i := range res.Indicators {
		if res.Indicators[i].Indicator.Value == "45.77.10.10" {
			c2 = &res.Indicators[i]
		}
	}
	if c2 == nil {
		t.Fatal("C2 not found")
	}
	if !slices.Equal(c2.Kinds, []string{"zeek.conn", "zeek.dns"}) || c2.Events != 8 || len(c2.Examples) != 8 {
		t.Errorf("kinds %v events %d examples %d", c2.Kinds, c2.Events, len(c2.Examples))
	}
	if !sort.SliceIsSorted(c2.Examples, func(i, j int) bool { return c2.Examples[i].Time.Before(c2.Examples[j].Time) }) {
		t.Error("examples not in time order")
	}
	never := false
	for _, h := range res.Hosts {
		for _, hi := range h.Indicators {
			if hi.Never && h.Host == "10.1.0.20" {
				never = true
			}
		}
	}
	if !never {
		t.Error("kill-switch hit not reported as never-block evidence")
	}
}

func TestSweepNothing(t *testing.T) {
	st := openStore(t)
	dataset(t, st, 100)
	res, err := Run(context.Background(), st.DB(), indicators(t, ioc.NewGuard(), "45.99.99.99", "nothing.example-none.org"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Hits() || res.Swept != 2 {
		t.Errorf("hits %v swept %d", res.Hits(), res.Swept)
	}
}

// TestSweepWidePrefix takes the one-octet prefilter path (a prefix shorter
// than /12) and checks that near misses outside the prefix stay out.
func TestSweepWidePrefix(t *testing.T) {
	st := openStore(t)
	dataset(t, st, 200)
	inds := indicators(t, ioc.NewGuard(), "45.64.0.0/10", "2001:db8::/32")
	res, err := Run(context.Background(), st.DB(), inds, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]map[string]int64{}
	for _, r := range res.Indicators {
		got[r.Indicator.Value] = map[string]int64{}
		for _, h := range r.Hosts {
			got[r.Indicator.Value][h.Host] = h.Count
		}
	}
	want := map[string]map[string]int64{
		"45.64.0.0/10": {"10.1.0.7": 5, "10.1.0.8": 1, "10.1.0.9": 1, "10.1.0.15": 1, "10.1.0.30": 1, "10.1.0.32": 1, "10.1.0.11": 1, "10.1.0.33": 1},
		// Both ends are inside: each is the other's internal host.
		"2001:db8::/32": {"2001:db8:1::5": 1, "2001:db8:1::6": 1, "2001:db8:1::7": 1, "2001:db8:bad:0:1::1": 1, "2001:db8:bae::1": 1, "2001:db8:c2::66": 1},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got  %v\nwant %v", got, want)
	}
	if res.Indicators[0].Indicator.Verdict != ioc.VerdictFlag {
		t.Errorf("wide prefix not flagged: %+v", res.Indicators[0].Indicator)
	}
}
