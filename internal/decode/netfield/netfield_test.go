package netfield

import (
	"testing"
	"time"
)

func TestParseISO(t *testing.T) {
	cases := []struct {
		in    string
		want  string
		zoned bool
		ok    bool
	}{
		{"2025-11-20T10:00:00.123456+0000", "2025-11-20T10:00:00.123456Z", true, true},
		{"2025-11-20T19:00:00+09:00", "2025-11-20T10:00:00Z", true, true},
		{"2025-11-20 10:00:00", "2025-11-20T10:00:00Z", false, true},
		{"2025-11-20T10:00:00.5Z", "2025-11-20T10:00:00.5Z", true, true},
		{"1969-12-31T23:59:59Z", "1969-12-31T23:59:59Z", true, true},
		{"2024-02-29T00:00:00-05:30", "2024-02-29T05:30:00Z", true, true},
		{"2025-13-20T10:00:00Z", "", false, false},
		{"2025-11-20T10:00:00+1", "", false, false},
		{"2025-11-20T10:00:00.Z", "", false, false},
		{"2025-11-20X10:00:00", "", false, false},
	}
	for _, c := range cases {
		ns, zoned, ok := ParseISO(c.in)
		if ok != c.ok || zoned != c.zoned {
			t.Errorf("%q: ok=%v zoned=%v", c.in, ok, zoned)
			continue
		}
		if !ok {
			continue
		}
		if got := time.Unix(0, ns).UTC().Format(time.RFC3339Nano); got != c.want {
			t.Errorf("%q: %s, want %s", c.in, got, c.want)
		}
	}
}

func TestFullURL(t *testing.T) {
	cases := []struct {
		scheme, host, target, ip string
		port                     int64
		want                     string
	}{
		{"", "example.com", "/a?b", "", 0, "http://example.com/a?b"},
		{"", "", "/x", "2001:db8::1", 8080, "http://[2001:db8::1]:8080/x"},
		{"", "", "", "10.0.0.1", 80, "http://10.0.0.1/"},
		{"https", "", "/", "10.0.0.1", 443, "https://10.0.0.1/"},
		{"", "h", "http://other/x", "", 0, "http://other/x"},
		{"", "h", "h:443", "", 0, ""},
	}
	for _, c := range cases {
		if got := FullURL(c.scheme, c.host, c.target, c.ip, c.port); got != c.want {
			t.Errorf("%+v: %q", c, got)
		}
	}
	if h := URLHost("https://u@Example.com:8443/p?q"); h != "Example.com" {
		t.Errorf("URLHost %q", h)
	}
	if p := URLPath("https://example.com/p/q?x=1"); p != "/p/q" {
		t.Errorf("URLPath %q", p)
	}
	if Transport("6") != "tcp" || Transport("UDP") != "udp" || Transport("Foo") != "foo" {
		t.Error("Transport")
	}
	if Month("Dec") != 12 || Month("xyz") != 0 {
		t.Error("Month")
	}
}
