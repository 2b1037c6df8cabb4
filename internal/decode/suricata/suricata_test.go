package suricata

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/firebreak-ir/firebreak/internal/decode"
	"github.com/firebreak-ir/firebreak/internal/decode/decodetest"
	"github.com/firebreak-ir/firebreak/internal/event"
)

type (
	S = map[event.StrField]string
	N = map[event.IntField]int64
	R = map[string]string
)

var wants = []decodetest.Want{
	{Index: 0, Kind: "suricata.alert", Time: "2025-11-20T10:00:00.123456Z", Host: "sensor-osaka", Seq: 1,
		Str: S{event.SourceIP: "10.1.2.3", event.DestinationIP: "198.51.100.77", event.NetworkTransport: "tcp",
			event.NetworkProtocol: "tls", event.NetworkCommunityID: "1:aS4pOhIfBsTpaSrWXsEzEdsa+Qs=",
			event.RuleName: "ET MALWARE Observed Cobalt Strike SSL Cert", event.EventAction: "allowed",
			event.EventOutcome: "success", event.TLSServerName: "update-check.example-cdn.net", event.TLSVersion: "TLS 1.2",
			event.TLSServerSubject: "CN=update-check.example-cdn.net", event.TLSServerIssuer: "CN=update-check.example-cdn.net"},
		Num: N{event.SourcePort: 51515, event.DestinationPort: 443, event.SourcePackets: 5, event.DestinationPackets: 4,
			event.SourceBytes: 712, event.DestinationBytes: 2950},
		Raw: R{"alert.signature_id": "2027758", "alert.metadata.attack_target": `["Client_Endpoint"]`, "proto": "TCP"},
		Names: []string{"timestamp", "flow_id", "in_iface", "event_type", "src_ip", "src_port", "dest_ip", "dest_port",
			"proto", "direction", "community_id", "alert.action", "alert.gid", "alert.signature_id", "alert.rev",
			"alert.signature", "alert.category", "alert.severity", "alert.metadata.attack_target",
			"alert.metadata.deployment", "tls.subject", "tls.issuerdn", "tls.sni", "tls.version", "app_proto",
			"flow.pkts_toserver", "flow.pkts_toclient", "flow.bytes_toserver", "flow.bytes_toclient", "flow.start", "host"}},
	{Index: 1, Kind: "suricata.flow", Time: "2025-11-20T10:01:00Z", Host: "sensor-osaka", Seq: 2,
		Str: S{event.SourceIP: "10.1.2.3", event.DestinationIP: "198.51.100.77", event.NetworkTransport: "tcp",
			event.NetworkProtocol: "tls"},
		Num: N{event.SourcePort: 51515, event.DestinationPort: 443, event.SourcePackets: 12, event.DestinationPackets: 10,
			event.SourceBytes: 1840, event.DestinationBytes: 9320, event.EventDuration: 30_500_000_000},
		Raw: R{"flow.state": "closed", "flow.alerted": "true", "tcp.syn": "true"}},
	{Index: 2, Kind: "suricata.netflow", Time: "2025-11-20T10:01:01Z", Seq: 3,
		Str: S{event.SourceIP: "198.51.100.77", event.DestinationIP: "10.1.2.3", event.NetworkTransport: "tcp",
			event.NetworkProtocol: "tls"},
		Num: N{event.SourcePort: 443, event.DestinationPort: 51515, event.SourcePackets: 10, event.SourceBytes: 9320,
			event.EventDuration: 30_450_000_000},
		Raw: R{"netflow.min_ttl": "52"}},
	{Index: 3, Kind: "suricata.dns", Time: "2025-11-20T10:02:00.0001Z", Seq: 4,
		Str: S{event.SourceIP: "10.1.2.3", event.DestinationIP: "10.1.0.53", event.NetworkTransport: "udp",
			event.DNSQuestionName: "update-check.example-cdn.net", event.DNSQuestionType: "A", event.EventAction: "query"},
		Num: N{event.SourcePort: 53001, event.DestinationPort: 53},
		Raw: R{"dns.rrname": "Update-Check.example-cdn.net", "dns.id": "17001"}},
	{Index: 4, Kind: "suricata.dns", Time: "2025-11-20T10:02:00.0041Z", Seq: 5,
		Str: S{event.SourceIP: "10.1.0.53", event.DestinationIP: "10.1.2.3", event.NetworkTransport: "udp",
			event.DNSQuestionName: "update-check.example-cdn.net", event.DNSQuestionType: "CNAME", event.EventAction: "answer",
			event.DNSResponseCode: "NOERROR", event.DNSAnswers: "edge.example-cdn.net"},
		Num: N{event.SourcePort: 53, event.DestinationPort: 53001}},
	{Index: 5, Kind: "suricata.dns", Time: "2025-11-20T10:02:00.0041Z", Seq: 6,
		Str: S{event.SourceIP: "10.1.0.53", event.DestinationIP: "10.1.2.3", event.NetworkTransport: "udp",
			event.DNSQuestionName: "edge.example-cdn.net", event.DNSQuestionType: "A", event.EventAction: "answer",
			event.DNSResponseCode: "NOERROR", event.DNSAnswers: "198.51.100.77"},
		Num: N{event.SourcePort: 53, event.DestinationPort: 53001}},
	{Index: 6, Kind: "suricata.dns", Time: "2025-11-20T10:02:05.5Z", Seq: 7,
		Str: S{event.SourceIP: "10.1.0.53", event.DestinationIP: "10.1.2.4", event.NetworkTransport: "udp",
			event.DNSQuestionName: "www.example.org", event.DNSQuestionType: "A", event.EventAction: "answer",
			event.DNSResponseCode: "NOERROR", event.DNSAnswers: "web.example.org,203.0.113.10,203.0.113.11"},
		Num: N{event.SourcePort: 53, event.DestinationPort: 40112},
		Raw: R{"dns.grouped.A": `["203.0.113.10","203.0.113.11"]`, "dns.version": "2"}},
	{Index: 7, Kind: "suricata.dns", Time: "2025-11-20T10:02:06Z", Seq: 8,
		Str: S{event.SourceIP: "10.1.0.53", event.DestinationIP: "10.1.2.5", event.NetworkTransport: "udp",
			event.DNSQuestionName: "nx.example.org", event.DNSQuestionType: "AAAA", event.EventAction: "answer",
			event.DNSResponseCode: "NXDOMAIN"},
		Num: N{event.SourcePort: 53, event.DestinationPort: 40113}},
	{Index: 8, Kind: "suricata.dns", Time: "2025-11-20T10:02:07Z", Seq: 9,
		Str: S{event.SourceIP: "10.1.2.6", event.DestinationIP: "10.1.0.53", event.NetworkTransport: "udp",
			event.DNSQuestionName: "mail.example.net", event.DNSQuestionType: "MX", event.EventAction: "request",
			event.DNSResponseCode: "NOERROR"},
		Num: N{event.SourcePort: 40114, event.DestinationPort: 53}},
	{Index: 9, Kind: "suricata.dns", Time: "2025-11-20T10:02:07.01Z", Seq: 10,
		Str: S{event.SourceIP: "10.1.0.53", event.DestinationIP: "10.1.2.6", event.NetworkTransport: "udp",
			event.DNSQuestionName: "mail.example.net", event.DNSQuestionType: "A", event.EventAction: "response",
			event.DNSResponseCode: "NOERROR", event.DNSAnswers: "192.0.2.25"},
		Num: N{event.SourcePort: 53, event.DestinationPort: 40114}},
	{Index: 10, Kind: "suricata.http", Time: "2025-11-20T10:03:00.25Z", Seq: 11,
		Str: S{event.SourceIP: "10.1.2.3", event.DestinationIP: "203.0.113.66", event.NetworkTransport: "tcp",
			event.URLDomain: "update-check.example-cdn.net", event.URLPath: "/dl/agent.exe",
			event.URLFull:           "http://update-check.example-cdn.net:8080/dl/agent.exe?id=42",
			event.HTTPRequestMethod: "GET", event.UserAgentOriginal: "Mozilla/5.0 (Windows NT 10.0; Win64; x64)",
			event.HTTPRequestReferrer: "http://portal.example.com/", event.FileMIMEType: "application/octet-stream"},
		Num: N{event.SourcePort: 51600, event.DestinationPort: 8080, event.HTTPResponseStatusCode: 200,
			event.HTTPResponseBodyBytes: 482304}},
	{Index: 11, Kind: "suricata.tls", Time: "2025-11-20T10:03:30Z", Seq: 12,
		Str: S{event.SourceIP: "10.1.2.3", event.DestinationIP: "198.51.100.77", event.NetworkTransport: "tcp",
			event.TLSServerName: "update-check.example-cdn.net", event.TLSVersion: "TLS 1.3",
			event.TLSServerSubject: "CN=update-check.example-cdn.net", event.TLSServerIssuer: "C=US, O=Let's Encrypt, CN=R3",
			event.TLSClientJA3: "72a589da586844d7f0818ce684948eea"},
		Num: N{event.SourcePort: 51515, event.DestinationPort: 443},
		Raw: R{"tls.ja3s.hash": "eb1d94daa7e0344597e756a1fb6e7054", "tls.ja3.string": "771,4865-4866,0-23,29-23,0"}},
	{Index: 12, Kind: "suricata.fileinfo", Time: "2025-11-20T10:03:01Z", Seq: 13,
		Str: S{event.SourceIP: "203.0.113.66", event.DestinationIP: "10.1.2.3", event.NetworkTransport: "tcp",
			event.NetworkProtocol: "http", event.URLDomain: "update-check.example-cdn.net", event.URLPath: "/dl/agent.exe",
			event.URLFull: "http://update-check.example-cdn.net/dl/agent.exe?id=42", event.HTTPRequestMethod: "GET",
			event.FileName: "agent.exe", event.FileHashMD5: "0123456789abcdef0123456789abcdef",
			event.FileHashSHA1:   "0123456789abcdef0123456789abcdef01234567",
			event.FileHashSHA256: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"},
		Num: N{event.SourcePort: 8080, event.DestinationPort: 51600, event.HTTPResponseStatusCode: 200, event.FileSize: 482304}},
	{Index: 13, Kind: "suricata.smb", Time: "2025-11-20T10:04:00Z", Seq: 14,
		Str: S{event.SourceIP: "10.1.2.3", event.DestinationIP: "10.1.0.10", event.NetworkTransport: "tcp",
			event.EventAction: "SMB2_COMMAND_CREATE", event.EventOutcome: "success", event.FileName: "payroll.xlsx",
			event.FilePath: `\\FS01\Finance\Q4\payroll.xlsx`},
		Num: N{event.SourcePort: 49700, event.DestinationPort: 445},
		Raw: R{"smb.share": `\\FS01\Finance`}},
	{Index: 14, Kind: "suricata.smb", Time: "2025-11-20T10:04:01Z", Seq: 15,
		Str: S{event.SourceIP: "10.1.2.3", event.DestinationIP: "10.1.0.10", event.NetworkTransport: "tcp",
			event.EventAction: "SMB2_COMMAND_SESSION_SETUP", event.EventOutcome: "failure", event.UserName: "jdoe",
			event.UserDomain: "CORP", event.SourceHostname: "WS-0137"},
		Num: N{event.SourcePort: 49700, event.DestinationPort: 445}},
	{Index: 15, Kind: "suricata.ssh", Time: "2025-11-20T10:05:00Z", Seq: 16,
		Str: S{event.SourceIP: "10.1.2.3", event.DestinationIP: "10.1.0.22", event.NetworkTransport: "tcp",
			event.UserAgentOriginal: "OpenSSH_9.2p1"},
		Num: N{event.SourcePort: 51900, event.DestinationPort: 22},
		Raw: R{"ssh.server.software_version": "OpenSSH_8.9p1"}},
	{Index: 16, Kind: "suricata.anomaly", Time: "2025-11-20T10:06:00Z", Seq: 17,
		Str: S{event.SourceIP: "10.1.2.9", event.DestinationIP: "10.1.0.1", event.NetworkTransport: "udp",
			event.RuleName: "ipv4.trunc_pkt", event.EventAction: "decode"}},
	// line 18 is stats, 19 blank
	{Index: 17, Kind: "suricata.quic", Time: "2025-11-20T10:08:00Z", Seq: 20,
		Str: S{event.SourceIP: "2001:db8::1", event.DestinationIP: "2001:db8::77", event.NetworkTransport: "udp"},
		Num: N{event.SourcePort: 50000, event.DestinationPort: 443},
		Raw: R{"src_ip": "2001:0db8:0000:0000:0000:0000:0000:0001", "quic.sni": "h3.example.com",
			"quic.extensions": `[{"name":"alpn","values":["h3"]}]`},
		Names: []string{"timestamp", "flow_id", "event_type", "src_ip", "src_port", "dest_ip", "dest_port", "proto",
			"quic.version", "quic.sni", "quic.ua", "quic.extensions"}},
	{Index: 18, Kind: "suricata.krb5", Time: "2025-11-20T10:09:00Z", Seq: 21,
		Str: S{event.SourceIP: "10.1.2.3", event.DestinationIP: "10.1.0.5", event.NetworkTransport: "tcp",
			event.NetworkProtocol: "krb5", event.UserName: "jdoe", event.UserDomain: "CORP.EXAMPLE"},
		Num: N{event.SourcePort: 49800, event.DestinationPort: 88},
		Raw: R{"msg": "café \"quoted\" 😀"}},
	{Index: 19, Kind: "suricata.alert", Time: "2025-11-20T10:10:00Z", Seq: 22,
		Str: S{event.SourceIP: "10.1.2.3", event.DestinationIP: "10.1.0.53", event.NetworkTransport: "udp",
			event.NetworkProtocol: "dns", event.RuleName: "ET DNS Query to a *.example-cdn.net Domain",
			event.EventAction: "blocked", event.EventOutcome: "failure", event.DNSQuestionName: "c2.example-cdn.net",
			event.DNSQuestionType: "TXT"},
		Num: N{event.SourcePort: 53002, event.DestinationPort: 53}},
}

func TestEVE(t *testing.T) {
	evs, errs := decodetest.File(t, EVE, "eve.json")
	if len(errs) != 0 {
		t.Fatalf("errors: %v", errs)
	}
	if len(evs) != len(wants) {
		t.Fatalf("%d events, want %d", len(evs), len(wants))
	}
	for _, w := range wants {
		decodetest.Check(t, evs[w.Index], w)
	}
}

func TestMalformed(t *testing.T) {
	evs, errs := decodetest.File(t, EVE, "malformed.json")
	if len(evs) != 2 {
		t.Fatalf("%d events, want 2", len(evs))
	}
	if evs[0].Seq != 1 || evs[1].Seq != 5 {
		t.Errorf("seqs %d %d", evs[0].Seq, evs[1].Seq)
	}
	// An address that is not one is kept in the original fields only.
	if evs[1].Str(event.SourceIP) != "" || evs[1].Str(event.DestinationIP) != "10.1.2.4" {
		t.Errorf("bad address normalised: %q", evs[1].Str(event.SourceIP))
	}
	want := []string{
		"testdata/malformed.json:2: bad EVE JSON: unexpected end of line",
		"testdata/malformed.json:3: no timestamp",
		`testdata/malformed.json:4: bad timestamp "yesterday \x1b[31m"`,
	}
	if len(errs) != len(want) {
		t.Fatalf("errors %v", errs)
	}
	for i, e := range errs {
		if e.Error() != want[i] {
			t.Errorf("error %d: %q, want %q", i, e.Error(), want[i])
		}
	}
}

func TestDetect(t *testing.T) {
	eve := `{"timestamp":"2025-11-20T10:00:00.000000+0000","event_type":"flow","src_ip":"10.0.0.1"}` + "\n"
	cases := []struct {
		head string
		want bool
	}{
		{eve, true},
		{"\xef\xbb\xbf\n\n" + eve, true},
		{`{"ts":1700000000.1,"uid":"C1","id.orig_h":"10.0.0.1"}` + "\n", false},
		{`{"timestamp":"x","msg":"event_type"}` + "\n", false},
		{`{"a":{"timestamp":"x","event_type":"flow"}}` + "\n", false},
		{"#separator \\x09\n", false},
		{"", false},
		{`{"timestamp":"2025-11-20T10:00:00+0000","event_type":"flow","x":"` + strings.Repeat("a", decode.HeadSize), true},
	}
	for i, c := range cases {
		head := c.head
		if len(head) > decode.HeadSize {
			head = head[:decode.HeadSize]
		}
		if got := EVE.Detect([]byte(head)); got != c.want {
			t.Errorf("case %d: %v, want %v", i, got, c.want)
		}
	}
}

// TestFlattenAgainstEncodingJSON checks the flattener's values against
// encoding/json on the fixture lines.
func TestFlattenAgainstEncodingJSON(t *testing.T) {
	evs, _ := decodetest.File(t, EVE, "eve.json")
	lines := bytes.Split(must(t, "eve.json"), []byte("\n"))
	k := 0
	for _, line := range lines {
		if len(bytes.TrimSpace(line)) == 0 || bytes.Contains(line, []byte(`"stats"`)) {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal(line, &m); err != nil {
			t.Fatal(err)
		}
		flat := map[string]string{}
		flatten("", m, flat)
		ev := evs[k]
		k++
		if len(ev.Raw) != len(flat) {
			t.Errorf("line %d: %d fields, encoding/json has %d", ev.Seq, len(ev.Raw), len(flat))
		}
		for _, f := range ev.Raw {
			got := f.Value
			if strings.HasPrefix(got, "[") {
				var a any
				if err := json.Unmarshal([]byte(got), &a); err != nil {
					t.Errorf("line %d: %s: %v", ev.Seq, f.Name, err)
				}
				b, _ := json.Marshal(a)
				got = string(b)
			}
			if want, ok := flat[f.Name]; !ok || want != got {
				t.Errorf("line %d: %s = %q, encoding/json %q", ev.Seq, f.Name, f.Value, want)
			}
		}
	}
}

func flatten(prefix string, v any, out map[string]string) {
	switch x := v.(type) {
	case map[string]any:
		for k, c := range x {
			name := k
			if prefix != "" {
				name = prefix + "." + k
			}
			flatten(name, c, out)
		}
	case nil:
	case string:
		out[prefix] = x
	case float64:
		out[prefix] = strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		out[prefix] = strconv.FormatBool(x)
	default:
		b, _ := json.Marshal(x)
		out[prefix] = string(b)
	}
}

func must(t *testing.T, name string) []byte {
	t.Helper()
	b, err := readTestdata(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
