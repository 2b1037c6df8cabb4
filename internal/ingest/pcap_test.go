package ingest

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

	"github.com/firebreak-ir/firebreak/internal/event"
	"github.com/firebreak-ir/firebreak/internal/store"
	"github.com/firebreak-ir/firebreak/internal/store/duckdb"
)

// TestPcapIngestSearch captures one TCP connection, 10.1.2.3:51515 →
// 198.51.100.77:443, and finds it by destination.ip after ingest, in the
// same fields as every other network source.
func TestPcapIngestSearch(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "capture.bin") // the name says nothing
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := pcapgo.NewWriter(f)
	if err := w.WriteFileHeader(65535, layers.LinkTypeEthernet); err != nil {
		t.Fatal(err)
	}
	cli, srv := net.IP{10, 1, 2, 3}, net.IP{198, 51, 100, 77}
	t0 := time.Date(2025, 11, 20, 10, 0, 0, 0, time.UTC)
	seg := func(i int, fromClient bool, flags string, payload []byte) {
		src, dst, sp, dp := cli, srv, layers.TCPPort(51515), layers.TCPPort(443)
		if !fromClient {
			src, dst, sp, dp = srv, cli, 443, 51515
		}
		eth := &layers.Ethernet{SrcMAC: net.HardwareAddr{2, 0, 0, 0, 0, 1}, DstMAC: net.HardwareAddr{2, 0, 0, 0, 0, 2}, EthernetType: layers.EthernetTypeIPv4}
		ip := &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolTCP, SrcIP: src, DstIP: dst}
		tcp := &layers.TCP{SrcPort: sp, DstPort: dp, Seq: uint32(1000 + i), Window: 64240}
		for _, c := range flags {
			switch c {
			case 'S':
				tcp.SYN = true
			case 'A':
				tcp.ACK = true
			case 'F':
				tcp.FIN = true
			case 'P':
				tcp.PSH = true
			}
		}
		_ = tcp.SetNetworkLayerForChecksum(ip)
		buf := gopacket.NewSerializeBuffer()
		if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, eth, ip, tcp, gopacket.Payload(payload)); err != nil {
			t.Fatal(err)
		}
		data := buf.Bytes()
		ci := gopacket.CaptureInfo{Timestamp: t0.Add(time.Duration(i) * 100 * time.Millisecond), CaptureLength: len(data), Length: len(data)}
		if err := w.WritePacket(ci, data); err != nil {
			t.Fatal(err)
		}
	}
	seg(0, true, "S", nil)
	seg(1, false, "SA", nil)
	seg(2, true, "A", nil)
	seg(3, true, "PA", make([]byte, 300))
	seg(4, false, "PA", make([]byte, 1200))
	seg(5, true, "FA", nil)
	seg(6, false, "FA", nil)
	seg(7, true, "A", nil)
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}

	ctx := context.Background()
	st, err := duckdb.Open(ctx, filepath.Join(dir, "data"), duckdb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sum, err := Run(ctx, st, []string{path}, Options{Formats: DefaultFormats()})
	if err != nil || sum.Files[0].Format != "pcap" || sum.Files[0].Err != nil {
		t.Fatalf("ingest: %v %+v", err, sum.Files)
	}
	var got []event.Event
	err = st.Search(ctx, store.Query{Conds: []store.Cond{{Field: "destination.ip", Op: store.OpEq, Value: "198.51.100.77"}}}, func(ev *event.Event) error {
		c := *ev
		c.Raw = nil
		got = append(got, c)
		return nil
	})
	if err != nil || len(got) != 1 {
		t.Fatalf("search: %v, %d events", err, len(got))
	}
	ev := &got[0]
	sp, _ := ev.Int(event.SourcePort)
	dp, _ := ev.Int(event.DestinationPort)
	ob, _ := ev.Int(event.SourceBytes)
	rb, _ := ev.Int(event.DestinationBytes)
	if ev.Kind != "pcap.conn" || ev.Str(event.SourceIP) != "10.1.2.3" || sp != 51515 || dp != 443 ||
		ev.Str(event.NetworkTransport) != "tcp" || ob != 300 || rb != 1200 || ev.Str(event.ConnState) != "SF" || ev.Time != t0.UnixNano() {
		t.Fatalf("pcap connection: kind %s %s:%d -> %d bytes %d/%d state %q time %d", ev.Kind, ev.Str(event.SourceIP), sp, dp, ob, rb, ev.Str(event.ConnState), ev.Time)
	}
}
