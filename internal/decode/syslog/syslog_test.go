package syslog

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/firebreak-ir/firebreak/internal/decode"
	"github.com/firebreak-ir/firebreak/internal/decode/decodetest"
	"github.com/firebreak-ir/firebreak/internal/decode/netfield"
	"github.com/firebreak-ir/firebreak/internal/event"
)

type (
	S = map[event.StrField]string
	N = map[event.IntField]int64
	R = map[string]string
)

const ftdText = "DeviceUUID: 6a7b, InstanceID: 1, FirstPacketSecond: 2025-11-20T10:01:37Z, ConnectionID: 4242, " +
	"AccessControlRuleAction: Allow, SrcIP: 10.1.2.3, DstIP: 198.51.100.77, SrcPort: 51515, DstPort: 443, Protocol: tcp, " +
	"IngressInterface: inside, EgressInterface: outside, ACPolicy: Default, AccessControlRuleName: Allow-Web, " +
	"Prefilter Policy: Default Prefilter, User: No Authentication Required, " +
	"UserAgent: Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko), Client: SSL client, " +
	"ApplicationProtocol: HTTPS, ConnectionDuration: 30, InitiatorPackets: 12, ResponderPackets: 10, InitiatorBytes: 1840, " +
	"ResponderBytes: 9320, URL: https://update-check.example-cdn.net/"

// now is the reference time of the tests: an import in March 2026.
var now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func decodeWith(t *testing.T, name string, opt Options) ([]*event.Event, []*decode.RecordError) {
	t.Helper()
	return decodetest.File(t, WithOptions(opt), name)
}

var fixtures = map[string][]decodetest.Want{
	"messages.log": {
		{Index: 0, Kind: "netfilter", Time: "2025-12-31T23:59:58Z", Host: "gw01", Seq: 1,
			Str: S{event.SourceIP: "198.51.100.7", event.DestinationIP: "10.1.2.3", event.NetworkTransport: "tcp",
				event.RuleName: "FW-DROP-IN", event.EventAction: "drop", event.EventOutcome: "failure",
				event.SourceMAC: "52:54:00:65:43:21", event.DestinationMAC: "52:54:00:12:34:56"},
			Num: N{event.SourcePort: 51515, event.DestinationPort: 22, event.SourceBytes: 60, event.SourcePackets: 1},
			Raw: R{"OUT": "", "DF": "true", "SYN": "true", "prefix": "FW-DROP-IN:", "kernel_time": "884512.123456"},
			Names: []string{"timestamp", "hostname", "app_name", "kernel_time", "prefix", "IN", "OUT", "MAC", "SRC", "DST",
				"LEN", "TOS", "PREC", "TTL", "ID", "DF", "PROTO", "SPT", "DPT", "WINDOW", "RES", "SYN", "URGP"}},
		{Index: 1, Kind: "syslog", Time: "2025-12-31T23:59:59Z", Host: "gw01", Seq: 2,
			Str:   S{event.Message: "Connection closed by 198.51.100.7 port 51515 [preauth]", event.ServiceName: "sshd"},
			Names: []string{"timestamp", "hostname", "app_name", "procid", "message"},
			Raw:   R{"procid": "2201", "timestamp": "Dec 31 23:59:59"}},
		{Index: 2, Kind: "netfilter", Time: "2026-01-01T00:00:01Z", Host: "gw01", Seq: 4,
			Str: S{event.SourceIP: "10.1.2.3", event.DestinationIP: "198.51.100.77", event.NetworkTransport: "udp",
				event.RuleName: "nft-accept-out", event.EventAction: "accept", event.EventOutcome: "success"},
			Num: N{event.SourcePort: 51515, event.DestinationPort: 443, event.SourceBytes: 52, event.SourcePackets: 1}},
		{Index: 3, Kind: "netfilter", Time: "2026-01-01T00:00:02.25Z", Host: "gw01", Seq: 5,
			Str: S{event.SourceIP: "2001:db8::5", event.DestinationIP: "2001:db8:1::9", event.NetworkTransport: "icmp",
				event.RuleName: "IPT-LOG"},
			Num: N{event.SourceBytes: 80, event.SourcePackets: 1},
			Raw: R{"TYPE": "128", "ID": "77"}},
		{Index: 4, Kind: "syslog", Time: "2026-01-01T00:00:03Z", Host: "gw01", Seq: 6,
			Str: S{event.Message: "(root) CMD (run-parts /etc/cron.hourly)", event.ServiceName: "CRON"}},
		{Index: 5, Kind: "netfilter", Time: "2026-01-01T00:00:04Z", Host: "gw01", Seq: 7,
			Str: S{event.SourceIP: "203.0.113.99", event.DestinationIP: "10.1.2.3", event.NetworkTransport: "tcp",
				event.RuleName: "UFW BLOCK", event.EventAction: "block", event.EventOutcome: "failure",
				event.SourceMAC: "52:54:00:65:43:21", event.DestinationMAC: "52:54:00:12:34:56"},
			Num: N{event.SourcePort: 40000, event.DestinationPort: 3389, event.SourceBytes: 44, event.SourcePackets: 1},
			Raw: R{"kernel_time": "884517.000001", "prefix": "[UFW BLOCK]"}},
		{Index: 6, Kind: "netfilter", Time: "2026-01-01T00:00:05Z", Host: "gw01", Seq: 8,
			Str: S{event.SourceIP: "10.1.2.3", event.DestinationIP: "198.51.100.77", event.NetworkTransport: "tcp",
				event.RuleName: "UFW ALLOW", event.EventAction: "allow", event.EventOutcome: "success"},
			Num:   N{event.SourcePort: 51515, event.DestinationPort: 443, event.SourceBytes: 60, event.SourcePackets: 1},
			Names: []string{"timestamp", "hostname", "app_name", "prefix", "IN", "OUT", "SRC", "DST", "LEN", "PROTO", "SPT", "DPT", "SYN", "URGP"}},
	},
	"rfc5424.log": {
		{Index: 0, Kind: "syslog", Time: "2025-11-20T10:00:00.003Z", Host: "fw01.example.com", Seq: 1,
			Str: S{event.Message: "An application event log entry", event.ServiceName: "evntslog"},
			Names: []string{"pri", "version", "timestamp", "hostname", "app_name", "msgid",
				"sd.exampleSDID@32473.iut", "sd.exampleSDID@32473.eventSource", "sd.exampleSDID@32473.eventID",
				"sd.examplePriority@32473.class", "message"},
			Raw: R{"sd.exampleSDID@32473.eventSource": "Application", "msgid": "ID47", "pri": "165"}},
		{Index: 1, Kind: "netfilter", Time: "2025-11-20T10:00:00Z", Host: "gw01", Seq: 2,
			Str: S{event.SourceIP: "10.1.2.3", event.DestinationIP: "198.51.100.77", event.NetworkTransport: "tcp",
				event.RuleName: "DROP-OUT", event.EventAction: "drop", event.EventOutcome: "failure"},
			Num: N{event.SourcePort: 51515, event.DestinationPort: 443, event.SourceBytes: 60, event.SourcePackets: 1}},
		{Index: 2, Kind: "syslog", Time: "2025-11-20T10:00:02.5Z", Host: "host01", Seq: 3,
			Str: S{event.Message: "message with a BOM", event.ServiceName: "app"},
			Raw: R{"sd.meta.note": `a "quoted" ] value`, "sd.meta.empty": "", "procid": "1234"}},
		{Index: 3, Kind: "syslog", Time: "2025-11-20T10:00:03Z", Seq: 5,
			Str: S{event.Message: "Accepted publickey for jdoe from 10.1.2.3 port 51700 ssh2", event.ServiceName: "sshd"}},
	},
	"fortigate.log": {
		{Index: 0, Kind: "fortigate.traffic", Time: "2025-11-20T10:00:00.123456789Z", Host: "FGT60F-Osaka", Seq: 1,
			Str: S{event.SourceIP: "10.1.2.3", event.DestinationIP: "198.51.100.77", event.NetworkTransport: "tcp",
				event.EventAction: "close", event.EventOutcome: "success", event.RuleName: "LAN to Internet"},
			Num: N{event.SourcePort: 51515, event.DestinationPort: 443, event.SourceBytes: 1840, event.DestinationBytes: 9320,
				event.SourcePackets: 12, event.DestinationPackets: 10, event.EventDuration: 30e9},
			Raw: R{"pri": "189", "policyname": "LAN to Internet", "tz": "+0900", "transip": "203.0.113.5"}},
		{Index: 1, Kind: "fortigate.utm", Time: "2025-11-20T10:05:00Z", Host: "FGT60F-Osaka", Seq: 2,
			Str: S{event.SourceIP: "10.1.2.3", event.DestinationIP: "203.0.113.66", event.NetworkTransport: "tcp",
				event.EventAction: "blocked", event.EventOutcome: "failure", event.RuleName: "12", event.UserName: "jdoe",
				event.URLDomain: "update-check.example-cdn.net", event.URLFull: "http://update-check.example-cdn.net/dl/agent.exe",
				event.URLPath: "/dl/agent.exe", event.NetworkDirection: "outgoing",
				event.Message: `URL belongs to a category with warnings, "Malicious Websites"`},
			Num: N{event.SourcePort: 51620, event.DestinationPort: 80, event.SourceBytes: 512, event.DestinationBytes: 0}},
		{Index: 2, Kind: "fortigate.traffic", Time: "2025-11-20T10:06:00Z", Host: "fgt-tokyo", Seq: 3,
			Str: S{event.SourceIP: "10.2.0.9", event.DestinationIP: "192.0.2.53", event.NetworkTransport: "udp",
				event.EventAction: "deny", event.EventOutcome: "failure", event.RuleName: "0"},
			Num: N{event.SourcePort: 60000, event.DestinationPort: 53, event.SourceBytes: 0, event.DestinationBytes: 0}},
	},
	"paloalto.log": {
		{Index: 0, Kind: "paloalto.traffic", Time: "2025-11-20T10:00:30Z", Host: "PA-3220", Seq: 1,
			Str: S{event.SourceIP: "10.1.2.3", event.DestinationIP: "198.51.100.77", event.NetworkTransport: "tcp",
				event.NetworkProtocol: "ssl", event.EventAction: "allow", event.EventOutcome: "success",
				event.RuleName: "Allow-Web", event.UserName: `corp\jdoe`},
			Num: N{event.SourcePort: 51515, event.DestinationPort: 443, event.SourceBytes: 1840, event.DestinationBytes: 9320,
				event.SourcePackets: 12, event.DestinationPackets: 10, event.EventDuration: 30e9},
			Raw: R{"natsrc": "203.0.113.5", "session_end_reason": "tcp-fin", "action_source": "from-policy", "serial": "013201001234"}},
		{Index: 1, Kind: "paloalto.traffic", Time: "2025-11-20T10:01:00Z", Host: "PA-3220", Seq: 2,
			Str: S{event.SourceIP: "10.1.2.8", event.DestinationIP: "192.0.2.200", event.NetworkTransport: "udp",
				event.EventAction: "deny", event.EventOutcome: "failure", event.RuleName: `Block-Bad, "Known" C2`},
			Num: N{event.SourcePort: 40000, event.DestinationPort: 8443, event.SourceBytes: 74, event.DestinationBytes: 0,
				event.SourcePackets: 1, event.DestinationPackets: 0, event.EventDuration: 0}},
		{Index: 2, Kind: "paloalto.threat", Time: "2025-11-20T10:05:00Z", Host: "PA-3220", Seq: 3,
			Str: S{event.SourceIP: "10.1.2.3", event.DestinationIP: "203.0.113.66", event.NetworkTransport: "tcp",
				event.NetworkProtocol: "web-browsing", event.EventAction: "alert", event.RuleName: "(9999)",
				event.UserName:  `corp\jdoe`,
				event.URLFull:   "http://update-check.example-cdn.net/dl/agent.exe?a=1,2",
				event.URLDomain: "update-check.example-cdn.net", event.URLPath: "/dl/agent.exe",
				event.UserAgentOriginal: "Mozilla/5.0 (Windows NT 10.0; Win64; x64)", event.HTTPRequestReferrer: "http://portal.example.com/",
				event.HTTPRequestMethod: "GET"},
			Num: N{event.SourcePort: 51620, event.DestinationPort: 80},
			Raw: R{"misc": "update-check.example-cdn.net/dl/agent.exe?a=1,2", "contenttype": "application/octet-stream",
				"http_method": "get", "device_name": "PA-3220"}},
		{Index: 3, Kind: "paloalto.threat", Time: "2025-11-20T10:06:00Z", Host: "PA-3220", Seq: 4,
			Str: S{event.SourceIP: "198.51.100.7", event.DestinationIP: "10.1.0.10", event.NetworkTransport: "tcp",
				event.NetworkProtocol: "web-browsing", event.EventAction: "reset-both", event.EventOutcome: "failure",
				event.RuleName: "Apache Log4j Remote Code Execution Vulnerability(91991)", event.FileName: "shell.php",
				event.HTTPRequestMethod: "POST"},
			Num: N{event.SourcePort: 52000, event.DestinationPort: 443}},
	},
	"cef.log": {
		{Index: 0, Kind: "cef", Time: "2025-11-20T10:00:00Z", Host: "proxy01", Seq: 1,
			Str: S{event.SourceIP: "10.1.2.3", event.DestinationIP: "203.0.113.66", event.EventAction: "Blocked",
				event.EventOutcome: "failure", event.EventCode: "Malicious Content", event.RuleName: "Malware Detected",
				event.URLFull: "http://update-check.example-cdn.net/dl/agent.exe?id=42", event.URLDomain: "update-check.example-cdn.net",
				event.URLPath: "/dl/agent.exe", event.HTTPRequestMethod: "GET", event.UserName: "jdoe@corp.example",
				event.UserAgentOriginal: "Mozilla/5.0 (Windows NT 10.0; Win64; x64)"},
			Num: N{event.SourcePort: 51620, event.DestinationPort: 80, event.SourceBytes: 512, event.DestinationBytes: 0},
			Names: []string{"pri", "timestamp", "hostname", "cef_version", "device_vendor", "device_product", "device_version",
				"signature_id", "name", "severity", "act", "cat", "request", "requestMethod", "requestClientApplication",
				"src", "spt", "dst", "dpt", "suser", "in", "out", "rt"}},
		{Index: 1, Kind: "cef", Time: "2025-11-20T10:01:00Z", Host: "WS-0137", Seq: 2,
			Str: S{event.EventAction: "Quarantine", event.EventCode: "4000000", event.RuleName: "Eicar_test_file",
				event.FileName: "eicar.com", event.FilePath: `C:\Users\jdoe\Downloads\eicar.com`,
				event.FileHashMD5: "44d88612fea8a8f36de82e1278abb02f", event.Message: "Realtime scan: infected\nsecond line"},
			Raw: R{"cn1Label": "Host ID", "TrendMicroDsTenant": "Primary"}},
		{Index: 2, Kind: "cef", Time: "2025-11-20T10:02:00Z", Host: "fw02", Seq: 3,
			Str: S{event.SourceIP: "10.1.2.3", event.DestinationIP: "198.51.100.77", event.NetworkTransport: "tcp",
				event.EventAction: "Accept", event.EventOutcome: "success", event.EventCode: "Accept",
				event.RuleName: "LAN to Internet", event.NetworkDirection: "outbound", event.Message: `a=b c \ d`},
			Num: N{event.SourcePort: 51515, event.DestinationPort: 443, event.SourceBytes: 1840, event.DestinationBytes: 9320},
			Raw: R{"device_product": "VPN-1 | FireWall-1", "app_name": "CEF", "cef_version": "1"}},
	},
	"asa.log": {
		{Index: 0, Kind: "cisco.asa", Time: "2025-11-20T10:00:00Z", Seq: 1,
			Str: S{event.SourceIP: "10.1.2.3", event.DestinationIP: "198.51.100.77", event.NetworkTransport: "tcp",
				event.EventAction: "built", event.EventOutcome: "success", event.EventCode: "302013",
				event.Message: "Built outbound TCP connection 123456 for outside:198.51.100.77/443 (198.51.100.77/443) to inside:10.1.2.3/51515 (203.0.113.5/51515)"},
			Num:   N{event.SourcePort: 51515, event.DestinationPort: 443},
			Names: []string{"pri", "timestamp", "asa_severity", "asa_id", "message"}},
		{Index: 1, Kind: "cisco.asa", Time: "2025-11-20T10:00:30Z", Seq: 2,
			Str: S{event.SourceIP: "10.1.2.3", event.DestinationIP: "198.51.100.77", event.NetworkTransport: "tcp",
				event.EventAction: "teardown", event.EventOutcome: "success", event.EventCode: "302014",
				event.Message: "Teardown TCP connection 123456 for outside:198.51.100.77/443 to inside:10.1.2.3/51515 duration 0:00:30 bytes 11160 TCP FINs"},
			Num: N{event.SourcePort: 51515, event.DestinationPort: 443, event.EventDuration: 30e9}},
		{Index: 2, Kind: "cisco.asa", Time: "2025-11-20T10:01:00Z", Host: "asa01", Seq: 3,
			Str: S{event.SourceIP: "198.51.100.9", event.DestinationIP: "10.1.5.5", event.NetworkTransport: "udp",
				event.EventAction: "built", event.EventOutcome: "success", event.EventCode: "302015",
				event.Message: "Built inbound UDP connection 123460 for outside:198.51.100.9/53000 (198.51.100.9/53000) to dmz:10.1.5.5/53 (203.0.113.53/53)"},
			Num: N{event.SourcePort: 53000, event.DestinationPort: 53}},
		{Index: 3, Kind: "cisco.asa", Host: "asa01", Seq: 4,
			Str: S{event.SourceIP: "198.51.100.9", event.DestinationIP: "10.1.5.5", event.NetworkTransport: "udp",
				event.EventAction: "teardown", event.EventOutcome: "success", event.EventCode: "302016",
				event.Message: "Teardown UDP connection 123460 for outside:198.51.100.9/53000 to dmz:10.1.5.5/53 duration 0:00:01 bytes 120"},
			Num: N{event.SourcePort: 53000, event.DestinationPort: 53, event.EventDuration: 1e9}},
		{Index: 4, Kind: "cisco.asa", Host: "asa01", Seq: 5,
			Str: S{event.SourceIP: "198.51.100.7", event.DestinationIP: "10.1.2.3", event.NetworkTransport: "tcp",
				event.EventAction: "deny", event.EventOutcome: "failure", event.EventCode: "106023",
				event.RuleName: "outside_access_in",
				event.Message:  `Deny tcp src outside:198.51.100.7/51515 dst inside:10.1.2.3/3389 by access-group "outside_access_in" [0x0, 0x0]`},
			Num: N{event.SourcePort: 51515, event.DestinationPort: 3389}},
		{Index: 5, Kind: "cisco.asa", Host: "asa01", Seq: 6,
			Str: S{event.SourceIP: "10.1.2.3", event.DestinationIP: "198.51.100.77", event.NetworkTransport: "tcp",
				event.EventAction: "permitted", event.EventOutcome: "success", event.EventCode: "106100",
				event.RuleName: "inside_access_out",
				event.Message:  "access-list inside_access_out permitted tcp inside/10.1.2.3(51516) -> outside/198.51.100.77(443) hit-cnt 1 first hit [0x91c26a3, 0x0]"},
			Num: N{event.SourcePort: 51516, event.DestinationPort: 443}},
		{Index: 6, Kind: "cisco.asa", Host: "asa01", Seq: 7,
			Str: S{event.SourceIP: "198.51.100.7", event.DestinationIP: "10.1.2.3", event.NetworkTransport: "tcp",
				event.EventAction: "deny", event.EventOutcome: "failure", event.EventCode: "106001",
				event.Message: "Inbound TCP connection denied from 198.51.100.7/51517 to 10.1.2.3/22 flags SYN  on interface outside"},
			Num: N{event.SourcePort: 51517, event.DestinationPort: 22}},
		{Index: 7, Kind: "cisco.asa", Host: "asa01", Seq: 8,
			Str: S{event.SourceIP: "2001:db8:1::3", event.DestinationIP: "2001:db8::77", event.NetworkTransport: "tcp",
				event.EventAction: "teardown", event.EventOutcome: "success", event.EventCode: "302014",
				event.Message: "Teardown TCP connection 999 for outside:2001:db8::77/443 to inside:2001:db8:1::3/50000 duration 1:02:03 bytes 42 TCP Reset-O"},
			Num: N{event.SourcePort: 50000, event.DestinationPort: 443, event.EventDuration: 3723e9}},
		{Index: 8, Kind: "cisco.asa", Host: "asa01", Seq: 9,
			Str: S{event.SourceIP: "10.1.2.3", event.DestinationIP: "10.1.0.1",
				event.EventAction: "permitted", event.EventOutcome: "success", event.EventCode: "605005",
				event.Message: `Login permitted from 10.1.2.3/51800 to management:10.1.0.1/ssh for user "admin"`},
			Num: N{event.SourcePort: 51800}},
		{Index: 9, Kind: "cisco.asa", Host: "asa01", Seq: 10,
			Str: S{event.SourceIP: "198.51.100.7", event.DestinationIP: "10.1.2.3", event.NetworkTransport: "icmp",
				event.EventAction: "built", event.EventOutcome: "success", event.EventCode: "302020",
				event.Message: "Built inbound ICMP connection for faddr 198.51.100.7/0 gaddr 203.0.113.5/0 laddr 10.1.2.3/0 type 8 code 0"}},
		{Index: 10, Kind: "cisco.asa", Host: "asa01", Seq: 11,
			Str: S{event.SourceIP: "10.1.2.3", event.DestinationIP: "203.0.113.5", event.NetworkTransport: "tcp",
				event.EventAction: "built", event.EventOutcome: "success", event.EventCode: "305011",
				event.Message: "Built dynamic TCP translation from inside:10.1.2.3/51515 to outside:203.0.113.5/51515"},
			Num: N{event.SourcePort: 51515, event.DestinationPort: 51515}},
		{Index: 11, Kind: "cisco.asa", Host: "ftd01", Seq: 12,
			Str: S{event.SourceIP: "10.1.2.3", event.DestinationIP: "198.51.100.77", event.NetworkTransport: "tcp",
				event.EventAction: "Allow", event.EventOutcome: "success", event.EventCode: "430003", event.RuleName: "Allow-Web",
				event.UserAgentOriginal: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)",
				event.NetworkProtocol:   "https", event.URLFull: "https://update-check.example-cdn.net/",
				event.URLDomain: "update-check.example-cdn.net", event.URLPath: "/",
				event.Message: ftdText},
			Num: N{event.SourcePort: 51515, event.DestinationPort: 443, event.SourceBytes: 1840, event.DestinationBytes: 9320,
				event.SourcePackets: 12, event.DestinationPackets: 10, event.EventDuration: 30e9},
			Raw: R{"Prefilter Policy": "Default Prefilter", "Client": "SSL client", "FirstPacketSecond": "2025-11-20T10:01:37Z"}},
	},
}

func TestFixtures(t *testing.T) {
	for name, wants := range fixtures {
		t.Run(name, func(t *testing.T) {
			evs, errs := decodeWith(t, name, Options{Now: now})
			want := 0
			if name == "rfc5424.log" || name == "cef.log" {
				want = 1
			}
			if len(errs) != want {
				t.Fatalf("errors: %v", errs)
			}
			if len(evs) != len(wants) {
				t.Fatalf("%d events, want %d", len(evs), len(wants))
			}
			for _, w := range wants {
				decodetest.Check(t, evs[w.Index], w)
			}
		})
	}
}

func TestCEFHeaderError(t *testing.T) {
	_, errs := decodeWith(t, "cef.log", Options{Now: now})
	want := `testdata/cef.log:4: CEF header cut at field 4 of 7: "CEF:0|Broken|Header|1.0"`
	if len(errs) != 1 || errs[0].Error() != want {
		t.Fatalf("errors %v", errs)
	}
}

func TestMalformed(t *testing.T) {
	evs, errs := decodeWith(t, "malformed.log", Options{Now: now})
	if len(evs) != 2 || evs[0].Seq != 1 || evs[1].Seq != 4 {
		t.Fatalf("events %d", len(evs))
	}
	want := []string{
		`testdata/malformed.log:2: not a syslog line: "this line has no header at all"`,
		`testdata/malformed.log:3: unterminated quoted value in "date=2025-11-20 time=10:00:01 devname=\x22FGT\x22 logid=\x221\x22 type=\x22traf…"`,
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

// TestYear checks the year given to timestamps without one, across New
// Year, whatever the reference time, and zones.
func TestYear(t *testing.T) {
	data := "Dec 30 22:00:00 h a: x\nDec 31 23:59:59 h a: x\nJan  1 00:00:00 h a: x\nDec 31 23:59:58 h a: late\nJan  2 01:00:00 h a: x\n"
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Skip(err)
	}
	cases := []struct {
		now  time.Time
		loc  *time.Location
		want []string
	}{
		{time.Date(2026, 1, 2, 3, 0, 0, 0, time.UTC), nil,
			[]string{"2025-12-30T22:00:00Z", "2025-12-31T23:59:59Z", "2026-01-01T00:00:00Z", "2025-12-31T23:59:58Z", "2026-01-02T01:00:00Z"}},
		{time.Date(2025, 12, 31, 12, 0, 0, 0, time.UTC), nil,
			[]string{"2025-12-30T22:00:00Z", "2025-12-31T23:59:59Z", "2026-01-01T00:00:00Z", "2025-12-31T23:59:58Z", "2026-01-02T01:00:00Z"}},
		{time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC), tokyo,
			[]string{"2025-12-30T13:00:00Z", "2025-12-31T14:59:59Z", "2025-12-31T15:00:00Z", "2025-12-31T14:59:58Z", "2026-01-01T16:00:00Z"}},
	}
	for i, c := range cases {
		evs, errs := decodetest.Decode(t, WithOptions(Options{Now: c.now, Location: c.loc}), []byte(data), "y")
		if len(errs) != 0 || len(evs) != len(c.want) {
			t.Fatalf("case %d: %d events, %v", i, len(evs), errs)
		}
		for k, ev := range evs {
			if got := time.Unix(0, ev.Time).UTC().Format(time.RFC3339); got != c.want[k] {
				t.Errorf("case %d line %d: %s, want %s", i, k+1, got, c.want[k])
			}
		}
	}
}

func TestDetect(t *testing.T) {
	yes := []string{
		"<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8\n",
		"<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 - message\n",
		"Nov 20 10:00:00 host sshd[1]: x\n",
		"2025-11-20T10:00:00.123456+09:00 host kernel: x\n",
		"date=2025-11-20 time=10:00:00 devname=\"x\" logid=\"1\" type=\"traffic\"\n",
		"1,2025/11/20 10:00:00,0123,TRAFFIC,end,1\n",
		"<166>Nov 20 2025 10:00:00: %ASA-6-302013: Built\n",
		"\n\n<13>Nov  2 10:00:00 h a: x\n",
		"CEF:0|Vendor|Product|1.0|100|name|5|src=10.0.0.1\n",
	}
	no := []string{
		"", "#separator \\x09\n", `{"timestamp":"x"}` + "\n",
		"1700000000.123    45 10.0.0.1 TCP_MISS/200 1234 GET http://x/ - DIRECT/1.2.3.4 text/html\n",
		`10.1.2.3 - - [20/Nov/2025:10:00:00 +0000] "GET / HTTP/1.1" 200 1` + "\n",
		"#Software: Microsoft Internet Information Services 10.0\n",
		"<999>Nov 20 10:00:00 h a: x\n",
		"Nov 20 10:00:00\n",
		`{"msg":"x devname=a logid=1 date=2"}` + "\n",
	}
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

func TestEndpoint(t *testing.T) {
	for in, want := range map[string]string{
		"outside:10.0.0.1/443":    "10.0.0.1",
		"10.0.0.1/443":            "10.0.0.1",
		"outside/10.0.0.1(443)":   "10.0.0.1",
		"inside:2001:db8::1/443":  "2001:db8::1",
		"2001:db8::1/443":         "2001:db8::1",
		"face:2001:db8::1/443":    "face:2001:db8::1",
		"abc:10.0.0.1/1":          "10.0.0.1",
		"management:10.1.0.1/ssh": "10.1.0.1",
		"dmz:fe80::1%eth0/53":     "fe80::1%eth0",
	} {
		if got, _ := endpoint(in); got != want {
			t.Errorf("endpoint(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSplitCSV(t *testing.T) {
	got, ok := netfield.SplitCSV(`a,"b,c","d""e",,"f"x,g`, ',', nil)
	want := []string{"a", "b,c", `d"e`, "", "fx", "g"}
	if !ok || strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("%q", got)
	}
	if _, ok := netfield.SplitCSV(`a,"b`, ',', nil); ok {
		t.Error("unterminated quote accepted")
	}
}

func FuzzSyslog(f *testing.F) {
	decodetest.Seeds(f, "*.log")
	f.Add([]byte("<1>1 - - - - - [a b=\"\\\"][c d=\"\"] m\n<9>Feb 29 24:00:00 x\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		decodetest.Drain(t, Format, data)
	})
}

const benchLines = 50_000

// BenchmarkSyslog decodes each fixture's lines repeated, one flavour at a
// time, and all of them mixed.
func BenchmarkSyslog(b *testing.B) {
	files := []string{"messages.log", "fortigate.log", "paloalto.log", "asa.log", "cef.log"}
	read := func(name string) [][]byte {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			b.Fatal(err)
		}
		var lines [][]byte
		for l := range bytes.Lines(data) {
			if len(bytes.TrimSpace(l)) > 0 && !bytes.Contains(l, []byte("Broken")) {
				lines = append(lines, l)
			}
		}
		return lines
	}
	gen := func(lines [][]byte) []byte {
		var buf bytes.Buffer
		for i := range benchLines {
			buf.Write(lines[i%len(lines)])
		}
		return buf.Bytes()
	}
	var all [][]byte
	for _, name := range files {
		lines := read(name)
		all = append(all, lines...)
		b.Run(strings.TrimSuffix(name, ".log"), func(b *testing.B) {
			decodetest.Bench(b, Format, gen(lines), benchLines)
		})
	}
	b.Run("mixed", func(b *testing.B) { decodetest.Bench(b, Format, gen(all), benchLines) })
}
