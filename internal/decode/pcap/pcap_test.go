package pcap

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/firebreak-ir/firebreak/internal/decode/decodetest"
	"github.com/firebreak-ir/firebreak/internal/event"
	"github.com/gopacket/gopacket/layers"
)

const (
	httpReq  = "GET /dl/payload.exe?id=1 HTTP/1.1\r\nHost: update.example-cdn.net\r\nUser-Agent: Mozilla/5.0 (Windows NT 10.0)\r\nAccept: */*\r\n\r\n"
	httpResp = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nMZ..."
)

// fixture is a capture of known sessions and what was written.
type fixture struct {
	data                                 []byte
	http, rej, s0, tls, big, v6, oneSide *conv
	dnsQ, dnsA                           time.Time
	dnsQLen, dnsALen                     int
}

func buildFixture(tb testing.TB, ng bool) *fixture {
	c := newCapture(tb, ng)
	f := &fixture{}

	// HTTP GET: handshake, request, response, FIN both ways.
	f.http = c.conv("10.20.1.37", 49152, "192.0.2.10", 80)
	f.http.handshake()
	f.http.pkt(true, "PA", []byte(httpReq))
	f.http.pkt(false, "PA", []byte(httpResp))
	f.http.pkt(true, "A", nil)
	f.http.close()

	// Rejected: SYN answered by RST-ACK.
	f.rej = c.conv("10.20.1.37", 49153, "192.0.2.10", 8080)
	f.rej.pkt(true, "S", nil)
	f.rej.pkt(false, "RA", nil)

	// No answer: SYN and its retransmission.
	f.s0 = c.conv("10.20.1.37", 49154, "192.0.2.11", 445)
	f.s0.pkt(true, "S", nil)
	f.s0.pkt(true, "S", nil)

	// DNS query and answer.
	q := dnsMsg(tb, 0x1234, "update.example-cdn.net", layers.DNSTypeA, 0)
	a := dnsMsg(tb, 0x1234, "update.example-cdn.net", layers.DNSTypeA, 0, "cdn.example.net", "203.0.113.66")
	f.dnsQ = c.udp("10.20.1.37", 53001, "10.20.0.53", 53, q)
	f.dnsA = c.udp("10.20.0.53", 53, "10.20.1.37", 53001, a)
	f.dnsQLen, f.dnsALen = len(q), len(a)

	// TLS ClientHello with SNI, then the client resets.
	f.tls = c.conv("10.20.1.37", 49155, "203.0.113.66", 443)
	f.tls.handshake()
	f.tls.pkt(true, "PA", clientHello("c2.example.net", 0))
	f.tls.pkt(false, "PA", make([]byte, 1200))
	f.tls.pkt(true, "RA", nil)

	// A ClientHello over two segments, the server name in the second.
	hello := clientHello("Big.Example.ORG", 1800)
	f.big = c.conv("10.20.1.37", 49156, "203.0.113.67", 443)
	f.big.handshake()
	f.big.pkt(true, "A", hello[:1400])
	f.big.pkt(true, "PA", hello[1400:])
	f.big.pkt(false, "A", nil)

	// IPv6: handshake, data both ways, FIN.
	f.v6 = c.conv("2001:db8::1", 50000, "2001:db8:1::2", 22)
	f.v6.handshake()
	f.v6.pkt(true, "PA", []byte("SSH-2.0-OpenSSH_9.6\r\n"))
	f.v6.pkt(false, "PA", []byte("SSH-2.0-OpenSSH_9.2p1 Debian\r\n"))
	f.v6.close()

	// Seen from the middle: only the server's SYN-ACK and data.
	f.oneSide = c.conv("10.20.1.40", 51000, "10.20.0.5", 3389)
	f.oneSide.pkt(false, "SA", nil)
	f.oneSide.pkt(false, "PA", []byte("x"))

	f.data = c.bytes()
	return f
}

func ts(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// connWant is what the connection record of v must hold.
func connWant(v *conv, proto, service, state string) decodetest.Want {
	w := decodetest.Want{
		Kind: "pcap.conn",
		Time: ts(v.first),
		Str: map[event.StrField]string{
			event.SourceIP: v.ca, event.DestinationIP: v.sa, event.NetworkTransport: proto, event.ConnState: state,
		},
		Num: map[event.IntField]int64{
			event.SourcePort: int64(v.cp), event.DestinationPort: int64(v.sp),
			event.SourceBytes: v.bytes[0], event.DestinationBytes: v.bytes[1],
			event.SourcePackets: v.pkts[0], event.DestinationPackets: v.pkts[1],
			event.EventDuration: v.last.Sub(v.first).Nanoseconds(),
		},
	}
	if service != "" {
		w.Str[event.NetworkProtocol] = service
	}
	return w
}

// find returns the event of kind whose destination port is port (and
// destination address ip, when given).
func find(t *testing.T, evs []*event.Event, kind string, port int64, ip ...string) *event.Event {
	t.Helper()
	var got *event.Event
	for _, ev := range evs {
		if len(ip) > 0 && ev.Str(event.DestinationIP) != ip[0] {
			continue
		}
		if p, _ := ev.Int(event.DestinationPort); ev.Kind == kind && p == port {
			if got != nil {
				t.Fatalf("two %s records to port %d", kind, port)
			}
			got = ev
		}
	}
	if got == nil {
		t.Fatalf("no %s record to port %d", kind, port)
	}
	return got
}

func TestSessions(t *testing.T) {
	for _, ng := range []bool{false, true} {
		name := "pcap"
		if ng {
			name = "pcapng"
		}
		t.Run(name, func(t *testing.T) {
			f := buildFixture(t, ng)
			if !Format.Detect(f.data) {
				t.Fatal("not detected")
			}
			evs, errs := decodetest.Decode(t, Format, f.data, "test."+name)
			if len(errs) > 0 {
				t.Fatalf("record errors: %v", errs)
			}
			kinds := map[string]int{}
			for _, ev := range evs {
				kinds[ev.Kind]++
			}
			if kinds["pcap.conn"] != 8 || kinds["pcap.dns"] != 1 || kinds["pcap.http"] != 1 || kinds["pcap.tls"] != 2 || len(evs) != 12 {
				t.Fatalf("records by kind %v", kinds)
			}

			w := connWant(f.http, "tcp", "http", "SF")
			w.Raw = map[string]string{"history": "ShADdFf", "conn_state": "SF", "uid": "P1", "orig_pkts": "6", "resp_pkts": "3",
				"orig_frame_bytes": itoa(f.http.frames[0]), "resp_frame_bytes": itoa(f.http.frames[1]), "duration": "0.080000"}
			w.Seq = 1
			decodetest.Check(t, find(t, evs, "pcap.conn", 80), w)
			decodetest.Check(t, find(t, evs, "pcap.conn", 8080), connWant(f.rej, "tcp", "", "REJ"))
			decodetest.Check(t, find(t, evs, "pcap.conn", 445), connWant(f.s0, "tcp", "", "S0"))
			decodetest.Check(t, find(t, evs, "pcap.conn", 443, f.tls.sa), connWant(f.tls, "tcp", "ssl", "RSTO"))
			decodetest.Check(t, find(t, evs, "pcap.conn", 22), connWant(f.v6, "tcp", "", "SF"))
			// Only the responder seen: the SYN-ACK's receiver is the originator.
			decodetest.Check(t, find(t, evs, "pcap.conn", 3389), connWant(f.oneSide, "tcp", "", "OTH"))
			decodetest.Check(t, find(t, evs, "pcap.conn", 443, f.big.sa), connWant(f.big, "tcp", "ssl", "S1"))

			dnsConn := find(t, evs, "pcap.conn", 53)
			decodetest.Check(t, dnsConn, decodetest.Want{Kind: "pcap.conn", Time: ts(f.dnsQ),
				Str: map[event.StrField]string{event.SourceIP: "10.20.1.37", event.DestinationIP: "10.20.0.53",
					event.NetworkTransport: "udp", event.NetworkProtocol: "dns", event.ConnState: "SF"},
				Num: map[event.IntField]int64{event.SourcePort: 53001, event.DestinationPort: 53,
					event.SourceBytes: int64(f.dnsQLen), event.DestinationBytes: int64(f.dnsALen),
					event.SourcePackets: 1, event.DestinationPackets: 1, event.EventDuration: f.dnsA.Sub(f.dnsQ).Nanoseconds()}})
			decodetest.Check(t, find(t, evs, "pcap.dns", 53), decodetest.Want{Kind: "pcap.dns", Time: ts(f.dnsQ),
				Str: map[event.StrField]string{event.SourceIP: "10.20.1.37", event.DestinationIP: "10.20.0.53",
					event.NetworkTransport: "udp", event.DNSQuestionName: "update.example-cdn.net", event.DNSQuestionType: "A",
					event.DNSResponseCode: "NOERROR", event.DNSAnswers: "cdn.example.net,203.0.113.66"},
				Num: map[event.IntField]int64{event.SourcePort: 53001, event.DestinationPort: 53},
				Raw: map[string]string{"answers": `["cdn.example.net","203.0.113.66"]`, "rtt": "0.010000", "trans_id": "4660"}})

			decodetest.Check(t, find(t, evs, "pcap.http", 80), decodetest.Want{Kind: "pcap.http", Time: ts(f.http.first.Add(3 * c10ms)), Seq: 4,
				Str: map[event.StrField]string{event.SourceIP: "10.20.1.37", event.DestinationIP: "192.0.2.10",
					event.HTTPRequestMethod: "GET", event.URLDomain: "update.example-cdn.net", event.URLPath: "/dl/payload.exe?id=1",
					event.URLFull: "http://update.example-cdn.net/dl/payload.exe?id=1", event.UserAgentOriginal: "Mozilla/5.0 (Windows NT 10.0)"},
				Num:   map[event.IntField]int64{event.SourcePort: 49152, event.DestinationPort: 80},
				Names: []string{"ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "method", "host", "uri", "version", "user_agent"}})

			var snis []string
			for _, ev := range evs {
				if ev.Kind == "pcap.tls" {
					snis = append(snis, ev.Str(event.TLSServerName))
				}
			}
			if strings.Join(snis, " ") != "c2.example.net big.example.org" {
				t.Errorf("server names %q", snis)
			}
		})
	}
}

const c10ms = 10 * time.Millisecond

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
