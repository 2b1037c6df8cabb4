package event

import (
	"testing"
)

func TestCanonicalIP(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"10.0.0.1", "10.0.0.1", true},
		{"255.255.255.255", "255.255.255.255", true},
		{"010.0.0.1", "", false}, // leading zeros are ambiguous (octal in some tools)
		{"256.0.0.1", "", false},
		{"1.2.3", "", false},
		{"::ffff:192.0.2.7", "192.0.2.7", true},
		{"2001:DB8:0:0:0:0:0:1", "2001:db8::1", true},
		{"2001:db8::1", "2001:db8::1", true},
		{"fe80::1%eth0", "fe80::1", true},
		{"", "", false},
		{"example.com", "", false},
		{"1.2.3.4 ", "", false},
	}
	for _, tc := range tests {
		got, ok := CanonicalIP(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("CanonicalIP(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestParseEpoch(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"1700000000", 1700000000_000000000, true},
		{"1700000000.5", 1700000000_500000000, true},
		{"1700000000.123456", 1700000000_123456000, true},
		{"1700000000.1234567891", 1700000000_123456789, true}, // beyond ns: truncated
		{"-1.5", -1_500000000, true},
		{"0.000001", 1000, true},
		{"", 0, false},
		{"-", 0, false},
		{".5", 0, false},
		{"1e9", 0, false},
		{"12a", 0, false},
		{"99999999999999999999", 0, false}, // overflow
	}
	for _, tc := range tests {
		got, err := ParseEpoch(tc.in)
		if (err == nil) != tc.ok || (tc.ok && got != tc.want) {
			t.Errorf("ParseEpoch(%q) = %d, %v; want %d, ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func TestParseTime(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"2026-11-20T13:00:00Z", 1795179600_000000000, true},
		{"2026-11-20T22:00:00+09:00", 1795179600_000000000, true},
		{"2026-11-20T13:00:00.123456789Z", 1795179600_123456789, true},
		{"2026-11-20 13:00:00", 1795179600_000000000, true}, // no zone: UTC
		{"2026-11-20T13:00:00", 1795179600_000000000, true},
		{"20 Nov 2026", 0, false},
	}
	for _, tc := range tests {
		got, err := ParseTime(tc.in)
		if (err == nil) != tc.ok || (tc.ok && got != tc.want) {
			t.Errorf("ParseTime(%q) = %d, %v; want %d, ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func TestSetAndReset(t *testing.T) {
	var ev Event
	if !ev.SetStr(SourceIP, "::ffff:10.1.2.3") || ev.Str(SourceIP) != "10.1.2.3" {
		t.Fatalf("IP not canonicalised: %q", ev.Str(SourceIP))
	}
	if ev.SetStr(DestinationIP, "not-an-ip") || ev.Str(DestinationIP) != "" {
		t.Fatalf("bad IP accepted: %q", ev.Str(DestinationIP))
	}
	ev.SetStr(DNSQuestionName, "Update-Check.Example-CDN.NET")
	if ev.Str(DNSQuestionName) != "update-check.example-cdn.net" {
		t.Fatalf("domain not lower-cased: %q", ev.Str(DNSQuestionName))
	}
	ev.SetStr(ProcessCommandLine, `C:\Windows\System32\CMD.exe /c Whoami`)
	if ev.Str(ProcessCommandLine) != `C:\Windows\System32\CMD.exe /c Whoami` {
		t.Fatal("text field changed")
	}
	if _, ok := ev.Int(DestinationPort); ok {
		t.Fatal("unset int reported set")
	}
	ev.SetInt(DestinationPort, 0) // port 0 is a value, not "unset"
	if v, ok := ev.Int(DestinationPort); !ok || v != 0 {
		t.Fatal("zero int not kept as set")
	}
	ev.AddRaw("uid", "C1")
	ev.AddRaw("uid", "C2")
	if v, _ := ev.RawValue("uid"); v != "C1" {
		t.Fatalf("RawValue = %q, want the first", v)
	}
	ev.ClearInt(DestinationPort)
	if ev.HasInt(DestinationPort) {
		t.Fatal("ClearInt left the field set")
	}
	ev.Time, ev.Kind = 5, "k"
	capRaw := cap(ev.Raw)
	ev.Reset()
	if ev.Time != 0 || ev.Kind != "" || ev.Str(SourceIP) != "" || len(ev.Raw) != 0 || cap(ev.Raw) != capRaw {
		t.Fatalf("Reset left %+v (raw cap %d, want %d)", ev, cap(ev.Raw), capRaw)
	}
}

func TestLookup(t *testing.T) {
	for f := range NumStr {
		info := StrField(f).Info()
		for _, name := range []string{info.Name, info.Column} {
			s, _, isInt, ok := Lookup(name)
			if !ok || isInt || s != StrField(f) {
				t.Errorf("Lookup(%q) = %v %v %v", name, s, isInt, ok)
			}
		}
	}
	for f := range NumInt {
		info := IntField(f).Info()
		_, i, isInt, ok := Lookup(info.Name)
		if !ok || !isInt || i != IntField(f) {
			t.Errorf("Lookup(%q) = %v %v %v", info.Name, i, isInt, ok)
		}
	}
	if _, _, _, ok := Lookup("CommandLine"); ok {
		t.Error("a native field name resolved to a normalised field")
	}
	// Names and columns are unique across both kinds of field.
	seen := map[string]bool{}
	for f := range NumStr {
		for _, n := range []string{StrField(f).Info().Name, StrField(f).Info().Column} {
			if seen[n] && n != StrField(f).Info().Name {
				t.Errorf("duplicate name %q", n)
			}
			seen[n] = true
		}
	}
}

func TestQuote(t *testing.T) {
	if got := Quote("a\x1b[31m\"b"); got != `"a\x1b[31m\x22b"` {
		t.Errorf("Quote = %s", got)
	}
	long := Quote(string(make([]byte, 200)))
	if len(long) > 64*4+8 {
		t.Errorf("Quote did not shorten: %d bytes", len(long))
	}
}

func FuzzParseEpoch(f *testing.F) {
	for _, s := range []string{"1700000000.123456", "-1.5", "", "1e9"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ns, err := ParseEpoch(s)
		if err == nil && s[0] != '-' && ns < 0 {
			t.Fatalf("ParseEpoch(%q) = %d: negative from a positive input", s, ns)
		}
	})
}
