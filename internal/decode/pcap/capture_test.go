package pcap

import (
	"bytes"
	"encoding/binary"
	"net"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// t0 is when the generated captures start.
var t0 = time.Date(2025, 11, 20, 10, 0, 0, 0, time.UTC)

// capture writes a pcap or pcapng file of generated packets.
type capture struct {
	tb   testing.TB
	buf  bytes.Buffer
	w    *pcapgo.Writer
	ng   *pcapgo.NgWriter
	sb   gopacket.SerializeBuffer
	now  time.Time
	step time.Duration
	n    int
}

func newCapture(tb testing.TB, ng bool) *capture {
	c := &capture{tb: tb, sb: gopacket.NewSerializeBuffer(), now: t0, step: 10 * time.Millisecond}
	if ng {
		w, err := pcapgo.NewNgWriter(&c.buf, layers.LinkTypeEthernet)
		if err != nil {
			tb.Fatal(err)
		}
		c.ng = w
	} else {
		c.w = pcapgo.NewWriterNanos(&c.buf)
		if err := c.w.WriteFileHeader(65535, layers.LinkTypeEthernet); err != nil {
			tb.Fatal(err)
		}
	}
	return c
}

// bytes ends the capture and returns it.
func (c *capture) bytes() []byte {
	if c.ng != nil {
		if err := c.ng.Flush(); err != nil {
			c.tb.Fatal(err)
		}
	}
	return c.buf.Bytes()
}

// write serialises ls as one frame at the current time and advances it.
func (c *capture) write(ls ...gopacket.SerializableLayer) time.Time {
	if err := gopacket.SerializeLayers(c.sb, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, ls...); err != nil {
		c.tb.Fatal(err)
	}
	data := c.sb.Bytes()
	ci := gopacket.CaptureInfo{Timestamp: c.now, CaptureLength: len(data), Length: len(data)}
	var err error
	if c.ng != nil {
		err = c.ng.WritePacket(ci, data)
	} else {
		err = c.w.WritePacket(ci, data)
	}
	if err != nil {
		c.tb.Fatal(err)
	}
	t := c.now
	c.now = c.now.Add(c.step)
	c.n++
	return t
}

// ip returns the Ethernet and IP layers from src to dst.
func ipLayers(src, dst string, proto layers.IPProtocol) (*layers.Ethernet, gopacket.SerializableLayer, gopacket.NetworkLayer) {
	s, d := net.ParseIP(src), net.ParseIP(dst)
	eth := &layers.Ethernet{SrcMAC: net.HardwareAddr{2, 0, 0, 0, 0, 1}, DstMAC: net.HardwareAddr{2, 0, 0, 0, 0, 2}}
	if s4 := s.To4(); s4 != nil {
		eth.EthernetType = layers.EthernetTypeIPv4
		ip := &layers.IPv4{Version: 4, IHL: 5, TTL: 64, Protocol: proto, SrcIP: s4, DstIP: d.To4()}
		return eth, ip, ip
	}
	eth.EthernetType = layers.EthernetTypeIPv6
	ip := &layers.IPv6{Version: 6, HopLimit: 64, NextHeader: proto, SrcIP: s, DstIP: d}
	return eth, ip, ip
}

// udp writes one UDP datagram.
func (c *capture) udp(src string, sport uint16, dst string, dport uint16, payload []byte) time.Time {
	eth, ip, nl := ipLayers(src, dst, layers.IPProtocolUDP)
	u := &layers.UDP{SrcPort: layers.UDPPort(sport), DstPort: layers.UDPPort(dport)}
	if err := u.SetNetworkLayerForChecksum(nl); err != nil {
		c.tb.Fatal(err)
	}
	return c.write(eth, ip, u, gopacket.Payload(payload))
}

// conv is a TCP conversation being written.
type conv struct {
	c           *capture
	ca, sa      string
	cp, sp      uint16
	cseq, sseq  uint32
	first, last time.Time
	pkts        [2]int64 // client, server
	bytes       [2]int64 // payload
	frames      [2]int64 // frame bytes
}

func (c *capture) conv(ca string, cp uint16, sa string, sp uint16) *conv {
	return &conv{c: c, ca: ca, cp: cp, sa: sa, sp: sp, cseq: 1000, sseq: 50000}
}

// pkt writes one segment. flags holds S, A, F, R, P.
func (v *conv) pkt(fromClient bool, flags string, data []byte) {
	src, dst, sp, dp := v.ca, v.sa, v.cp, v.sp
	seq, ack := &v.cseq, v.sseq
	i := 0
	if !fromClient {
		src, dst, sp, dp = v.sa, v.ca, v.sp, v.cp
		seq, ack = &v.sseq, v.cseq
		i = 1
	}
	eth, ip, nl := ipLayers(src, dst, layers.IPProtocolTCP)
	t := &layers.TCP{SrcPort: layers.TCPPort(sp), DstPort: layers.TCPPort(dp), Seq: *seq, Window: 64240}
	for _, f := range flags {
		switch f {
		case 'S':
			t.SYN = true
		case 'A':
			t.ACK = true
		case 'F':
			t.FIN = true
		case 'R':
			t.RST = true
		case 'P':
			t.PSH = true
		}
	}
	if t.ACK {
		t.Ack = ack
	}
	if err := t.SetNetworkLayerForChecksum(nl); err != nil {
		v.c.tb.Fatal(err)
	}
	at := v.c.write(eth, ip, t, gopacket.Payload(data))
	if v.first.IsZero() {
		v.first = at
	}
	v.last = at
	v.pkts[i]++
	v.bytes[i] += int64(len(data))
	v.frames[i] += int64(len(v.c.sb.Bytes()))
	*seq += uint32(len(data))
	if t.SYN || t.FIN {
		*seq++
	}
}

// handshake writes SYN, SYN-ACK, ACK.
func (v *conv) handshake() {
	v.pkt(true, "S", nil)
	v.pkt(false, "SA", nil)
	v.pkt(true, "A", nil)
}

// close writes FIN-ACK both ways and the last ACK.
func (v *conv) close() {
	v.pkt(true, "FA", nil)
	v.pkt(false, "FA", nil)
	v.pkt(true, "A", nil)
}

// dnsMsg builds a DNS message; answers are A/AAAA addresses or, when not
// an address, CNAME targets.
func dnsMsg(tb testing.TB, id uint16, name string, qtype layers.DNSType, rcode layers.DNSResponseCode, answers ...string) []byte {
	d := &layers.DNS{ID: id, RD: true, OpCode: layers.DNSOpCodeQuery,
		Questions: []layers.DNSQuestion{{Name: []byte(name), Type: qtype, Class: layers.DNSClassIN}}}
	if rcode != 0 || len(answers) > 0 {
		d.QR, d.RA, d.ResponseCode = true, true, rcode
	}
	owner := name
	for _, a := range answers {
		rr := layers.DNSResourceRecord{Name: []byte(owner), Class: layers.DNSClassIN, TTL: 60}
		if ip := net.ParseIP(a); ip != nil {
			rr.IP = ip
			rr.Type = layers.DNSTypeA
			if ip.To4() == nil {
				rr.Type = layers.DNSTypeAAAA
			}
		} else {
			rr.Type, rr.CNAME = layers.DNSTypeCNAME, []byte(a)
			owner = a
		}
		d.Answers = append(d.Answers, rr)
	}
	sb := gopacket.NewSerializeBuffer()
	if err := d.SerializeTo(sb, gopacket.SerializeOptions{FixLengths: true}); err != nil {
		tb.Fatal(err)
	}
	return append([]byte(nil), sb.Bytes()...)
}

// clientHello builds a TLS ClientHello record naming sni, with a padding
// extension of pad bytes before the server name.
func clientHello(sni string, pad int) []byte {
	var ext []byte
	if pad > 0 {
		ext = binary.BigEndian.AppendUint16(ext, 21)
		ext = binary.BigEndian.AppendUint16(ext, uint16(pad))
		ext = append(ext, make([]byte, pad)...)
	}
	if sni != "" {
		ext = binary.BigEndian.AppendUint16(ext, 0)
		ext = binary.BigEndian.AppendUint16(ext, uint16(len(sni)+5))
		ext = binary.BigEndian.AppendUint16(ext, uint16(len(sni)+3))
		ext = append(ext, 0)
		ext = binary.BigEndian.AppendUint16(ext, uint16(len(sni)))
		ext = append(ext, sni...)
	}
	var body []byte
	body = append(body, 3, 3)                   // client_version TLS 1.2
	body = append(body, make([]byte, 32)...)    // random
	body = append(body, 0)                      // session id
	body = append(body, 0, 4, 0x13, 1, 0x13, 2) // cipher suites
	body = append(body, 1, 0)                   // compression
	body = binary.BigEndian.AppendUint16(body, uint16(len(ext)))
	body = append(body, ext...)
	hs := []byte{1, byte(len(body) >> 16), byte(len(body) >> 8), byte(len(body))}
	hs = append(hs, body...)
	rec := []byte{0x16, 3, 1, byte(len(hs) >> 8), byte(len(hs))}
	return append(rec, hs...)
}
