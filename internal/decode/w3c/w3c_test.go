package w3c

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/firebreak-ir/firebreak/internal/decode/decodetest"
	"github.com/firebreak-ir/firebreak/internal/event"
)

type (
	S = map[event.StrField]string
	N = map[event.IntField]int64
	R = map[string]string
)

var iisWants = []decodetest.Want{
	{Index: 0, Kind: "iis", Time: "2025-11-20T10:00:00Z", Host: "WEB01", Seq: 5,
		Str: S{event.SourceIP: "198.51.100.7", event.DestinationIP: "10.1.0.80", event.HTTPRequestMethod: "GET",
			event.URLPath: "/owa/auth/logon.aspx", event.URLDomain: "mail.example.com", event.ServiceName: "W3SVC1",
			event.URLFull:           "https://mail.example.com/owa/auth/logon.aspx?replaceCurrent=1&url=https%3a%2f%2fmail.example.com%2fowa",
			event.UserAgentOriginal: "Mozilla/5.0 (Windows NT 10.0; Win64; x64)"},
		Num: N{event.DestinationPort: 443, event.HTTPResponseStatusCode: 200, event.DestinationBytes: 4521,
			event.SourceBytes: 612, event.EventDuration: 15e6},
		Raw: R{"cs(User-Agent)": "Mozilla/5.0+(Windows+NT+10.0;+Win64;+x64)", "sc-win32-status": "0"},
		Names: []string{"date", "time", "s-sitename", "s-computername", "s-ip", "cs-method", "cs-uri-stem", "cs-uri-query",
			"s-port", "c-ip", "cs-version", "cs(User-Agent)", "cs-host", "sc-status", "sc-substatus", "sc-win32-status",
			"sc-bytes", "cs-bytes", "time-taken"}},
	{Index: 1, Kind: "iis", Time: "2025-11-20T10:00:01Z", Host: "WEB01", Seq: 6,
		Str: S{event.SourceIP: "198.51.100.7", event.DestinationIP: "10.1.0.80", event.HTTPRequestMethod: "POST",
			event.URLPath: "/aspnet_client/system_web/shell.aspx", event.URLDomain: "mail.example.com", event.ServiceName: "W3SVC1",
			event.URLFull:  "https://mail.example.com/aspnet_client/system_web/shell.aspx",
			event.UserName: `CORP\svc_web`, event.UserAgentOriginal: "python-requests/2.31.0",
			event.HTTPRequestReferrer: "https://mail.example.com/"},
		Num: N{event.DestinationPort: 443, event.HTTPResponseStatusCode: 200, event.DestinationBytes: 210,
			event.SourceBytes: 1893, event.EventDuration: 240e6}},
	{Index: 2, Kind: "iis", Time: "2025-11-20T12:00:00Z", Seq: 11,
		Str: S{event.SourceIP: "2001:db8::7", event.DestinationIP: "10.1.0.80", event.HTTPRequestMethod: "GET",
			event.URLPath: "/index.html", event.URLFull: "http://10.1.0.80:8080/index.html", event.UserAgentOriginal: "curl/8.5.0"},
		Num: N{event.DestinationPort: 8080, event.HTTPResponseStatusCode: 404, event.EventDuration: 3e6},
		Names: []string{"date", "time", "s-ip", "cs-method", "cs-uri-stem", "s-port", "c-ip", "cs(User-Agent)",
			"sc-status", "time-taken"}},
	{Index: 3, Kind: "iis", Time: "2025-11-20T12:00:01Z", Seq: 12,
		Str: S{event.SourceIP: "10.1.2.3", event.DestinationIP: "10.1.0.80", event.HTTPRequestMethod: "GET",
			event.URLPath: "/a.html", event.URLFull: "http://10.1.0.80/a.html"},
		Num: N{event.DestinationPort: 80, event.HTTPResponseStatusCode: 200, event.EventDuration: 1e6}},
}

var fwWants = []decodetest.Want{
	{Index: 0, Kind: "windows.firewall", Time: "2025-11-20T10:00:00Z", Seq: 6,
		Str: S{event.SourceIP: "10.1.2.3", event.DestinationIP: "198.51.100.77", event.NetworkTransport: "tcp",
			event.EventAction: "ALLOW", event.EventOutcome: "success", event.NetworkDirection: "egress"},
		Num: N{event.SourcePort: 51515, event.DestinationPort: 443, event.SourceBytes: 0, event.ProcessPID: 4321},
		Names: []string{"date", "time", "action", "protocol", "src-ip", "dst-ip", "src-port", "dst-port", "size",
			"tcpsyn", "tcpack", "tcpwin", "path", "pid"}},
	{Index: 1, Kind: "windows.firewall", Time: "2025-11-20T10:00:01Z", Seq: 7,
		Str: S{event.SourceIP: "198.51.100.9", event.DestinationIP: "10.1.2.3", event.NetworkTransport: "udp",
			event.EventAction: "DROP", event.EventOutcome: "failure", event.NetworkDirection: "ingress"},
		Num: N{event.SourcePort: 53000, event.DestinationPort: 137, event.SourceBytes: 78, event.ProcessPID: 4}},
	{Index: 2, Kind: "windows.firewall", Time: "2025-11-20T10:00:02Z", Seq: 8,
		Str: S{event.SourceIP: "fe80::1", event.DestinationIP: "ff02::1", event.NetworkTransport: "icmp",
			event.EventAction: "ALLOW", event.EventOutcome: "success", event.NetworkDirection: "egress"},
		Num: N{event.SourceBytes: 0, event.ProcessPID: 0},
		Raw: R{"icmptype": "135"}},
	{Index: 3, Kind: "windows.firewall", Time: "2025-11-20T10:00:03Z", Seq: 9,
		Str: S{event.EventAction: "INFO-EVENTS-LOST"},
		Num: N{event.SourceBytes: 0, event.ProcessPID: 0},
		Raw: R{"info": "12"}},
}

func TestIIS(t *testing.T) {
	evs, errs := decodetest.File(t, Format, "u_ex251120.log")
	if len(errs) != 0 || len(evs) != len(iisWants) {
		t.Fatalf("%d events, errors %v", len(evs), errs)
	}
	for _, w := range iisWants {
		decodetest.Check(t, evs[w.Index], w)
	}
}

func TestFirewall(t *testing.T) {
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Skip(err)
	}
	evs, errs := decodetest.File(t, WithOptions(Options{Location: tokyo}), "pfirewall.log")
	if len(errs) != 0 || len(evs) != len(fwWants) {
		t.Fatalf("%d events, errors %v", len(evs), errs)
	}
	for _, w := range fwWants {
		decodetest.Check(t, evs[w.Index], w)
	}
	// Without a location, local times are read as UTC.
	evs, _ = decodetest.File(t, Format, "pfirewall.log")
	if got := time.Unix(0, evs[0].Time).UTC().Format(time.RFC3339); got != "2025-11-20T19:00:00Z" {
		t.Errorf("time %s", got)
	}
}

func TestMalformed(t *testing.T) {
	evs, errs := decodetest.File(t, Format, "malformed.log")
	if len(evs) != 2 || evs[0].Seq != 4 || evs[1].Seq != 8 {
		t.Fatalf("%d events", len(evs))
	}
	if p := evs[1].Str(event.URLPath); p != `/a "b"` {
		t.Errorf("quoted value %q", p)
	}
	want := []string{
		`testdata/malformed.log:2: line before any #Fields: directive: "2025-11-20 10:00:00 before fields"`,
		`testdata/malformed.log:5: 7 values for 6 fields: "2025-11-20 10:00:02 10.1.2.3 GET / 200 extra"`,
		`testdata/malformed.log:6: bad date or time "2025-11-20 25:00:03"`,
		`testdata/malformed.log:7: unterminated quoted value in "2025-11-20 10:00:04 10.1.2.3 GET \x22/unterminated 200"`,
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
	yes := []string{
		"#Software: Microsoft Internet Information Services 10.0\n#Version: 1.0\n#Fields: date time\n",
		"\xef\xbb\xbf#Version: 1.5\r\n#Software: Microsoft Windows Firewall\r\n#Time Format: Local\r\n#Fields: date time action\r\n",
		"#Fields: date time c-ip\n",
	}
	no := []string{"", "#separator \\x09\n#fields\tts\n", "#Software: x\n", "date time\n", `{"a":1}`}
	for _, s := range yes {
		if !Format.Detect([]byte(s)) {
			t.Errorf("not detected: %q", s)
		}
	}
	for _, s := range no {
		if Format.Detect([]byte(s)) {
			t.Errorf("detected: %q", s)
		}
	}
}

func FuzzW3C(f *testing.F) {
	decodetest.Seeds(f, "*.log")
	f.Fuzz(func(t *testing.T, data []byte) {
		decodetest.Drain(t, Format, data)
	})
}

const benchLines = 50_000

func BenchmarkIIS(b *testing.B) {
	var buf bytes.Buffer
	buf.WriteString("#Software: Microsoft Internet Information Services 10.0\n#Version: 1.0\n#Date: 2025-11-20 10:00:00\n" +
		"#Fields: date time s-sitename s-computername s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs-version cs(User-Agent) cs(Referer) cs-host sc-status sc-substatus sc-win32-status sc-bytes cs-bytes time-taken\n")
	for i := range benchLines {
		fmt.Fprintf(&buf, "2025-11-20 10:%02d:%02d W3SVC1 WEB01 10.1.0.80 GET /path/%d.aspx id=%d 443 - 10.1.%d.%d HTTP/1.1 Mozilla/5.0+(Windows+NT+10.0;+Win64;+x64) - www.example.com 200 0 0 %d 612 %d\n",
			i/60%60, i%60, i%100, i, i/256%256, i%256, 1000+i, i%500)
	}
	decodetest.Bench(b, Format, buf.Bytes(), benchLines)
}

func BenchmarkFirewall(b *testing.B) {
	var buf bytes.Buffer
	buf.WriteString("#Version: 1.5\n#Software: Microsoft Windows Firewall\n#Time Format: Local\n" +
		"#Fields: date time action protocol src-ip dst-ip src-port dst-port size tcpflags tcpsyn tcpack tcpwin icmptype icmpcode info path pid\n")
	for i := range benchLines {
		fmt.Fprintf(&buf, "2025-11-20 19:%02d:%02d ALLOW TCP 10.1.%d.%d 198.51.100.%d %d 443 0 - 0 0 0 - - - SEND %d\n",
			i/60%60, i%60, i/256%256, i%256, i%256, 1024+i%60000, i%9000)
	}
	decodetest.Bench(b, Format, buf.Bytes(), benchLines)
}

func TestExchange(t *testing.T) {
	evs, errs := decodetest.File(t, Format, "MSGTRK20251120-1.LOG")
	if len(errs) != 0 || len(evs) != 1 {
		t.Fatalf("%d events, errors %v", len(evs), errs)
	}
	decodetest.Check(t, evs[0], decodetest.Want{Kind: "exchange", Time: "2025-11-20T10:00:00.123Z", Seq: 6,
		Str: S{event.SourceIP: "198.51.100.7", event.DestinationIP: "10.1.0.25", event.SourceHostname: "mail.attacker.example",
			event.EventAction: "RECEIVE", event.UserName: "billing@attacker.example"},
		Raw: R{"message-subject": `Invoice, "urgent"`, "source-context": "08DA1,Receive SMTP", "total-bytes": "48213",
			"connector-id": `EX01\Default Frontend EX01`}})
}
