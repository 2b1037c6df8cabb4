package cef

import (
	"strings"
	"testing"

	"github.com/firebreak-ir/firebreak/internal/event"
)

func utc(ns int64) int64 { return ns }

func TestParse(t *testing.T) {
	cases := []struct {
		rec   string
		raw   [][2]string
		str   map[event.StrField]string
		num   map[event.IntField]int64
		time  int64
		fails bool
	}{
		{rec: `CEF:0|Sec\|Corp|IPS \\ X|1.0|100|worm successfully stopped|10|src=10.0.0.1 dst=2.1.2.2 spt=1232 dpt=80 proto=TCP act=blocked rt=1700000000123`,
			raw: [][2]string{{"cef_version", "0"}, {"device_vendor", "Sec|Corp"}, {"device_product", `IPS \ X`},
				{"device_version", "1.0"}, {"signature_id", "100"}, {"name", "worm successfully stopped"}, {"severity", "10"},
				{"src", "10.0.0.1"}, {"dst", "2.1.2.2"}, {"spt", "1232"}, {"dpt", "80"}, {"proto", "TCP"}, {"act", "blocked"},
				{"rt", "1700000000123"}},
			str: map[event.StrField]string{event.SourceIP: "10.0.0.1", event.DestinationIP: "2.1.2.2",
				event.NetworkTransport: "tcp", event.EventAction: "blocked", event.EventOutcome: "failure",
				event.EventCode: "100", event.RuleName: "worm successfully stopped"},
			num:  map[event.IntField]int64{event.SourcePort: 1232, event.DestinationPort: 80},
			time: 1700000000123e6},
		{rec: `CEF:0|V|P|1|sig|n|Low|msg=detected a \= here and a \\ there\nnext line=x cs2Label=Policy Name cs2=Block all  request=https://ex.com/a?b\=c`,
			raw: [][2]string{{"msg", "detected a = here and a \\ there\nnext"}, {"line", "x"}, {"cs2Label", "Policy Name"},
				{"cs2", "Block all"}, {"request", "https://ex.com/a?b=c"}},
			str: map[event.StrField]string{event.Message: "detected a = here and a \\ there\nnext",
				event.EventCode: "sig", event.RuleName: "Block all", event.URLFull: "https://ex.com/a?b=c",
				event.URLDomain: "ex.com", event.URLPath: "/a"}},
		{rec: `CEF:0|V|P|1|sig|n|Low|`, raw: [][2]string{{"severity", "Low"}},
			str: map[event.StrField]string{event.EventCode: "sig", event.RuleName: "n"}},
		{rec: `CEF:0|V|P|1|sig|n`, fails: true},
		{rec: `LEEF:1.0|V|P|1|x|`, fails: true},
	}
	for i, c := range cases {
		var ev event.Event
		ns, _, err := Parse(&ev, c.rec, utc)
		if (err != nil) != c.fails {
			t.Errorf("case %d: err %v", i, err)
			continue
		}
		if c.fails {
			continue
		}
		if ns != c.time {
			t.Errorf("case %d: time %d", i, ns)
		}
		for _, kv := range c.raw {
			if v, ok := ev.RawValue(kv[0]); !ok || v != kv[1] {
				t.Errorf("case %d: raw %s = %q", i, kv[0], v)
			}
		}
		for f := range event.NumStr {
			sf := event.StrField(f)
			if ev.Str(sf) != c.str[sf] {
				t.Errorf("case %d: %s = %q, want %q", i, sf, ev.Str(sf), c.str[sf])
			}
		}
		for f, want := range c.num {
			if got, _ := ev.Int(f); got != want {
				t.Errorf("case %d: %s = %d", i, f, got)
			}
		}
	}
}

func TestIndex(t *testing.T) {
	for s, want := range map[string]int{
		"CEF:0|a":            0,
		"host CEF:1|a":       5,
		"xCEF:0|a":           -1,
		"CEF:|a":             -1,
		"text CEF: CEF:0|a|": 10,
	} {
		if got := Index(s); got != want {
			t.Errorf("Index(%q) = %d, want %d", s, got, want)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add(`CEF:0|Sec\|Corp|IPS|1.0|100|worm|10|src=10.0.0.1 msg=a\=b c\\ rt=Nov 20 2025 10:00:00 UTC`)
	f.Add(`CEF:0|V|P|1|s|n|1|a= b==c \=d= =`)
	f.Fuzz(func(t *testing.T, rec string) {
		var ev event.Event
		_, _, err := Parse(&ev, rec, utc)
		if err == nil && !strings.HasPrefix(rec, "CEF:") {
			t.Fatal("accepted a record without CEF:")
		}
		if err == nil && len(ev.Raw) < 7 {
			t.Fatalf("%d fields", len(ev.Raw))
		}
	})
}
