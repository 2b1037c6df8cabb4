package csvmap

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
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

func TestNfdump(t *testing.T) {
	evs, errs := decodetest.File(t, Format, "nfdump.csv")
	if len(errs) != 0 || len(evs) != 3 {
		t.Fatalf("%d events, errors %v", len(evs), errs)
	}
	wants := []decodetest.Want{
		{Index: 0, Kind: "netflow", Time: "2025-11-20T10:00:00Z", Seq: 2,
			Str: S{event.SourceIP: "10.1.2.3", event.DestinationIP: "198.51.100.77", event.NetworkTransport: "tcp"},
			Num: N{event.SourcePort: 51515, event.DestinationPort: 443, event.SourcePackets: 12, event.SourceBytes: 1840,
				event.DestinationPackets: 10, event.DestinationBytes: 9320, event.EventDuration: 30_500_000_000},
			Raw: R{"flg": ".AP.SF", "te": "2025-11-20 10:00:30.500", "ra": "127.0.0.1"}},
		{Index: 1, Kind: "netflow", Time: "2025-11-20T10:00:01.25Z", Seq: 3,
			Str: S{event.SourceIP: "10.1.2.4", event.DestinationIP: "192.0.2.53", event.NetworkTransport: "udp"},
			Num: N{event.SourcePort: 40000, event.DestinationPort: 53, event.SourcePackets: 1, event.SourceBytes: 74,
				event.DestinationPackets: 0, event.DestinationBytes: 0, event.EventDuration: 0}},
		{Index: 2, Kind: "netflow", Time: "2025-11-20T10:00:02Z", Seq: 4,
			Str: S{event.SourceIP: "2001:db8::5", event.DestinationIP: "2001:db8:1::9", event.NetworkTransport: "icmp"},
			Num: N{event.SourcePort: 0, event.DestinationPort: 0, event.SourcePackets: 3, event.SourceBytes: 1_200_000,
				event.DestinationPackets: 0, event.DestinationBytes: 0, event.EventDuration: 300e9}},
	}
	for _, w := range wants {
		decodetest.Check(t, evs[w.Index], w)
	}
}

func TestExport(t *testing.T) {
	evs, errs := decodetest.File(t, Format, "export.csv")
	if len(errs) != 0 || len(evs) != 3 {
		t.Fatalf("%d events, errors %v", len(evs), errs)
	}
	wants := []decodetest.Want{
		{Index: 0, Kind: "csv", Time: "2025-11-20T10:00:30Z", Seq: 2,
			Str: S{event.SourceIP: "10.1.2.3", event.DestinationIP: "198.51.100.77", event.NetworkTransport: "tcp",
				event.EventAction: "allow", event.RuleName: "Allow, Web"},
			Num: N{event.SourcePort: 51515, event.DestinationPort: 443, event.SourceBytes: 1840, event.DestinationBytes: 9320},
			Names: []string{"Receive Time", "Source Address", "Destination Address", "Source Port", "Destination Port",
				"Protocol", "Action", "Rule", "Bytes Sent", "Bytes Received", "Notes"},
			Raw: R{"Notes": `first "seen" here`}},
		{Index: 1, Kind: "csv", Time: "2025-11-20T10:01:00Z", Seq: 3,
			Str: S{event.SourceIP: "10.1.2.8", event.DestinationIP: "192.0.2.200", event.NetworkTransport: "udp",
				event.EventAction: "deny", event.RuleName: "Block"},
			Num: N{event.SourcePort: 40000, event.DestinationPort: 8443, event.SourceBytes: 74, event.DestinationBytes: 0},
			Raw: R{"Notes": "a note\nover two lines"}},
		{Index: 2, Kind: "csv", Time: "2025-11-20T10:02:00Z", Seq: 5,
			Str: S{event.SourceIP: "10.1.2.9", event.DestinationIP: "192.0.2.201", event.NetworkTransport: "udp",
				event.EventAction: "deny", event.RuleName: "Block"},
			Num: N{event.SourcePort: 40001, event.DestinationPort: 8443, event.SourceBytes: 74, event.DestinationBytes: 0}},
	}
	for _, w := range wants {
		decodetest.Check(t, evs[w.Index], w)
	}
}

func TestMapping(t *testing.T) {
	m, err := ParseMapping(`# a DLP appliance export
@timestamp=when
@time_format=02.01.2006 15:04:05
@delimiter=;
@kind=dlp.export
source.ip=who, destination.ip=peer
destination.port=pport
event.action=what
`)
	if err != nil {
		t.Fatal(err)
	}
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Skip(err)
	}
	f := WithMapping(m, tokyo)
	if !f.Detect(mustRead(t, "custom.csv")) || f.Detect(mustRead(t, "export.csv")) {
		t.Error("detection with the mapping")
	}
	evs, errs := decodetest.File(t, f, "custom.csv")
	if len(errs) != 0 || len(evs) != 2 {
		t.Fatalf("%d events, errors %v", len(evs), errs)
	}
	decodetest.Check(t, evs[0], decodetest.Want{Kind: "dlp.export", Time: "2025-11-20T10:00:00Z", Seq: 2,
		Str: S{event.SourceIP: "10.1.2.3", event.DestinationIP: "198.51.100.77", event.EventAction: "upload"},
		Num: N{event.DestinationPort: 443}, Names: []string{"when", "who", "peer", "pport", "what"}})
	if Format.Detect(mustRead(t, "custom.csv")) {
		t.Error("custom.csv detected without a mapping")
	}
	for _, bad := range []string{"source.ip=a", "@timestamp=t\nno.such.field=x", "@timestamp=t\nsource.ip", "@timestamp=t\n@delimiter=::"} {
		if _, err := ParseMapping(bad); err == nil {
			t.Errorf("mapping %q accepted", bad)
		}
	}
}

func TestMalformed(t *testing.T) {
	evs, errs := decodetest.File(t, Format, "malformed.csv")
	if len(evs) != 1 || evs[0].Seq != 2 {
		t.Fatalf("%d events", len(evs))
	}
	want := []string{
		`testdata/malformed.csv:3: bad time "yesterday"`,
		`testdata/malformed.csv:4: 5 values for 4 columns: "2025-11-20T10:00:02Z,10.1.2.3,198.51.100.77,443,extra"`,
		`testdata/malformed.csv:5: unterminated quote in "2025-11-20T10:00:03Z,\x2210.1.2.3,198.51.100.77,443"`,
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
		string(mustRead(t, "nfdump.csv")), string(mustRead(t, "export.csv")),
		"timestamp;src_ip;dst_ip\n2025-11-20T10:00:00Z;1.2.3.4;5.6.7.8\n",
	}
	no := []string{"", "a,b,c\n1,2,3\n", "timestamp,src_ip,dst_ip", `{"timestamp":1,"src_ip":"x","dst_ip":"y"}` + "\n",
		"1,2025/11/20 10:00:00,0123,TRAFFIC,end,1\n", "#Fields: date time c-ip\n"}
	for _, s := range yes {
		if !Format.Detect([]byte(s)) {
			t.Errorf("not detected: %.40q", s)
		}
	}
	for _, s := range no {
		if Format.Detect([]byte(s)) {
			t.Errorf("detected: %q", s)
		}
	}
}

func mustRead(t *testing.T, name string) []byte {
	t.Helper()
	data, err := readTestdata(name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func FuzzCSV(f *testing.F) {
	decodetest.Seeds(f, "*.csv")
	f.Add([]byte("ts,sa,da\n\"1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		decodetest.Drain(t, Format, data)
	})
}

const benchLines = 50_000

func BenchmarkNfdump(b *testing.B) {
	var buf bytes.Buffer
	buf.WriteString("ts,te,td,sa,da,sp,dp,pr,flg,fwd,stos,ipkt,ibyt,opkt,obyt,in,out\n")
	for i := range benchLines {
		fmt.Fprintf(&buf, "2025-11-20 10:%02d:%02d.%03d,2025-11-20 10:%02d:%02d.000,%d.%03d,10.1.%d.%d,198.51.100.%d,%d,443,TCP,.AP.SF,0,0,%d,%d,%d,%d,2,1\n",
			i/60000%60, i/1000%60, i%1000, i/60000%60, i/1000%60, i%60, i%1000, i/256%256, i%256, i%256, 1024+i%60000,
			1+i%100, 40+i, i%90, i*3)
	}
	decodetest.Bench(b, Format, buf.Bytes(), benchLines)
}

func readTestdata(name string) ([]byte, error) { return os.ReadFile(filepath.Join("testdata", name)) }
