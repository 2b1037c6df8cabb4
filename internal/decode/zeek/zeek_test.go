package zeek

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/firebreak-ir/firebreak/internal/decode"
	"github.com/firebreak-ir/firebreak/internal/decode/netfield"
	"github.com/firebreak-ir/firebreak/internal/event"
)

// decodeFile decodes a fixture with f and returns its events and the record
// errors met on the way.
func decodeFile(t testing.TB, f decode.Format, name string) ([]*event.Event, []*decode.RecordError) {
	t.Helper()
	path := filepath.Join("testdata", name)
	file, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	dec, err := f.Open(file, path)
	if err != nil {
		t.Fatal(err)
	}
	var evs []*event.Event
	var errs []*decode.RecordError
	for {
		ev := new(event.Event)
		err := dec.Next(ev)
		if err == io.EOF {
			return evs, errs
		}
		if err != nil {
			var re *decode.RecordError
			if !errors.As(err, &re) {
				t.Fatalf("%s: fatal error %v", name, err)
			}
			errs = append(errs, re)
			continue
		}
		evs = append(evs, ev)
	}
}

func formatOf(name string) decode.Format {
	if strings.HasSuffix(name, ".json") {
		return JSON
	}
	return TSV
}

// want is what one decoded event must hold. Normalised fields not listed
// must be unset; original fields not listed are not checked unless names
// is set.
type want struct {
	file   string
	index  int
	kind   string
	time   string // RFC 3339
	host   string
	seq    int64
	str    map[event.StrField]string
	num    map[event.IntField]int64
	raw    map[string]string
	absent []string // original fields that must be left out
	names  []string // the full list of original field names, in order
}

var wants = []want{
	// conn, TSV
	{file: "conn.log", index: 0, kind: "zeek.conn", time: "2024-03-05T10:00:00.123456Z", seq: 9,
		str: map[event.StrField]string{
			event.SourceIP: "10.0.0.5", event.DestinationIP: "93.184.216.34",
			event.NetworkTransport: "tcp", event.NetworkProtocol: "ssl", event.ConnState: "SF",
			event.NetworkCommunityID: "1:LQU9qZlK+B5F3KDmev6m5PMibrg=", event.NetworkDirection: "outbound"},
		num: map[event.IntField]int64{
			event.SourcePort: 49152, event.DestinationPort: 443, event.EventDuration: 12_345_678_000,
			event.SourceBytes: 1234, event.DestinationBytes: 56789, event.SourcePackets: 20, event.DestinationPackets: 45},
		raw: map[string]string{"tunnel_parents": "[]", "local_orig": "T", "duration": "12.345678", "history": "ShADadFf"},
		names: []string{"ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "proto", "service",
			"duration", "orig_bytes", "resp_bytes", "conn_state", "local_orig", "local_resp", "missed_bytes",
			"history", "orig_pkts", "orig_ip_bytes", "resp_pkts", "resp_ip_bytes", "tunnel_parents", "ip_proto",
			"community_id"}},
	{file: "conn.log", index: 1, kind: "zeek.conn", time: "2024-03-05T10:00:01.000001Z", seq: 10,
		str: map[event.StrField]string{
			event.SourceIP: "10.0.0.6", event.DestinationIP: "10.0.0.1", event.NetworkTransport: "udp",
			event.NetworkProtocol: "dns", event.ConnState: "SF", event.NetworkDirection: "internal"},
		num: map[event.IntField]int64{
			event.SourcePort: 53001, event.DestinationPort: 53, event.EventDuration: 310_000,
			event.SourceBytes: 40, event.DestinationBytes: 56, event.SourcePackets: 1, event.DestinationPackets: 1},
		absent: []string{"tunnel_parents", "community_id"}},
	{file: "conn.log", index: 2, kind: "zeek.conn", time: "2024-03-05T10:00:02.5Z", seq: 11,
		str: map[event.StrField]string{
			event.SourceIP: "fe80::1", event.DestinationIP: "ff02::1", event.NetworkTransport: "icmp",
			event.ConnState: "OTH", event.NetworkDirection: "external"},
		num: map[event.IntField]int64{
			event.SourcePort: 0, event.DestinationPort: 0, event.SourcePackets: 1, event.DestinationPackets: 0},
		absent: []string{"service", "duration", "orig_bytes", "resp_bytes", "history"}},
	{file: "conn.log", index: 3, kind: "zeek.conn", time: "2024-03-05T10:00:03Z", seq: 12,
		str: map[event.StrField]string{
			event.SourceIP: "198.51.100.7", event.DestinationIP: "10.0.0.8", event.NetworkTransport: "tcp",
			event.ConnState: "S0", event.NetworkDirection: "inbound"},
		num: map[event.IntField]int64{
			event.SourcePort: 51515, event.DestinationPort: 3389, event.EventDuration: 0,
			event.SourceBytes: 0, event.DestinationBytes: 0, event.SourcePackets: 1, event.DestinationPackets: 0},
		raw: map[string]string{"tunnel_parents": `["CXWv6p3arKYeMETxOg"]`}},

	// dns, TSV
	{file: "dns.log", index: 0, kind: "zeek.dns", time: "2024-03-05T10:00:01.0001Z", seq: 9,
		str: map[event.StrField]string{
			event.SourceIP: "10.0.0.6", event.DestinationIP: "10.0.0.1", event.NetworkTransport: "udp",
			event.DNSQuestionName: "www.example.com", event.DNSQuestionType: "A", event.DNSResponseCode: "NOERROR",
			event.DNSAnswers: "www.example.com.edgekey.net,93.184.216.34"},
		num: map[event.IntField]int64{event.SourcePort: 53001, event.DestinationPort: 53},
		raw: map[string]string{"query": "www.Example.com", "answers": `["www.example.com.edgekey.net","93.184.216.34"]`,
			"TTLs": "[60.000000,300.000000]", "rtt": "0.000310", "AA": "F"}},
	{file: "dns.log", index: 1, kind: "zeek.dns", seq: 10,
		str: map[event.StrField]string{
			event.SourceIP: "10.0.0.6", event.DestinationIP: "10.0.0.1", event.NetworkTransport: "udp",
			event.DNSQuestionName: "iuqerfsodp9ifjaposdfjhgosurijfaewrwergwea.com", event.DNSQuestionType: "A",
			event.DNSResponseCode: "NXDOMAIN"},
		num:    map[event.IntField]int64{event.SourcePort: 53002, event.DestinationPort: 53},
		absent: []string{"rtt", "answers", "TTLs"}},
	{file: "dns.log", index: 2, kind: "zeek.dns", seq: 11,
		str: map[event.StrField]string{
			event.SourceIP: "10.0.0.7", event.DestinationIP: "10.0.0.1", event.NetworkTransport: "udp",
			event.DNSQuestionName: "_ldap._tcp.dc._msdcs.corp.example", event.DNSQuestionType: "SRV",
			event.DNSResponseCode: "NOERROR"},
		num: map[event.IntField]int64{event.SourcePort: 53003, event.DestinationPort: 53},
		raw: map[string]string{"answers": "[]", "TTLs": "[]"}},

	// http, TSV
	{file: "http.log", index: 0, kind: "zeek.http", seq: 9,
		str: map[event.StrField]string{
			event.SourceIP: "10.0.0.5", event.DestinationIP: "203.0.113.10", event.HTTPRequestMethod: "GET",
			event.URLDomain: "update.example.net", event.URLPath: "/dl/payload.exe?id=1",
			event.URLFull:             "http://update.example.net/dl/payload.exe?id=1",
			event.HTTPRequestReferrer: "http://portal.example.net/",
			event.UserAgentOriginal:   "Mozilla/5.0 (Windows NT 10.0; Win64; x64)",
			event.FileMIMEType:        "application/x-dosexec", event.FileName: "payload.exe"},
		num: map[event.IntField]int64{event.SourcePort: 49200, event.DestinationPort: 80,
			event.HTTPResponseStatusCode: 200, event.HTTPRequestBodyBytes: 0, event.HTTPResponseBodyBytes: 73802},
		raw:    map[string]string{"tags": "[]", "resp_fuids": `["FHzQ1W2A2e9W3P7lk4"]`},
		absent: []string{"origin", "info_code", "username", "password", "proxied", "orig_fuids"}},
	{file: "http.log", index: 1, kind: "zeek.http", seq: 10,
		str: map[event.StrField]string{
			event.SourceIP: "10.0.0.9", event.DestinationIP: "198.51.100.20", event.HTTPRequestMethod: "POST",
			event.URLPath: "/gate.php", event.URLFull: "http://198.51.100.20:8080/gate.php", event.UserName: "admin"},
		num: map[event.IntField]int64{event.SourcePort: 49201, event.DestinationPort: 8080,
			event.HTTPResponseStatusCode: 404, event.HTTPRequestBodyBytes: 512, event.HTTPResponseBodyBytes: 0},
		raw:    map[string]string{"orig_fuids": `["F1"]`, "orig_mime_types": `["text/plain"]`, "status_msg": "Not Found"},
		absent: []string{"host", "user_agent"}},
	{file: "http.log", index: 2, kind: "zeek.http", seq: 11,
		str: map[event.StrField]string{
			event.SourceIP: "10.0.0.9", event.DestinationIP: "198.51.100.21", event.HTTPRequestMethod: "CONNECT",
			event.URLPath: "evil.example:443", event.UserAgentOriginal: "curl/8.5.0"},
		num: map[event.IntField]int64{event.SourcePort: 49202, event.DestinationPort: 3128,
			event.HTTPResponseStatusCode: 200, event.HTTPRequestBodyBytes: 0, event.HTTPResponseBodyBytes: 0}},

	// ssl, TSV
	{file: "ssl.log", index: 0, kind: "zeek.ssl", seq: 9,
		str: map[event.StrField]string{
			event.SourceIP: "10.0.0.5", event.DestinationIP: "93.184.216.34", event.TLSServerName: "www.example.com",
			event.TLSVersion: "TLSv13", event.TLSClientJA3: "771a3b2d0b1f3a4c5d6e7f8091a2b3c4"},
		num: map[event.IntField]int64{event.SourcePort: 49152, event.DestinationPort: 443},
		raw: map[string]string{"server_name": "WWW.Example.com", "cert_chain_fps": "[]", "ja3s": "15af977ce25de452b96affa2addb1036"}},
	{file: "ssl.log", index: 1, kind: "zeek.ssl", seq: 10,
		str: map[event.StrField]string{
			event.SourceIP: "10.0.0.8", event.DestinationIP: "192.0.2.66", event.TLSVersion: "TLSv12"},
		num: map[event.IntField]int64{event.SourcePort: 50000, event.DestinationPort: 8443},
		raw: map[string]string{"cert_chain_fps": `["7a3f2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a",` +
			`"1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90a"]`},
		absent: []string{"server_name", "ja3"}},

	// x509, TSV
	{file: "x509.log", index: 0, kind: "zeek.x509", seq: 9,
		str: map[event.StrField]string{
			event.TLSServerSubject: "CN=mail.example.org,O=Example Ltd,C=JP",
			event.TLSServerIssuer:  "CN=Example Issuing CA,O=Example Ltd,C=JP"},
		raw: map[string]string{"san.dns": `["mail.example.org","webmail.example.org"]`, "san.ip": `["192.0.2.66"]`,
			"certificate.key_length": "2048", "certificate.not_valid_before": "1704067200.000000"},
		absent: []string{"certificate.curve", "san.uri", "basic_constraints.path_len"}},

	// files, TSV (Zeek 6 layout with uid and id)
	{file: "files.log", index: 0, kind: "zeek.files", seq: 9,
		str: map[event.StrField]string{
			event.SourceIP: "10.0.0.5", event.DestinationIP: "203.0.113.10", event.NetworkProtocol: "http",
			event.FileMIMEType: "application/x-dosexec", event.FileName: "payload.exe",
			event.FileHashMD5:    "d41d8cd98f00b204e9800998ecf8427e",
			event.FileHashSHA1:   "da39a3ee5e6b4b0d3255bfef95601890afd80709",
			event.FileHashSHA256: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		num: map[event.IntField]int64{event.SourcePort: 49200, event.DestinationPort: 80,
			event.FileSize: 73802, event.EventDuration: 12_000_000},
		raw: map[string]string{"analyzers": `["MD5","SHA1","SHA256","PE"]`, "md5": "D41D8CD98F00B204E9800998ECF8427E"}},
	{file: "files.log", index: 1, kind: "zeek.files", seq: 10,
		str: map[event.StrField]string{
			event.SourceIP: "10.0.0.5", event.DestinationIP: "10.0.0.20", event.NetworkProtocol: "smb",
			event.FileMIMEType: "application/x-dosexec", event.FileName: `\\FS01\ADMIN$\PSEXESVC.exe`,
			event.FileHashMD5: "5d41402abc4b2a76b9719d911017c592"},
		num: map[event.IntField]int64{event.SourcePort: 49300, event.DestinationPort: 445,
			event.FileSize: 4096, event.EventDuration: 1_000_000},
		absent: []string{"total_bytes", "sha1"}},

	// smb_files, smb_mapping, dce_rpc, TSV
	{file: "smb_files.log", index: 0, kind: "zeek.smb_files", seq: 9,
		str: map[event.StrField]string{
			event.SourceIP: "10.0.0.5", event.DestinationIP: "10.0.0.20",
			event.FilePath: `\\FS01\ADMIN$\PSEXESVC.exe`, event.FileName: "PSEXESVC.exe", event.EventAction: "SMB::FILE_OPEN"},
		num: map[event.IntField]int64{event.SourcePort: 49300, event.DestinationPort: 445, event.FileSize: 4096},
		raw: map[string]string{"path": `\\FS01\ADMIN$`}},
	{file: "smb_files.log", index: 1, kind: "zeek.smb_files", seq: 10,
		str: map[event.StrField]string{
			event.SourceIP: "10.0.0.5", event.DestinationIP: "10.0.0.20",
			event.FilePath: `\\FS01\C$\Windows\Temp\evil.dll`, event.FileName: "evil.dll", event.EventAction: "SMB::FILE_WRITE"},
		num:    map[event.IntField]int64{event.SourcePort: 49300, event.DestinationPort: 445, event.FileSize: 0},
		absent: []string{"fuid", "prev_name", "times.modified"}},
	{file: "smb_mapping.log", index: 0, kind: "zeek.smb_mapping", seq: 9,
		str: map[event.StrField]string{
			event.SourceIP: "10.0.0.5", event.DestinationIP: "10.0.0.20", event.FilePath: `\\FS01\ADMIN$`},
		num: map[event.IntField]int64{event.SourcePort: 49300, event.DestinationPort: 445},
		raw: map[string]string{"share_type": "DISK"}},
	{file: "dce_rpc.log", index: 0, kind: "zeek.dce_rpc", seq: 9,
		str: map[event.StrField]string{
			event.SourceIP: "10.0.0.5", event.DestinationIP: "10.0.0.20", event.EventAction: "NetrJobAdd"},
		num: map[event.IntField]int64{event.SourcePort: 49400, event.DestinationPort: 445},
		raw: map[string]string{"named_pipe": `\pipe\atsvc`, "endpoint": "atsvc", "rtt": "0.000512"}},
	{file: "dce_rpc.log", index: 1, kind: "zeek.dce_rpc", seq: 10,
		str: map[event.StrField]string{
			event.SourceIP: "10.0.0.5", event.DestinationIP: "10.0.0.20", event.EventAction: "epmapper"},
		num:    map[event.IntField]int64{event.SourcePort: 49401, event.DestinationPort: 135},
		absent: []string{"rtt", "operation"}},

	// ntlm, kerberos, rdp, TSV
	{file: "ntlm.log", index: 0, kind: "zeek.ntlm", seq: 9,
		str: map[event.StrField]string{
			event.SourceIP: "10.0.0.5", event.DestinationIP: "10.0.0.20", event.UserName: "administrator",
			event.UserDomain: "CORP", event.SourceHostname: "WS-0042", event.EventOutcome: "success"},
		num: map[event.IntField]int64{event.SourcePort: 49500, event.DestinationPort: 445}},
	{file: "ntlm.log", index: 1, kind: "zeek.ntlm", seq: 10,
		str: map[event.StrField]string{
			event.SourceIP: "10.0.0.66", event.DestinationIP: "10.0.0.20", event.UserName: "guest",
			event.UserDomain: "WORKGROUP", event.SourceHostname: "KALI", event.EventOutcome: "failure"},
		num: map[event.IntField]int64{event.SourcePort: 49501, event.DestinationPort: 445}},
	{file: "kerberos.log", index: 0, kind: "zeek.kerberos", seq: 9,
		str: map[event.StrField]string{
			event.SourceIP: "10.0.0.5", event.DestinationIP: "10.0.0.10", event.UserName: "jdoe",
			event.UserDomain: "CORP.EXAMPLE", event.EventAction: "AS", event.EventOutcome: "success"},
		num: map[event.IntField]int64{event.SourcePort: 49600, event.DestinationPort: 88},
		raw: map[string]string{"service": "krbtgt/CORP.EXAMPLE", "till": "2136422885.000000"}},
	{file: "kerberos.log", index: 1, kind: "zeek.kerberos", seq: 10,
		str: map[event.StrField]string{
			event.SourceIP: "10.0.0.66", event.DestinationIP: "10.0.0.10", event.UserName: "svc_sql",
			event.UserDomain: "CORP.EXAMPLE", event.EventAction: "TGS", event.EventOutcome: "failure"},
		num: map[event.IntField]int64{event.SourcePort: 49601, event.DestinationPort: 88},
		raw: map[string]string{"error_msg": "KDC_ERR_S_PRINCIPAL_UNKNOWN", "cipher": "rc4-hmac"}},
	{file: "rdp.log", index: 0, kind: "zeek.rdp", seq: 9,
		str: map[event.StrField]string{
			event.SourceIP: "198.51.100.7", event.DestinationIP: "10.0.0.8", event.UserName: "admin",
			event.EventOutcome: "success", event.SourceHostname: "MSTSC-PC"},
		num: map[event.IntField]int64{event.SourcePort: 51515, event.DestinationPort: 3389},
		raw: map[string]string{"client_channels": `["rdpdr","rdpsnd","cliprdr"]`, "keyboard_layout": "English - United States"}},
	{file: "rdp.log", index: 1, kind: "zeek.rdp", seq: 10,
		str: map[event.StrField]string{
			event.SourceIP: "198.51.100.7", event.DestinationIP: "10.0.0.8", event.UserName: "test"},
		num: map[event.IntField]int64{event.SourcePort: 51516, event.DestinationPort: 3389},
		raw: map[string]string{"client_channels": "[]", "result": "encrypted", "cert_count": "0"}},

	// dhcp, notice, weird, software, TSV
	{file: "dhcp.log", index: 0, kind: "zeek.dhcp", seq: 9,
		str: map[event.StrField]string{
			event.SourceIP: "10.0.0.42", event.DestinationIP: "10.0.0.1", event.SourceMAC: "00:0c:29:ab:cd:ef",
			event.SourceHostname: "WS-0042"},
		num: map[event.IntField]int64{event.EventDuration: 512_345_000},
		raw: map[string]string{"uids": `["Cdhcpdhcpdhcpdhc1","Cdhcpdhcpdhcpdhc2"]`,
			"msg_types": `["DISCOVER","OFFER","REQUEST","ACK"]`, "lease_time": "86400.000000", "mac": "00:0C:29:AB:CD:EF"},
		absent: []string{"client_addr", "requested_addr"}},
	{file: "notice.log", index: 0, kind: "zeek.notice", seq: 9,
		str: map[event.StrField]string{
			event.SourceIP: "198.51.100.7", event.DestinationIP: "10.0.0.8", event.RuleName: "Scan::Port_Scan",
			event.Message: "198.51.100.7 scanned at least 15 unique ports of host 10.0.0.8 in 0m2s"},
		raw:   map[string]string{"actions": `["Notice::ACTION_LOG"]`, "email_dest": "[]", "suppress_for": "3600.000000"},
		names: []string{"ts", "note", "msg", "sub", "src", "dst", "actions", "email_dest", "suppress_for"}},
	{file: "weird.log", index: 0, kind: "zeek.weird", seq: 9,
		str: map[event.StrField]string{
			event.SourceIP: "10.0.0.5", event.DestinationIP: "203.0.113.10", event.RuleName: "bad_HTTP_request"},
		num:    map[event.IntField]int64{event.SourcePort: 49700, event.DestinationPort: 80},
		absent: []string{"addl"}},
	{file: "software.log", index: 0, kind: "zeek.software", seq: 9,
		str: map[event.StrField]string{
			event.SourceIP: "10.0.0.5", event.ServiceName: "Firefox",
			event.Message:           "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:123.0) Gecko/20100101 Firefox/123.0",
			event.UserAgentOriginal: "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:123.0) Gecko/20100101 Firefox/123.0"},
		raw: map[string]string{"software_type": "HTTP::BROWSER", "version.major": "123"}},
	{file: "software.log", index: 1, kind: "zeek.software", seq: 10,
		str: map[event.StrField]string{
			event.SourceIP: "203.0.113.10", event.ServiceName: "nginx", event.Message: "nginx/1.24.0"},
		num: map[event.IntField]int64{event.SourcePort: 80}},

	// escapes, TSV
	{file: "escapes.log", index: 0, kind: "zeek.http", seq: 9,
		str: map[event.StrField]string{
			event.SourceIP: "10.0.0.5", event.DestinationIP: "203.0.113.10", event.HTTPRequestMethod: "GET",
			event.URLDomain: "example.com", event.URLPath: "/a\tb\\c", event.URLFull: "http://example.com/a\tb\\c",
			event.UserAgentOriginal: "UA\twith tab \"q\"", event.UserName: "-",
			event.FileMIMEType: "text/plain", event.FileName: `bad\xffname.txt`},
		num: map[event.IntField]int64{event.SourcePort: 50001, event.DestinationPort: 80, event.HTTPResponseStatusCode: 200},
		raw: map[string]string{"uri": "/a\tb\\c", "username": "-", "tags": "[]",
			"resp_mime_types": `["text/plain","text/x,y"]`, "resp_filenames": `["bad\\xffname.txt",""]`}},
	{file: "escapes.log", index: 1, kind: "zeek.http", seq: 10,
		str: map[event.StrField]string{
			event.SourceIP: "10.0.0.5", event.DestinationIP: "203.0.113.10", event.HTTPRequestMethod: "GET",
			event.UserName: "(empty)"},
		num: map[event.IntField]int64{event.SourcePort: 50002, event.DestinationPort: 80},
		raw: map[string]string{"uri": "", "username": "(empty)", "resp_mime_types": "[]"},
		names: []string{"ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "method", "uri",
			"username", "resp_mime_types"}},

	// several header blocks, TSV
	{file: "multi.log", index: 0, kind: "zeek.conn", seq: 9,
		str: map[event.StrField]string{event.SourceIP: "10.0.0.1", event.DestinationIP: "10.0.0.2",
			event.NetworkTransport: "tcp", event.ConnState: "S0"},
		num: map[event.IntField]int64{event.SourcePort: 1000, event.DestinationPort: 445}},
	{file: "multi.log", index: 1, kind: "zeek.conn", seq: 12,
		str: map[event.StrField]string{event.SourceIP: "10.0.0.1", event.DestinationIP: "10.0.0.2",
			event.NetworkTransport: "tcp", event.ConnState: "REJ"},
		num: map[event.IntField]int64{event.SourcePort: 1001, event.DestinationPort: 139, event.EventDuration: 2_500_000_000},
		raw: map[string]string{"duration": "2.500000"}},
	{file: "multi.log", index: 2, kind: "zeek.dns", time: "2024-03-05T10:03:22Z", seq: 22,
		str: map[event.StrField]string{event.SourceIP: "10.0.0.1", event.DestinationIP: "10.0.0.53",
			event.NetworkTransport: "udp", event.DNSQuestionName: "a|b.example", event.DNSQuestionType: "A",
			event.DNSAnswers: "192.0.2.1,192.0.2.2"},
		num: map[event.IntField]int64{event.SourcePort: 1002, event.DestinationPort: 53},
		raw: map[string]string{"answers": `["192.0.2.1","192.0.2.2"]`, "TTLs": "[10.000000,20.000000]"}},
	{file: "multi.log", index: 3, kind: "zeek.dns", seq: 23,
		str: map[event.StrField]string{event.SourceIP: "10.0.0.1", event.DestinationIP: "10.0.0.53",
			event.NetworkTransport: "udp"},
		num:    map[event.IntField]int64{event.SourcePort: 1003, event.DestinationPort: 53},
		raw:    map[string]string{"query": "", "answers": "[]", "TTLs": "[]"},
		absent: []string{"qtype_name"}},
	{file: "multi.log", index: 4, kind: "zeek.files", seq: 28,
		str: map[event.StrField]string{event.SourceIP: "10.0.0.1", event.DestinationIP: "10.0.0.2",
			event.NetworkProtocol: "http", event.FileMIMEType: "text/html",
			event.FileHashMD5: "0123456789abcdef0123456789abcdef"},
		num: map[event.IntField]int64{event.SourcePort: 1004, event.DestinationPort: 80, event.FileSize: 100}},

	// JSON, written by LogAscii::use_json: no _path, the log is inferred
	{file: "conn.json", index: 0, kind: "zeek.conn", time: "2024-03-05T10:00:00.123456Z", seq: 1,
		str: map[event.StrField]string{
			event.SourceIP: "10.0.0.5", event.DestinationIP: "93.184.216.34",
			event.NetworkTransport: "tcp", event.NetworkProtocol: "ssl", event.ConnState: "SF",
			event.NetworkCommunityID: "1:LQU9qZlK+B5F3KDmev6m5PMibrg=", event.NetworkDirection: "outbound"},
		num: map[event.IntField]int64{
			event.SourcePort: 49152, event.DestinationPort: 443, event.EventDuration: 12_345_678_000,
			event.SourceBytes: 1234, event.DestinationBytes: 56789, event.SourcePackets: 20, event.DestinationPackets: 45},
		raw: map[string]string{"ts": "1709632800.123456", "local_orig": "true", "duration": "12.345678"},
		names: []string{"ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "proto", "service",
			"duration", "orig_bytes", "resp_bytes", "conn_state", "local_orig", "local_resp", "missed_bytes",
			"history", "orig_pkts", "orig_ip_bytes", "resp_pkts", "resp_ip_bytes", "ip_proto", "community_id"}},
	{file: "conn.json", index: 1, kind: "zeek.conn", time: "2024-03-05T10:00:02.5Z", seq: 2,
		str: map[event.StrField]string{
			event.SourceIP: "fe80::1", event.DestinationIP: "ff02::1", event.NetworkTransport: "icmp",
			event.ConnState: "OTH", event.NetworkDirection: "external"},
		num: map[event.IntField]int64{event.SourcePort: 0, event.DestinationPort: 0,
			event.SourcePackets: 1, event.DestinationPackets: 0},
		raw: map[string]string{"id.orig_h": "fe80:0:0:0:0:0:0:1"}},
	{file: "conn.json", index: 2, kind: "zeek.conn", time: "2024-03-05T10:00:03Z", seq: 3,
		str: map[event.StrField]string{
			event.SourceIP: "198.51.100.7", event.DestinationIP: "10.0.0.8", event.NetworkTransport: "tcp",
			event.ConnState: "S0", event.NetworkDirection: "inbound"},
		num: map[event.IntField]int64{event.SourcePort: 51515, event.DestinationPort: 3389, event.EventDuration: 1000,
			event.SourceBytes: 0, event.DestinationBytes: 0, event.SourcePackets: 1, event.DestinationPackets: 0},
		raw: map[string]string{"duration": "1e-06", "tunnel_parents": `["CXWv6p3arKYeMETxOg"]`}},

	// JSON streaming with _path, _system_name, ISO 8601 times
	{file: "stream.json", index: 0, kind: "zeek.dns", time: "2024-03-05T10:00:01.0001Z", host: "sensor-01", seq: 1,
		str: map[event.StrField]string{
			event.SourceIP: "10.0.0.6", event.DestinationIP: "10.0.0.1", event.NetworkTransport: "udp",
			event.DNSQuestionName: "www.example.com", event.DNSQuestionType: "A", event.DNSResponseCode: "NOERROR",
			event.DNSAnswers: "www.example.com.edgekey.net,93.184.216.34"},
		num: map[event.IntField]int64{event.SourcePort: 53001, event.DestinationPort: 53},
		raw: map[string]string{"_path": "dns", "ts": "2024-03-05T10:00:01.000100Z", "TTLs": "[60.0,300.0]",
			"answers": `["www.example.com.edgekey.net","93.184.216.34"]`, "rtt": "0.00031"}},
	{file: "stream.json", index: 1, kind: "zeek.http", time: "2024-03-05T10:00:04.1Z", host: "sensor-01", seq: 3,
		str: map[event.StrField]string{
			event.SourceIP: "10.0.0.5", event.DestinationIP: "203.0.113.10", event.HTTPRequestMethod: "GET",
			event.URLDomain: "update.example.net", event.URLPath: `/dl/payload.exe?id=1&x="y"`,
			event.URLFull:             `http://Update.Example.net:8080/dl/payload.exe?id=1&x="y"`,
			event.HTTPRequestReferrer: "http://portal.example.net/",
			event.UserAgentOriginal:   "Mozilla/5.0 \"quoted\" café 😀\\x",
			event.FileMIMEType:        "application/x-dosexec", event.FileName: "payload.exe"},
		num: map[event.IntField]int64{event.SourcePort: 49200, event.DestinationPort: 8080,
			event.HTTPResponseStatusCode: 200, event.HTTPRequestBodyBytes: 0, event.HTTPResponseBodyBytes: 73802},
		raw: map[string]string{"tags": "[]", "host": "Update.Example.net:8080"}},
	{file: "stream.json", index: 2, kind: "zeek.ssl", host: "sensor-02", seq: 4,
		str: map[event.StrField]string{
			event.SourceIP: "10.0.0.8", event.DestinationIP: "192.0.2.66", event.TLSServerName: "mail.example.org",
			event.TLSVersion: "TLSv12", event.TLSClientJA3: "771a3b2d0b1f3a4c5d6e7f8091a2b3c4",
			event.TLSServerSubject: "CN=mail.example.org,O=Example Ltd,C=JP",
			event.TLSServerIssuer:  "CN=Example Issuing CA,O=Example Ltd,C=JP"},
		num: map[event.IntField]int64{event.SourcePort: 50000, event.DestinationPort: 8443}},
	{file: "stream.json", index: 3, kind: "zeek.files", host: "sensor-01", seq: 5,
		str: map[event.StrField]string{
			event.SourceIP: "203.0.113.10", event.DestinationIP: "10.0.0.5", event.NetworkProtocol: "http",
			event.FileMIMEType: "application/x-dosexec", event.FileName: "payload.exe",
			event.FileHashMD5:    "d41d8cd98f00b204e9800998ecf8427e",
			event.FileHashSHA1:   "da39a3ee5e6b4b0d3255bfef95601890afd80709",
			event.FileHashSHA256: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		num: map[event.IntField]int64{event.FileSize: 73802, event.EventDuration: 12_000_000},
		raw: map[string]string{"tx_hosts": `["203.0.113.10"]`, "analyzers": `["MD5","SHA1","SHA256","PE"]`}},
	{file: "stream.json", index: 4, kind: "zeek.notice", host: "sensor-01", seq: 6,
		str: map[event.StrField]string{
			event.SourceIP: "198.51.100.7", event.DestinationIP: "10.0.0.8", event.NetworkTransport: "tcp",
			event.RuleName: "Scan::Port_Scan",
			event.Message:  "198.51.100.7 scanned at least 15 unique ports of host 10.0.0.8 in 0m2s"}},
	{file: "stream.json", index: 5, kind: "zeek.conn_long", time: "2024-03-05T10:00:00Z", host: "sensor-01", seq: 7,
		str: map[event.StrField]string{event.SourceIP: "10.0.0.5", event.DestinationIP: "203.0.113.99"},
		num: map[event.IntField]int64{event.SourcePort: 40000, event.DestinationPort: 22},
		raw: map[string]string{"proto": "tcp", "duration": "600.0"}},

	// JSON without _path, one line of each standard log
	{file: "infer.json", index: 0, kind: "zeek.dns", seq: 1,
		str: map[event.StrField]string{event.SourceIP: "10.0.0.6", event.DestinationIP: "10.0.0.1",
			event.NetworkTransport: "udp", event.DNSQuestionName: "iuqerfsodp9ifjaposdfjhgosurijfaewrwergwea.com",
			event.DNSQuestionType: "A", event.DNSResponseCode: "NXDOMAIN"},
		num: map[event.IntField]int64{event.SourcePort: 53001, event.DestinationPort: 53}},
	{file: "infer.json", index: 1, kind: "zeek.http", seq: 2,
		str: map[event.StrField]string{event.SourceIP: "10.0.0.9", event.DestinationIP: "198.51.100.20",
			event.HTTPRequestMethod: "POST", event.URLPath: "/gate.php", event.URLFull: "http://198.51.100.20/gate.php"},
		num: map[event.IntField]int64{event.SourcePort: 49201, event.DestinationPort: 80,
			event.HTTPResponseStatusCode: 404, event.HTTPRequestBodyBytes: 512, event.HTTPResponseBodyBytes: 0}},
	{file: "infer.json", index: 2, kind: "zeek.ssl", seq: 3,
		str: map[event.StrField]string{event.SourceIP: "10.0.0.5", event.DestinationIP: "93.184.216.34",
			event.TLSServerName: "www.example.com", event.TLSVersion: "TLSv13",
			event.TLSClientJA3: "771a3b2d0b1f3a4c5d6e7f8091a2b3c4"},
		num: map[event.IntField]int64{event.SourcePort: 49152, event.DestinationPort: 443}},
	{file: "infer.json", index: 3, kind: "zeek.x509", seq: 4,
		str: map[event.StrField]string{
			event.TLSServerSubject: "CN=mail.example.org,O=Example Ltd,C=JP",
			event.TLSServerIssuer:  "CN=Example Issuing CA,O=Example Ltd,C=JP"},
		raw: map[string]string{"san.dns": `["mail.example.org","webmail.example.org"]`, "basic_constraints.ca": "false"}},
	{file: "infer.json", index: 4, kind: "zeek.files", seq: 5,
		str: map[event.StrField]string{event.SourceIP: "10.0.0.5", event.DestinationIP: "10.0.0.20",
			event.NetworkProtocol: "smb", event.FileMIMEType: "application/x-dosexec",
			event.FileName: `\\FS01\ADMIN$\PSEXESVC.exe`, event.FileHashMD5: "5d41402abc4b2a76b9719d911017c592"},
		num: map[event.IntField]int64{event.SourcePort: 49300, event.DestinationPort: 445, event.FileSize: 4096,
			event.EventDuration: 1_000_000}},
	{file: "infer.json", index: 5, kind: "zeek.smb_files", seq: 6,
		str: map[event.StrField]string{event.SourceIP: "10.0.0.5", event.DestinationIP: "10.0.0.20",
			event.FilePath: `\\FS01\ADMIN$\PSEXESVC.exe`, event.FileName: "PSEXESVC.exe", event.EventAction: "SMB::FILE_OPEN"},
		num: map[event.IntField]int64{event.SourcePort: 49300, event.DestinationPort: 445, event.FileSize: 4096}},
	{file: "infer.json", index: 6, kind: "zeek.smb_mapping", seq: 7,
		str: map[event.StrField]string{event.SourceIP: "10.0.0.5", event.DestinationIP: "10.0.0.20",
			event.FilePath: `\\FS01\IPC$`},
		num: map[event.IntField]int64{event.SourcePort: 49300, event.DestinationPort: 445}},
	{file: "infer.json", index: 7, kind: "zeek.dce_rpc", seq: 8,
		str: map[event.StrField]string{event.SourceIP: "10.0.0.5", event.DestinationIP: "10.0.0.20",
			event.EventAction: "NetrJobAdd"},
		num: map[event.IntField]int64{event.SourcePort: 49400, event.DestinationPort: 445},
		raw: map[string]string{"named_pipe": `\pipe\atsvc`}},
	{file: "infer.json", index: 8, kind: "zeek.ntlm", seq: 9,
		str: map[event.StrField]string{event.SourceIP: "10.0.0.66", event.DestinationIP: "10.0.0.20",
			event.UserName: "guest", event.UserDomain: "WORKGROUP", event.SourceHostname: "KALI",
			event.EventOutcome: "failure"},
		num: map[event.IntField]int64{event.SourcePort: 49501, event.DestinationPort: 445}},
	{file: "infer.json", index: 9, kind: "zeek.kerberos", seq: 10,
		str: map[event.StrField]string{event.SourceIP: "10.0.0.66", event.DestinationIP: "10.0.0.10",
			event.UserName: "svc_sql", event.UserDomain: "CORP.EXAMPLE", event.EventAction: "TGS",
			event.EventOutcome: "success"},
		num: map[event.IntField]int64{event.SourcePort: 49601, event.DestinationPort: 88}},
	{file: "infer.json", index: 10, kind: "zeek.rdp", seq: 11,
		str: map[event.StrField]string{event.SourceIP: "198.51.100.7", event.DestinationIP: "10.0.0.8",
			event.UserName: "admin", event.EventOutcome: "failure"},
		num: map[event.IntField]int64{event.SourcePort: 51515, event.DestinationPort: 3389}},
	{file: "infer.json", index: 11, kind: "zeek.dhcp", seq: 12,
		str: map[event.StrField]string{event.SourceIP: "10.0.0.42", event.DestinationIP: "10.0.0.1",
			event.SourceMAC: "00:0c:29:ab:cd:ef", event.SourceHostname: "WS-0042"},
		num: map[event.IntField]int64{event.EventDuration: 123_000},
		raw: map[string]string{"msg_types": `["REQUEST","ACK"]`}},
	{file: "infer.json", index: 12, kind: "zeek.notice", seq: 13,
		str: map[event.StrField]string{event.SourceIP: "198.51.100.7", event.DestinationIP: "10.0.0.8",
			event.NetworkTransport: "tcp", event.RuleName: "SSH::Password_Guessing",
			event.Message: "198.51.100.7 appears to be guessing passwords"},
		num: map[event.IntField]int64{event.SourcePort: 51515, event.DestinationPort: 3389}},
	{file: "infer.json", index: 13, kind: "zeek.weird", seq: 14,
		str: map[event.StrField]string{event.SourceIP: "10.0.0.5", event.DestinationIP: "203.0.113.10",
			event.RuleName: "bad_HTTP_request"},
		num: map[event.IntField]int64{event.SourcePort: 49700, event.DestinationPort: 80}},
	{file: "infer.json", index: 14, kind: "zeek.software", seq: 15,
		str: map[event.StrField]string{event.SourceIP: "10.0.0.5", event.ServiceName: "Firefox",
			event.Message:           "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:123.0) Gecko/20100101 Firefox/123.0",
			event.UserAgentOriginal: "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:123.0) Gecko/20100101 Firefox/123.0"}},
	{file: "infer.json", index: 15, kind: "zeek", seq: 16,
		str: map[event.StrField]string{event.SourceIP: "10.0.0.5", event.DestinationIP: "10.0.0.6"},
		num: map[event.IntField]int64{event.SourcePort: 1, event.DestinationPort: 2}},

	// nested objects and white space
	{file: "nested.json", index: 0, kind: "zeek.conn", time: "2024-03-05T10:00:30.25Z", seq: 1,
		str: map[event.StrField]string{event.SourceIP: "10.0.0.5", event.DestinationIP: "10.0.0.1",
			event.NetworkTransport: "udp", event.ConnState: "SF"},
		num: map[event.IntField]int64{event.SourcePort: 50500, event.DestinationPort: 53},
		raw: map[string]string{"tunnel_parents": `["a","b\"c"]`, "extra.deep.x": "1"},
		names: []string{"ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "proto", "conn_state",
			"tunnel_parents", "extra.deep.x"}},
}

func TestNormalised(t *testing.T) {
	cache := map[string][]*event.Event{}
	for _, w := range wants {
		t.Run(strings.TrimSuffix(w.file, filepath.Ext(w.file))+"/"+filepath.Ext(w.file)[1:]+"/"+itoa(w.index), func(t *testing.T) {
			evs, ok := cache[w.file]
			if !ok {
				var errs []*decode.RecordError
				evs, errs = decodeFile(t, formatOf(w.file), w.file)
				if len(errs) > 0 {
					t.Fatalf("unexpected record errors: %v", errs)
				}
				cache[w.file] = evs
			}
			if w.index >= len(evs) {
				t.Fatalf("%d events, want at least %d", len(evs), w.index+1)
			}
			checkEvent(t, evs[w.index], w)
		})
	}
}

func itoa(i int) string { return string(rune('0'+i/10)) + string(rune('0'+i%10)) }

func checkEvent(t *testing.T, ev *event.Event, w want) {
	t.Helper()
	if ev.Kind != w.kind {
		t.Errorf("Kind = %q, want %q", ev.Kind, w.kind)
	}
	if ev.Seq != w.seq {
		t.Errorf("Seq = %d, want %d", ev.Seq, w.seq)
	}
	if ev.Host != w.host {
		t.Errorf("Host = %q, want %q", ev.Host, w.host)
	}
	if w.time != "" {
		tt, err := time.Parse(time.RFC3339Nano, w.time)
		if err != nil {
			t.Fatal(err)
		}
		if ev.Time != tt.UnixNano() {
			t.Errorf("Time = %s, want %s", time.Unix(0, ev.Time).UTC().Format(time.RFC3339Nano), w.time)
		}
	} else if ev.Time < 1.7e18 || ev.Time > 1.8e18 {
		t.Errorf("Time = %d, implausible", ev.Time)
	}
	for f := event.StrField(0); int(f) < event.NumStr; f++ {
		if got, want := ev.Str(f), w.str[f]; got != want {
			t.Errorf("%s = %q, want %q", f, got, want)
		}
	}
	for f := event.IntField(0); int(f) < event.NumInt; f++ {
		got, set := ev.Int(f)
		want, wantSet := w.num[f]
		if set != wantSet || got != want {
			t.Errorf("%s = %d (set %v), want %d (set %v)", f, got, set, want, wantSet)
		}
	}
	for name, want := range w.raw {
		got, ok := ev.RawValue(name)
		if !ok || got != want {
			t.Errorf("raw %s = %q (present %v), want %q", name, got, ok, want)
		}
	}
	for _, name := range w.absent {
		if v, ok := ev.RawValue(name); ok {
			t.Errorf("raw %s = %q, want it left out", name, v)
		}
	}
	if w.names != nil {
		var names []string
		for _, f := range ev.Raw {
			names = append(names, f.Name)
		}
		if strings.Join(names, " ") != strings.Join(w.names, " ") {
			t.Errorf("raw names\n got %v\nwant %v", names, w.names)
		}
	}
}

// Every fixture decodes without record errors except the malformed ones.
func TestFixturesClean(t *testing.T) {
	logs, _ := filepath.Glob("testdata/*.log")
	jsons, _ := filepath.Glob("testdata/*.json")
	files := append(logs, jsons...)
	n := 0
	for _, p := range files {
		name := filepath.Base(p)
		if strings.HasPrefix(name, "malformed") || name == "noheader.log" {
			continue
		}
		evs, errs := decodeFile(t, formatOf(name), name)
		if len(errs) > 0 {
			t.Errorf("%s: record errors %v", name, errs)
		}
		if len(evs) == 0 {
			t.Errorf("%s: no events", name)
		}
		n++
	}
	if n < 20 {
		t.Errorf("only %d fixtures", n)
	}
}

func TestMalformed(t *testing.T) {
	tests := []struct {
		file    string
		errs    []string // Error() of each record error, in order
		goodSeq []int64  // Seq of the events decoded around them
	}{
		{
			file: "malformed.log",
			errs: []string{
				"testdata/malformed.log:10: 8 fields, #fields has 10",
				"testdata/malformed.log:11: 11 fields, #fields has 10",
				`testdata/malformed.log:12: bad ts "yesterday"`,
				`testdata/malformed.log:13: bad count in "orig_bytes": "12x"`,
				`testdata/malformed.log:14: bad port in "id.orig_p": "70000"`,
				`testdata/malformed.log:15: bad interval in "duration": "long"`,
				`testdata/malformed.log:16: unset ts`,
			},
			goodSeq: []int64{9, 18},
		},
		{
			file: "noheader.log",
			errs: []string{
				"testdata/noheader.log:2: data line before #fields header",
			},
			goodSeq: []int64{4},
		},
		{
			file: "malformed.json",
			errs: []string{
				"testdata/malformed.json:2: bad JSON: unexpected end of line",
				`testdata/malformed.json:3: bad JSON: expected '{' at column 1, found 'n'`,
				`testdata/malformed.json:4: bad ts "yesterday"`,
				`testdata/malformed.json:5: bad JSON: expected end of line at column 33, found 't'`,
				`testdata/malformed.json:6: bad JSON: bad escape in JSON string`,
				`testdata/malformed.json:7: bad JSON: expected ',' or '}' at column 37, found '1'`,
			},
			goodSeq: []int64{1, 8},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			evs, errs := decodeFile(t, formatOf(tt.file), tt.file)
			var got []string
			for _, e := range errs {
				got = append(got, e.Error())
			}
			if strings.Join(got, "\n") != strings.Join(tt.errs, "\n") {
				t.Errorf("errors\n got %q\nwant %q", got, tt.errs)
			}
			var seqs []int64
			for _, ev := range evs {
				seqs = append(seqs, ev.Seq)
			}
			if len(seqs) != len(tt.goodSeq) {
				t.Fatalf("events at lines %v, want %v", seqs, tt.goodSeq)
			}
			for i := range seqs {
				if seqs[i] != tt.goodSeq[i] {
					t.Fatalf("events at lines %v, want %v", seqs, tt.goodSeq)
				}
			}
		})
	}
}

func TestDetect(t *testing.T) {
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	long := `{"ts":1709632800.1,"_path":"http","uri":"/` + strings.Repeat("a", decode.HeadSize) // cut mid-line
	long = long[:decode.HeadSize]
	tests := []struct {
		name      string
		head      []byte
		tsv, json bool
	}{
		{"conn.log", read("conn.log"), true, false},
		{"multi.log", read("multi.log"), true, false},
		{"conn.json", read("conn.json"), false, true},
		{"stream.json", read("stream.json"), false, true},
		{"infer.json", read("infer.json"), false, true},
		{"nested.json", read("nested.json"), false, true},
		{"bom", append([]byte("\xef\xbb\xbf"), read("conn.log")...), true, false},
		{"bom json", append([]byte("\xef\xbb\xbf"), read("conn.json")...), false, true},
		{"blank lines first", []byte("\n\n  \n" + `{"ts":1,"uid":"C1"}` + "\n"), false, true},
		{"cut first line", []byte(long), false, true},
		{"short bad line", []byte(`{"ts":1,"uid":"C1"`), false, false},
		{"fuid", []byte(`{"ts":1.5,"fuid":"F1","mime_type":"text/plain"}`), false, true},
		{"suricata eve", []byte(`{"timestamp":"2024-03-05T10:00:00.000000+0000","flow_id":1,"event_type":"dns","src_ip":"10.0.0.1"}` + "\n"), false, false},
		{"json without zeek keys", []byte(`{"ts":1,"msg":"hello"}` + "\n"), false, false},
		{"json without ts", []byte(`{"_path":"conn","uid":"C1"}` + "\n"), false, false},
		{"json array", []byte(`[{"ts":1,"uid":"C1"}]` + "\n"), false, false},
		{"comment", []byte("# separator\n"), false, false},
		{"empty", nil, false, false},
		{"syslog", []byte("Mar  5 10:00:00 host sshd[1]: Accepted password\n"), false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := TSV.Detect(tt.head); got != tt.tsv {
				t.Errorf("TSV.Detect = %v, want %v", got, tt.tsv)
			}
			if got := JSON.Detect(tt.head); got != tt.json {
				t.Errorf("JSON.Detect = %v, want %v", got, tt.json)
			}
		})
	}
	if TSV.Name != "zeek-tsv" || JSON.Name != "zeek-json" {
		t.Errorf("names %q %q", TSV.Name, JSON.Name)
	}
}

// The same log in TSV and JSON gives the same normalised fields.
func TestTSVJSONAgree(t *testing.T) {
	tsv, _ := decodeFile(t, TSV, "conn.log")
	js, _ := decodeFile(t, JSON, "conn.json")
	pairs := [][2]int{{0, 0}, {2, 1}, {3, 2}}
	for _, p := range pairs {
		a, b := tsv[p[0]], js[p[1]]
		if a.Kind != b.Kind || a.Time != b.Time {
			t.Errorf("pair %v: kind/time %s %d vs %s %d", p, a.Kind, a.Time, b.Kind, b.Time)
		}
		for f := event.StrField(0); int(f) < event.NumStr; f++ {
			if a.Str(f) != b.Str(f) {
				t.Errorf("pair %v: %s %q vs %q", p, f, a.Str(f), b.Str(f))
			}
		}
		for f := event.IntField(0); int(f) < event.NumInt; f++ {
			x, xs := a.Int(f)
			y, ys := b.Int(f)
			if f == event.EventDuration && p[0] == 3 {
				continue // 0.000000 in TSV, 1e-06 in JSON
			}
			if x != y || xs != ys {
				t.Errorf("pair %v: %s %d/%v vs %d/%v", p, f, x, xs, y, ys)
			}
		}
	}
}

// A reused Event (Reset between records) gives the same result as a fresh one.
func TestReuseEvent(t *testing.T) {
	for _, name := range []string{"conn.log", "http.log", "stream.json", "infer.json", "escapes.log"} {
		fresh, _ := decodeFile(t, formatOf(name), name)
		f, err := os.Open(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		dec, _ := formatOf(name).Open(f, name)
		var ev event.Event
		for i := 0; ; i++ {
			ev.Reset()
			err := dec.Next(&ev)
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			want := fresh[i]
			if ev.Kind != want.Kind || ev.Time != want.Time || ev.Host != want.Host || len(ev.Raw) != len(want.Raw) {
				t.Fatalf("%s #%d: reused event differs", name, i)
			}
			for k := range ev.Raw {
				if ev.Raw[k] != want.Raw[k] {
					t.Fatalf("%s #%d: raw %v vs %v", name, i, ev.Raw[k], want.Raw[k])
				}
			}
			for s := event.StrField(0); int(s) < event.NumStr; s++ {
				if ev.Str(s) != want.Str(s) {
					t.Fatalf("%s #%d: %s differs", name, i, s)
				}
			}
		}
		f.Close()
	}
}

func TestParseSeconds(t *testing.T) {
	tests := []struct {
		in   string
		ns   int64
		fail bool
	}{
		{in: "0.000310", ns: 310_000},
		{in: "12.345678", ns: 12_345_678_000},
		{in: "1", ns: 1_000_000_000},
		{in: "-1.5", ns: -1_500_000_000},
		{in: "0.0000000019", ns: 1},
		{in: "1e-06", ns: 1000},
		{in: "1.5E+2", ns: 150_000_000_000},
		{in: "1709632800.123456", ns: 1_709_632_800_123_456_000},
		{in: "123456789012345678901234", fail: true},
		{in: "9223372036.854775807", ns: 9_223_372_036_854_775_807},
		{in: "9223372037", fail: true},
		{in: "1e400", fail: true},
		{in: "1e-400", ns: 0},
		{in: "", fail: true},
		{in: ".", fail: true},
		{in: "1.2.3", fail: true},
		{in: "1e", fail: true},
		{in: "abc", fail: true},
		{in: "1x", fail: true},
	}
	for _, tt := range tests {
		ns, ok := parseSeconds(tt.in)
		if ok == tt.fail || (ok && ns != tt.ns) {
			t.Errorf("parseSeconds(%q) = %d, %v; want %d, %v", tt.in, ns, ok, tt.ns, !tt.fail)
		}
	}
}

func TestParseTime(t *testing.T) {
	tests := []struct {
		in   string
		want string
		fail bool
	}{
		{in: "1709632800.123456", want: "2024-03-05T10:00:00.123456Z"},
		{in: "2024-03-05T10:00:00.123456Z", want: "2024-03-05T10:00:00.123456Z"},
		{in: "2024-03-05T10:00:00Z", want: "2024-03-05T10:00:00Z"},
		{in: "2024-02-29T23:59:59.999999999Z", want: "2024-02-29T23:59:59.999999999Z"},
		{in: "2024-03-05T19:00:00.5+09:00", want: "2024-03-05T10:00:00.5Z"},
		{in: "2023-02-29T00:00:00Z", fail: true},
		{in: "2024-13-01T00:00:00Z", fail: true},
		{in: "yesterday", fail: true},
		{in: "", fail: true},
	}
	for _, tt := range tests {
		ns, ok := parseTime(tt.in)
		if ok == tt.fail {
			t.Errorf("parseTime(%q) ok = %v", tt.in, ok)
			continue
		}
		if ok {
			w, _ := time.Parse(time.RFC3339Nano, tt.want)
			if ns != w.UnixNano() {
				t.Errorf("parseTime(%q) = %s, want %s", tt.in, time.Unix(0, ns).UTC().Format(time.RFC3339Nano), tt.want)
			}
		}
	}
}

func TestInferPath(t *testing.T) {
	tests := []struct {
		fields string
		want   string
	}{
		{"ts uid id.orig_h id.orig_p id.resp_h id.resp_p proto conn_state", "conn"},
		{"ts uid id.orig_h query qtype_name", "dns"},
		{"ts uid id.orig_h trans_id", "dns"},
		{"ts uid id.orig_h method host uri", "http"},
		{"ts uid id.orig_h version cipher server_name", "ssl"},
		{"ts uid id.orig_h server_name", "ssl"},
		{"ts uid id.orig_h version client_initial_dcid server_name", "quic"},
		{"ts fingerprint certificate.subject", "x509"},
		{"ts fuid tx_hosts rx_hosts mime_type", "files"},
		{"ts uid fuid action path name size", "smb_files"},
		{"ts uid path service share_type", "smb_mapping"},
		{"ts uid named_pipe endpoint operation", "dce_rpc"},
		{"ts uid username hostname domainname server_nb_computer_name success", "ntlm"},
		{"ts uid request_type client service success", "kerberos"},
		{"ts uid cookie result", "rdp"},
		{"ts uids client_addr mac msg_types", "dhcp"},
		{"ts uid note msg fuid", "notice"},
		{"ts uid name addl notice peer", "weird"},
		{"ts host software_type name unparsed_version", "software"},
		{"ts uid version auth_success client server cipher_alg", "ssh"},
		{"ts uid user command reply_code fuid mime_type", "ftp"},
		{"ts uid mailfrom rcptto", "smtp"},
		{"ts src_addr sig_id event_msg", "signatures"},
		{"ts uid something", ""},
	}
	for _, tt := range tests {
		if got := inferNames(strings.Fields(tt.fields)); got != tt.want {
			t.Errorf("inferNames(%s) = %q, want %q", tt.fields, got, tt.want)
		}
	}
}

func TestHelpers(t *testing.T) {
	if got := joinElems(`["a","b\"c",3]`); got != `a,b"c,3` {
		t.Errorf("joinElems = %q", got)
	}
	if got, ok := firstElem(`[ "x\u00e9" , "y" ]`); !ok || got != "xé" {
		t.Errorf("firstElem = %q %v", got, ok)
	}
	if _, ok := firstElem(`[]`); ok {
		t.Errorf("firstElem of [] found something")
	}
	if got := netfield.StripPort("[2001:db8::1]:8080"); got != "2001:db8::1" {
		t.Errorf("stripPort = %q", got)
	}
	if got := netfield.StripPort("2001:db8::1"); got != "2001:db8::1" {
		t.Errorf("stripPort = %q", got)
	}
	if got := netfield.StripPort("example.com:8080"); got != "example.com" {
		t.Errorf("stripPort = %q", got)
	}
	if got := string(appendJSONString(nil, []byte("a\"\\\x01\xff\xe3\x81\x82"))); got != `"a\"\\\u0001\\xffあ"` {
		t.Errorf("appendJSONString = %s", got)
	}
	if got := unescapeZeek(`a\x09b\x5c\q\x4`); got != "a\tb\\\\q\\x4" {
		t.Errorf("unescapeZeek = %q", got)
	}
}

func TestInMemory(t *testing.T) {
	const hdr = "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tconn\n" +
		"#fields\tts\tuid\tid.orig_h\tid.orig_p\tproto\n#types\ttime\tstring\taddr\tport\tenum\n"
	tests := []struct {
		name   string
		format decode.Format
		in     string
		seqs   []int64
		errs   []string
	}{
		{name: "tsv bom", format: TSV, in: "\xef\xbb\xbf" + hdr + "1.0\tC1\t10.0.0.1\t1\ttcp\n", seqs: []int64{8}},
		{name: "tsv crlf", format: TSV, in: strings.ReplaceAll(hdr+"1.0\tC1\t10.0.0.1\t1\ttcp\n", "\n", "\r\n"), seqs: []int64{8}},
		{name: "tsv no final newline", format: TSV, in: hdr + "1.0\tC1\t10.0.0.1\t1\ttcp", seqs: []int64{8}},
		{name: "tsv long line", format: TSV,
			in:   hdr + "1.0\tC1\t10.0.0.1\t1\t" + strings.Repeat("x", decode.MaxLine+10) + "\n2.0\tC2\t10.0.0.1\t2\ttcp\n",
			seqs: []int64{9}, errs: []string{"m:8: line longer than 1048576 bytes skipped"}},
		{name: "tsv header after close resets", format: TSV,
			in:   hdr + "1.0\tC1\t10.0.0.1\t1\ttcp\n#close\tx\n#fields\tts\tquery\tqtype_name\n3.0\texample.com\tA\n",
			seqs: []int64{8, 11}},
		{name: "tsv types mismatch", format: TSV,
			in:   "#separator \\x09\n#fields\tts\tuid\n#types\ttime\n1.0\tC1\n",
			seqs: []int64{4}, errs: []string{"m:3: #types has 1 entries, #fields has 2"}},
		{name: "json bom", format: JSON, in: "\xef\xbb\xbf" + `{"ts":1,"uid":"C1"}` + "\n", seqs: []int64{1}},
		{name: "json crlf and blanks", format: JSON, in: "\r\n" + `{"ts":1,"uid":"C1"}` + "\r\n  \r\n" + `{"ts":2,"uid":"C2"}`,
			seqs: []int64{2, 4}},
		{name: "json deep", format: JSON, in: `{"ts":1,"a":` + strings.Repeat("[", 40) + strings.Repeat("]", 40) + "}\n",
			errs: []string{"m:1: bad JSON: JSON nested too deeply"}},
		{name: "json not object", format: JSON, in: "[1,2]\n\"x\"\n", errs: []string{
			"m:1: bad JSON: expected '{' at column 1, found '['", "m:2: bad JSON: expected '{' at column 1, found '\"'"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dec, err := tt.format.Open(strings.NewReader(tt.in), "m")
			if err != nil {
				t.Fatal(err)
			}
			var seqs []int64
			var errs []string
			for {
				var ev event.Event
				err := dec.Next(&ev)
				if err == io.EOF {
					break
				}
				if err != nil {
					if !decode.IsRecordError(err) {
						t.Fatal(err)
					}
					errs = append(errs, err.Error())
					continue
				}
				seqs = append(seqs, ev.Seq)
			}
			if len(seqs) != len(tt.seqs) || strings.Join(errs, "|") != strings.Join(tt.errs, "|") {
				t.Fatalf("events at %v, errors %q; want %v, %q", seqs, errs, tt.seqs, tt.errs)
			}
			for i := range seqs {
				if seqs[i] != tt.seqs[i] {
					t.Fatalf("events at %v, want %v", seqs, tt.seqs)
				}
			}
		})
	}
}
