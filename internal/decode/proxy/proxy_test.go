package proxy

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/firebreak-ir/firebreak/internal/decode/decodetest"
	"github.com/firebreak-ir/firebreak/internal/event"
)

type (
	S = map[event.StrField]string
	N = map[event.IntField]int64
	R = map[string]string
)

var squidWants = []decodetest.Want{
	{Index: 0, Kind: "squid", Time: "2025-11-20T10:00:00.123Z", Seq: 1,
		Str: S{event.SourceIP: "10.1.2.3", event.DestinationIP: "198.51.100.77", event.EventAction: "TCP_TUNNEL",
			event.EventOutcome: "success", event.HTTPRequestMethod: "CONNECT", event.URLDomain: "update-check.example-cdn.net",
			event.NetworkProtocol: "http"},
		Num: N{event.DestinationPort: 443, event.HTTPResponseStatusCode: 200, event.DestinationBytes: 9320,
			event.EventDuration: 250e6},
		Names: []string{"time", "elapsed", "client", "result", "bytes", "method", "url", "user", "hierarchy", "type"},
		Raw:   R{"hierarchy": "HIER_DIRECT/198.51.100.77", "type": "-", "url": "update-check.example-cdn.net:443"}},
	{Index: 1, Kind: "squid", Time: "2025-11-20T10:00:05.456Z", Seq: 2,
		Str: S{event.SourceIP: "10.1.2.3", event.DestinationIP: "203.0.113.66", event.EventAction: "TCP_MISS",
			event.EventOutcome: "success", event.HTTPRequestMethod: "GET", event.URLDomain: "update-check.example-cdn.net",
			event.URLFull: "http://update-check.example-cdn.net/dl/agent.exe", event.URLPath: "/dl/agent.exe",
			event.UserName: "jdoe", event.FileMIMEType: "application/octet-stream", event.NetworkProtocol: "http"},
		Num: N{event.DestinationPort: 80, event.HTTPResponseStatusCode: 200, event.DestinationBytes: 482304,
			event.EventDuration: 1200e6}},
	{Index: 2, Kind: "squid", Time: "2025-11-20T10:00:06.001Z", Seq: 3,
		Str: S{event.SourceIP: "10.1.2.7", event.EventAction: "TCP_DENIED", event.EventOutcome: "failure",
			event.HTTPRequestMethod: "GET", event.URLDomain: "blocked.example.net",
			event.URLFull: "http://blocked.example.net/a b  c.html?q=1 2", event.URLPath: "/a b  c.html",
			event.FileMIMEType: "text/html", event.NetworkProtocol: "http"},
		Num: N{event.DestinationPort: 80, event.HTTPResponseStatusCode: 403, event.DestinationBytes: 3950, event.EventDuration: 0},
		Raw: R{"url": "http://blocked.example.net/a b  c.html?q=1 2", "user": "-", "hierarchy": "HIER_NONE/-"}},
	{Index: 3, Kind: "squid", Time: "2025-11-20T10:00:07.01Z", Seq: 4,
		Str: S{event.SourceIP: "10.1.2.8", event.EventAction: "TCP_MEM_HIT", event.EventOutcome: "success",
			event.HTTPRequestMethod: "GET", event.URLDomain: "cdn.example.org", event.URLFull: "https://cdn.example.org:8443/lib.js",
			event.URLPath: "/lib.js", event.FileMIMEType: "application/javascript; charset=utf-8", event.NetworkProtocol: "http"},
		Num: N{event.DestinationPort: 8443, event.HTTPResponseStatusCode: 200, event.DestinationBytes: 1024, event.EventDuration: 12e6}},
	{Index: 4, Kind: "squid", Time: "2025-11-20T10:00:08.999Z", Seq: 5,
		Str: S{event.SourceIP: "2001:db8::3", event.EventAction: "TCP_MISS", event.EventOutcome: "success",
			event.HTTPRequestMethod: "GET", event.URLDomain: "2001:db8::80", event.URLFull: "http://[2001:db8::80]/index.html",
			event.URLPath: "/index.html", event.NetworkProtocol: "http"},
		Num: N{event.DestinationPort: 80, event.HTTPResponseStatusCode: 304, event.DestinationBytes: 320, event.EventDuration: 310e6},
		Raw: R{"hierarchy": "FIRSTUP_PARENT/parent.proxy.example"}},
	{Index: 5, Kind: "squid", Time: "2025-11-20T10:00:09.5Z", Seq: 6,
		Str: S{event.SourceIP: "10.1.2.9", event.EventAction: "NONE_NONE", event.FileMIMEType: "text/html",
			event.NetworkProtocol: "http"},
		Num: N{event.HTTPResponseStatusCode: 400, event.DestinationBytes: 3871, event.EventDuration: 5e6}},
}

var accessWants = []decodetest.Want{
	{Index: 0, Kind: "http.access", Time: "2025-11-20T10:00:00Z", Seq: 1,
		Str: S{event.SourceIP: "10.1.2.3", event.UserName: "jdoe", event.HTTPRequestMethod: "CONNECT",
			event.URLDomain: "update-check.example-cdn.net", event.UserAgentOriginal: "Mozilla/5.0 (Windows NT 10.0; Win64; x64)",
			event.EventAction: "TCP_TUNNEL", event.NetworkProtocol: "http"},
		Num:   N{event.DestinationPort: 443, event.HTTPResponseStatusCode: 200, event.DestinationBytes: 9320},
		Names: []string{"remote_host", "ident", "user", "time", "request", "status", "bytes", "referer", "user_agent", "squid_status"},
		Raw:   R{"squid_status": "TCP_TUNNEL:HIER_DIRECT", "time": "20/Nov/2025:19:00:00 +0900"}},
	{Index: 1, Kind: "http.access", Time: "2025-11-20T10:01:00Z", Seq: 2,
		Str: S{event.SourceIP: "198.51.100.7", event.HTTPRequestMethod: "GET", event.URLPath: "/wp-login.php",
			event.HTTPRequestReferrer: "http://www.example.com/", event.UserAgentOriginal: "curl/8.5.0", event.NetworkProtocol: "http"},
		Num: N{event.HTTPResponseStatusCode: 404, event.DestinationBytes: 153},
		Raw: R{"request": `GET /wp-login.php?x="1" HTTP/1.1`}},
	{Index: 2, Kind: "http.access", Time: "2025-11-20T15:02:00Z", Seq: 3,
		Str: S{event.SourceIP: "10.1.2.4", event.HTTPRequestMethod: "POST", event.URLPath: "/api/upload",
			event.UserAgentOriginal: "python-requests/2.31", event.NetworkProtocol: "http"},
		Num: N{event.HTTPResponseStatusCode: 201}},
	{Index: 3, Kind: "http.access", Time: "2025-11-20T10:03:00Z", Seq: 4,
		Str: S{event.SourceHostname: "client.example.net", event.UserName: "Jane Doe", event.HTTPRequestMethod: "GET",
			event.URLPath: "/a b.html", event.NetworkProtocol: "http"},
		Num:   N{event.HTTPResponseStatusCode: 200, event.DestinationBytes: 512},
		Names: []string{"remote_host", "ident", "user", "time", "request", "status", "bytes"}},
	{Index: 4, Kind: "http.access", Time: "2025-11-20T10:04:00Z", Seq: 5,
		Str: S{event.SourceIP: "10.1.2.5", event.NetworkProtocol: "http"},
		Num: N{event.HTTPResponseStatusCode: 408, event.DestinationBytes: 0},
		Raw: R{"extra_1": "www.example.com", "extra_2": "0.001"}},
}

func TestSquid(t *testing.T) {
	evs, errs := decodetest.File(t, Squid, "squid.log")
	if len(errs) != 0 || len(evs) != len(squidWants) {
		t.Fatalf("%d events, errors %v", len(evs), errs)
	}
	for _, w := range squidWants {
		decodetest.Check(t, evs[w.Index], w)
	}
}

func TestAccess(t *testing.T) {
	evs, errs := decodetest.File(t, Access, "access.log")
	if len(errs) != 0 || len(evs) != len(accessWants) {
		t.Fatalf("%d events, errors %v", len(evs), errs)
	}
	for _, w := range accessWants {
		decodetest.Check(t, evs[w.Index], w)
	}
}

func TestMalformed(t *testing.T) {
	evs, errs := decodetest.File(t, Access, "malformed.log")
	if len(evs) != 2 || evs[0].Seq != 1 || evs[1].Seq != 5 {
		t.Fatalf("%d events", len(evs))
	}
	want := []string{
		`testdata/malformed.log:2: not an access log line (no quoted request): "10.1.2.3 - - [20/Nov/2025:10:00:01 +0000] \x22GET / HTTP/1.1"`,
		`testdata/malformed.log:3: bad time "32/Foo/2025:10:00:02 +0000"`,
		`testdata/malformed.log:4: squid line with 7 fields, want 10: "1763632809.500      5 10.1.2.9 TCP_MISS/200 10 GET http://x/"`,
	}
	if len(errs) != len(want) {
		t.Fatalf("errors %v", errs)
	}
	for i, e := range errs {
		if e.Error() != want[i] {
			t.Errorf("error %d:\n got %s\nwant %s", i, e.Error(), want[i])
		}
	}
}

func TestDetect(t *testing.T) {
	cases := []struct {
		head          string
		squid, access bool
	}{
		{"1763632800.123    250 10.1.2.3 TCP_TUNNEL/200 9320 CONNECT h:443 - HIER_DIRECT/1.2.3.4 -\n", true, false},
		{`10.1.2.3 - - [20/Nov/2025:10:00:00 +0000] "GET / HTTP/1.1" 200 1` + "\n", false, true},
		{"#comment\n\n" + `::1 - - [20/Nov/2025:10:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "x"` + "\n", false, true},
		{"<34>Oct 11 22:14:15 mymachine su: failed\n", false, false},
		{`{"a":1}` + "\n", false, false},
		{"1700000000.5 x\n", false, false},
	}
	for i, c := range cases {
		if got := Squid.Detect([]byte(c.head)); got != c.squid {
			t.Errorf("case %d: squid %v", i, got)
		}
		if got := Access.Detect([]byte(c.head)); got != c.access {
			t.Errorf("case %d: access %v", i, got)
		}
	}
}

func FuzzProxy(f *testing.F) {
	decodetest.Seeds(f, "*.log")
	f.Fuzz(func(t *testing.T, data []byte) {
		Squid.Detect(data)
		decodetest.Drain(t, Access, data)
	})
}

const benchLines = 50_000

func BenchmarkSquid(b *testing.B) {
	var buf bytes.Buffer
	for i := range benchLines {
		fmt.Fprintf(&buf, "%d.%03d %6d 10.1.%d.%d TCP_MISS/200 %d GET http://www%d.example.com/path/%d.html?q=1 - HIER_DIRECT/203.0.113.%d text/html\n",
			1763632800+i/10, i%1000, i%3000, i/256%256, i%256, 1000+i, i%500, i, i%256)
	}
	decodetest.Bench(b, Squid, buf.Bytes(), benchLines)
}

func BenchmarkCombined(b *testing.B) {
	var buf bytes.Buffer
	for i := range benchLines {
		fmt.Fprintf(&buf, `10.1.%d.%d - - [20/Nov/2025:10:%02d:%02d +0000] "GET /path/%d.html?q=1 HTTP/1.1" 200 %d "http://www.example.com/" "Mozilla/5.0 (Windows NT 10.0; Win64; x64)"`+"\n",
			i/256%256, i%256, i/60%60, i%60, i, 1000+i)
	}
	decodetest.Bench(b, Access, buf.Bytes(), benchLines)
}
