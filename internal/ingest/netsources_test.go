package ingest

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/firebreak-ir/firebreak/internal/decode"
	"github.com/firebreak-ir/firebreak/internal/decode/csvmap"
	"github.com/firebreak-ir/firebreak/internal/decode/proxy"
	"github.com/firebreak-ir/firebreak/internal/decode/suricata"
	"github.com/firebreak-ir/firebreak/internal/decode/syslog"
	"github.com/firebreak-ir/firebreak/internal/decode/w3c"
	"github.com/firebreak-ir/firebreak/internal/event"
	"github.com/firebreak-ir/firebreak/internal/store"
	"github.com/firebreak-ir/firebreak/internal/store/duckdb"
)

// netSources holds one file per network source format (and a Zeek log to
// compare with), each recording the same connection, 10.1.2.3:51515 →
// 198.51.100.77:443 over TCP, among others, with the format it must be
// recognised as and the kind of event it must give.
var netSources = []struct {
	file, format, kind string
	srcPort            bool // the format records the client port
	data               string
}{
	{"conn.json", "zeek-json", "zeek.conn", true,
		`{"ts":1763632800.0,"uid":"CAbc1","id.orig_h":"10.1.2.3","id.orig_p":51515,"id.resp_h":"198.51.100.77","id.resp_p":443,"proto":"tcp","service":"ssl","duration":30.0,"orig_bytes":1840,"resp_bytes":9320,"conn_state":"SF"}
`},
	{"eve.json", "suricata-eve", "suricata.flow", true,
		`{"timestamp":"2025-11-20T10:01:00.000000+0000","flow_id":1,"event_type":"flow","src_ip":"10.1.2.3","src_port":51515,"dest_ip":"198.51.100.77","dest_port":443,"proto":"TCP","app_proto":"tls","flow":{"pkts_toserver":12,"pkts_toclient":10,"bytes_toserver":1840,"bytes_toclient":9320,"start":"2025-11-20T10:00:00.000000+0000","end":"2025-11-20T10:00:30.000000+0000","state":"closed"}}
{"timestamp":"2025-11-20T10:01:01.000000+0000","flow_id":2,"event_type":"flow","src_ip":"10.1.2.3","src_port":51516,"dest_ip":"192.0.2.1","dest_port":53,"proto":"UDP","flow":{"pkts_toserver":1}}
{"timestamp":"2025-11-20T10:01:02.000000+0000","event_type":"stats","stats":{"uptime":1}}
`},
	{"messages", "syslog", "netfilter", true,
		`Nov 20 10:00:00 gw01 kernel: [884512.123456] FW-ACCEPT-OUT: IN= OUT=eth0 SRC=10.1.2.3 DST=198.51.100.77 LEN=60 TOS=0x00 PREC=0x00 TTL=64 ID=4242 DF PROTO=TCP SPT=51515 DPT=443 WINDOW=64240 RES=0x00 SYN URGP=0
Nov 20 10:00:01 gw01 sshd[2201]: Accepted publickey for jdoe from 10.1.2.9 port 51700 ssh2
`},
	{"fortigate.log", "syslog", "fortigate.traffic", true,
		`<189>date=2025-11-20 time=19:00:30 devname="FGT60F" devid="FGT60F01" tz="+0900" logid="0000000013" type="traffic" subtype="forward" srcip=10.1.2.3 srcport=51515 dstip=198.51.100.77 dstport=443 proto=6 action="close" policyname="LAN to Internet" sentbyte=1840 rcvdbyte=9320
`},
	{"pan.log", "syslog", "paloalto.traffic", true,
		`<14>Nov 20 10:00:31 PA-3220 1,2025/11/20 10:00:31,013201001234,TRAFFIC,end,2561,2025/11/20 10:00:30,10.1.2.3,198.51.100.77,203.0.113.5,198.51.100.77,"Allow, Web",corp\jdoe,,ssl,vsys1,trust,untrust,ethernet1/2,ethernet1/1,Log-Forwarding,2025/11/20 10:00:31,33445,1,51515,443,51515,443,0x40001c,tcp,allow,11160,1840,9320,22,2025/11/20 10:00:00,30,any,0,7000123,0x0,10.0.0.0-10.255.255.255,United States,0,12,10,tcp-fin
`},
	{"asa.log", "syslog", "cisco.asa", true,
		`<166>Nov 20 2025 10:00:00: %ASA-6-302013: Built outbound TCP connection 123456 for outside:198.51.100.77/443 (198.51.100.77/443) to inside:10.1.2.3/51515 (203.0.113.5/51515)
`},
	{"cef.log", "syslog", "cef", true,
		`<134>1 2025-11-20T10:02:00Z fw02 CEF - - - CEF:0|Check Point|VPN-1 \| FireWall-1|R81|Accept|Accept|3|src=10.1.2.3 spt=51515 dst=198.51.100.77 dpt=443 proto=6 act=Accept cs1Label=Rule cs1=LAN to Internet in=1840 out=9320
CEF:0|Trend Micro|Deep Security Agent|20.0|4000000|Eicar_test_file|6|dvchost=WS-0137 act=Quarantine fname=eicar.com filePath=C:\\Users\\jdoe\\eicar.com rt=1763632860000
`},
	{"flows.csv", "csv", "netflow", true,
		`ts,te,td,sa,da,sp,dp,pr,flg,fwd,stos,ipkt,ibyt,opkt,obyt
2025-11-20 10:00:00.000,2025-11-20 10:00:30.000,30.000,10.1.2.3,198.51.100.77,51515,443,TCP,.AP.SF,0,0,12,1840,10,9320
2025-11-20 10:00:01.000,2025-11-20 10:00:01.000,0.000,10.1.2.4,192.0.2.53,40000,53,UDP,......,0,0,1,74,0,0
`},
	{"access.log", "squid", "squid", false,
		`1763632800.123    250 10.1.2.3 TCP_TUNNEL/200 9320 CONNECT update-check.example-cdn.net:443 - HIER_DIRECT/198.51.100.77 -
1763632805.456   1200 10.1.2.4 TCP_MISS/200 482304 GET http://www.example.com/a b.html - HIER_DIRECT/203.0.113.66 text/html
`},
	{"u_ex251120.log", "w3c", "iis", false,
		`#Software: Microsoft Internet Information Services 10.0
#Version: 1.0
#Date: 2025-11-20 10:00:00
#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) sc-status time-taken
2025-11-20 10:00:00 198.51.100.77 GET /owa/ - 443 - 10.1.2.3 Mozilla/5.0+(Windows+NT+10.0) 200 15
`},
	{"pfirewall.log", "w3c", "windows.firewall", true,
		`#Version: 1.5
#Software: Microsoft Windows Firewall
#Time Format: Local
#Fields: date time action protocol src-ip dst-ip src-port dst-port size tcpflags tcpsyn tcpack tcpwin icmptype icmpcode info path pid
2025-11-20 10:00:00 ALLOW TCP 10.1.2.3 198.51.100.77 51515 443 0 - 0 0 0 - - - SEND 4321
2025-11-20 10:00:01 DROP UDP 198.51.100.9 10.1.2.3 53000 137 78 - - - - - - - RECEIVE 4
`},
}

// TestNetSourcesDetectAlone checks that each network format recognises its
// own file and no other, so that their order among themselves does not
// matter.
func TestNetSourcesDetectAlone(t *testing.T) {
	mine := []decode.Format{suricata.EVE, w3c.Format, proxy.Squid, proxy.Access, csvmap.Format, syslog.Format}
	for _, s := range netSources {
		var got []string
		for _, f := range mine {
			if f.Detect([]byte(s.data)) {
				got = append(got, f.Name)
			}
		}
		want := s.format
		if strings.HasPrefix(want, "zeek") {
			want = ""
		}
		if strings.Join(got, ",") != want {
			t.Errorf("%s detected as %q, want %q", s.file, got, want)
		}
	}
}

// TestNetSourcesSearch ingests every network source format into the store
// and finds the same connection by destination.ip in each.
func TestNetSourcesSearch(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	in := filepath.Join(dir, "in")
	if err := os.MkdirAll(in, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, s := range netSources {
		if err := os.WriteFile(filepath.Join(in, s.file), []byte(s.data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	st, err := duckdb.Open(ctx, filepath.Join(dir, "data"), duckdb.Options{MemoryLimit: "256MB"})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	// In the order DefaultFormats is to list them: the specific formats
	// first, syslog (which takes any line with a syslog header) last.
	formats := append([]decode.Format{suricata.EVE, w3c.Format, proxy.Squid, proxy.Access, csvmap.Format, syslog.Format},
		DefaultFormats()...)
	sum, err := Run(ctx, st, []string{in}, Options{Formats: formats, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Rejected != 0 {
		t.Fatalf("rejected %d: %q", sum.Rejected, sum.Errors)
	}
	formatOf := map[string]string{}
	for _, f := range sum.Files {
		formatOf[filepath.Base(f.Path)] = f.Format
	}
	for _, s := range netSources {
		if got := formatOf[s.file]; got != s.format {
			t.Errorf("%s read as %q, want %q", s.file, got, s.format)
		}
	}

	found := map[string][]*event.Event{}
	q := store.Query{Conds: []store.Cond{{Field: "destination.ip", Op: store.OpEq, Value: "198.51.100.77"}}}
	err = st.Search(ctx, q, func(ev *event.Event) error {
		c := *ev
		c.Raw = append([]event.Field(nil), ev.Raw...)
		found[ev.Kind] = append(found[ev.Kind], &c)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for k := range found {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	if len(found) != len(netSources) {
		t.Errorf("kinds found: %s", strings.Join(kinds, ", "))
	}
	for _, s := range netSources {
		evs := found[s.kind]
		if len(evs) != 1 {
			t.Errorf("%s: %d events of kind %s", s.file, len(evs), s.kind)
			continue
		}
		ev := evs[0]
		if p, _ := ev.Int(event.DestinationPort); p != 443 {
			t.Errorf("%s: destination.port %d", s.file, p)
		}
		if ip := ev.Str(event.SourceIP); ip != "10.1.2.3" {
			t.Errorf("%s: source.ip %q", s.file, ip)
		}
		if tr := ev.Str(event.NetworkTransport); tr != "" && tr != "tcp" {
			t.Errorf("%s: network.transport %q", s.file, tr)
		}
		if p, ok := ev.Int(event.SourcePort); s.srcPort && (!ok || p != 51515) {
			t.Errorf("%s: source.port %d (set %v)", s.file, p, ok)
		}
	}
	// The address of either end finds it too.
	n := 0
	q = store.Query{Conds: []store.Cond{{Field: "ip", Op: store.OpEq, Value: "198.51.100.77"}}}
	if err := st.Search(ctx, q, func(*event.Event) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	if n != len(netSources) {
		t.Errorf("ip=198.51.100.77 found %d events", n)
	}
}
