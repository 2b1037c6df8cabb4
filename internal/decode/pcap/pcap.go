// Package pcap turns packet captures (pcap and pcapng) into the records a
// responder reads from Zeek: one connection record per TCP or UDP session,
// with packets and payload bytes each way, duration and a Zeek-like
// connection state, and application records for DNS queries and answers,
// HTTP request lines and TLS ClientHello server names.
//
// It exists because in many incidents the only network evidence is a
// capture taken on a span port or a firewall, with no Zeek or Suricata run
// over it; decoding it into the same normalised fields as zeek.conn lets the
// searches, indicator sweeps and analytics work on it unchanged.
//
// The decoder streams: sessions live in a table bounded by idle timeouts
// (in capture time) and a hard cap on their number, and are written out as
// they end. Packets are decoded with gopacket's DecodingLayerParser into
// layers the decoder owns, so decoding a packet does not allocate. A
// truncated or corrupt capture keeps every record read before the damage
// and reports where it stopped as a RecordError.
package pcap

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/netip"

	"github.com/firebreak-ir/firebreak/internal/decode"
	"github.com/firebreak-ir/firebreak/internal/event"
	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// Format recognises pcap (microsecond and nanosecond, either byte order)
// and pcapng captures.
var Format = decode.Format{
	Name:   "pcap",
	Detect: Detect,
	Open: func(r io.Reader, path string) (decode.Decoder, error) {
		return newDecoder(r, path, defaultConfig())
	},
}

// Detect reports whether head starts a pcap or pcapng capture.
func Detect(head []byte) bool {
	if len(head) < 4 {
		return false
	}
	switch binary.BigEndian.Uint32(head) {
	case 0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 0x4d3cb2a1:
		// Classic pcap: the version that follows must be 2.x.
		if len(head) >= 6 {
			le := head[0] == 0xd4 || head[0] == 0x4d
			major := binary.BigEndian.Uint16(head[4:])
			if le {
				major = binary.LittleEndian.Uint16(head[4:])
			}
			return major == 2
		}
		return true
	case 0x0a0d0d0a:
		// pcapng section header: the byte-order magic follows the length.
		if len(head) >= 12 {
			m := head[8:12]
			return bytes.Equal(m, []byte{0x1a, 0x2b, 0x3c, 0x4d}) || bytes.Equal(m, []byte{0x4d, 0x3c, 0x2b, 0x1a})
		}
		return true
	}
	return false
}

// config holds the limits of the session table. Durations are nanoseconds
// of capture time.
type config struct {
	tcpIdle     int64 // an open TCP session with no packet for this long ends
	udpIdle     int64 // a UDP session with no packet for this long ends
	closeLinger int64 // a TCP session closed by FIN both ways or RST ends after this
	maxSessions int   // beyond this many sessions, the least recently active ends
}

func defaultConfig() config {
	return config{
		tcpIdle:     5 * 60e9,
		udpIdle:     60e9,
		closeLinger: 5e9,
		maxSessions: 1 << 18,
	}
}

// packetReader is what pcapgo's Reader and NgReader share.
type packetReader interface {
	ZeroCopyReadPacketData() ([]byte, gopacket.CaptureInfo, error)
}

// countingReader counts the bytes read from the input, so that the end of
// a classic pcap can be told from a truncated packet header.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// decoder reads one capture.
type decoder struct {
	path string
	cfg  config

	src    packetReader
	in     *countingReader
	ng     bool
	link   layers.LinkType
	offset int64 // classic pcap: offset of the next packet record
	pkt    int64 // packets read
	ended  bool
	endErr error // a RecordError to return once the table is flushed

	// Layers, owned by the decoder and reused for every packet.
	eth     layers.Ethernet
	sll     layers.LinuxSLL
	sll2    layers.LinuxSLL2
	loop    layers.Loopback
	dot1q   layers.Dot1Q
	ip4     layers.IPv4
	ip6     layers.IPv6
	tcp     layers.TCP
	udp     layers.UDP
	dns     layers.DNS
	decoded []gopacket.LayerType
	parsers map[gopacket.LayerType]*gopacket.DecodingLayerParser

	tab table
	out queue

	// Undecodable is the number of packets that were not TCP or UDP over
	// IP, or whose headers were damaged.
	undecodable int64
}

func newDecoder(r io.Reader, path string, cfg config) (*decoder, error) {
	d := &decoder{path: path, cfg: cfg, in: &countingReader{r: r}}
	d.tab.init(cfg)
	var head [4]byte
	br := &prefixReader{r: d.in}
	if _, err := io.ReadFull(br, head[:]); err != nil {
		return nil, fmt.Errorf("%s: not a capture: %w", path, err)
	}
	br.prefix = head[:]
	if binary.BigEndian.Uint32(head[:]) == 0x0a0d0d0a {
		ng, err := pcapgo.NewNgReader(br, pcapgo.NgReaderOptions{WantMixedLinkType: true})
		if err != nil {
			return nil, fmt.Errorf("%s: pcapng section header: %w", path, err)
		}
		d.src, d.ng, d.link = ng, true, ng.LinkType()
	} else {
		pr, err := pcapgo.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("%s: pcap file header: %w", path, err)
		}
		d.src, d.link, d.offset = pr, pr.LinkType(), 24
	}
	d.parsers = make(map[gopacket.LayerType]*gopacket.DecodingLayerParser, 2)
	d.decoded = make([]gopacket.LayerType, 0, 8)
	return d, nil
}

// prefixReader gives back bytes already read before the rest of r.
type prefixReader struct {
	prefix []byte
	r      io.Reader
}

func (p *prefixReader) Read(b []byte) (int, error) {
	if len(p.prefix) > 0 {
		n := copy(b, p.prefix)
		p.prefix = p.prefix[n:]
		return n, nil
	}
	return p.r.Read(b)
}

func (d *decoder) parser(first gopacket.LayerType) *gopacket.DecodingLayerParser {
	p := d.parsers[first]
	if p == nil {
		p = gopacket.NewDecodingLayerParser(first, &d.eth, &d.sll, &d.sll2, &d.loop, &d.dot1q, &d.ip4, &d.ip6, &d.tcp, &d.udp)
		p.IgnoreUnsupported = true
		d.parsers[first] = p
	}
	return p
}

// Next returns the next record: application records as their packets are
// read, connection records as their sessions end.
func (d *decoder) Next(ev *event.Event) error {
	for {
		if r := d.out.pop(); r != nil {
			d.emit(r, ev)
			return nil
		}
		if d.ended {
			if d.endErr != nil {
				err := d.endErr
				d.endErr = nil
				return err
			}
			return io.EOF
		}
		d.readPacket()
	}
}

// readPacket reads and accounts for one packet, or ends the input.
func (d *decoder) readPacket() {
	data, ci, err := d.src.ZeroCopyReadPacketData()
	if err != nil {
		d.end(err)
		return
	}
	d.pkt++
	if !d.ng {
		d.offset += 16 + int64(ci.CaptureLength)
	}
	now := ci.Timestamp.UnixNano()
	d.tab.expire(now, &d.out)
	link := d.link
	if d.ng && len(ci.AncillaryData) > 0 {
		if lt, ok := ci.AncillaryData[0].(layers.LinkType); ok {
			link = lt
		}
	}
	var first gopacket.LayerType
	switch link {
	case layers.LinkTypeEthernet:
		first = layers.LayerTypeEthernet
	case layers.LinkTypeLinuxSLL:
		first = layers.LayerTypeLinuxSLL
	case layers.LinkTypeLinuxSLL2:
		first = layers.LayerTypeLinuxSLL2
	case layers.LinkTypeNull, layers.LinkTypeLoop:
		first = layers.LayerTypeLoopback
	case layers.LinkTypeRaw, layers.LinkTypeIPv4, layers.LinkTypeIPv6, 12, 14:
		if len(data) == 0 {
			d.undecodable++
			return
		}
		first = layers.LayerTypeIPv4
		if data[0]>>4 == 6 {
			first = layers.LayerTypeIPv6
		}
	default:
		d.undecodable++
		return
	}
	d.decoded = d.decoded[:0]
	p := d.parser(first)
	if err := p.DecodeLayers(data, &d.decoded); err != nil && len(d.decoded) == 0 {
		d.undecodable++
		return
	}
	var pk packet
	pk.t, pk.num, pk.wire = now, d.pkt, int64(ci.Length)
	for _, lt := range d.decoded {
		switch lt {
		case layers.LayerTypeIPv4:
			pk.ipv = 4
			pk.src = netip.AddrFrom4([4]byte(d.ip4.SrcIP.To4()))
			pk.dst = netip.AddrFrom4([4]byte(d.ip4.DstIP.To4()))
			pk.ipLen = int64(d.ip4.Length)
			pk.l4Len = int64(d.ip4.Length) - int64(d.ip4.IHL)*4
		case layers.LayerTypeIPv6:
			if pk.ipv != 0 {
				continue // tunnelled: keep the outer addresses
			}
			pk.ipv = 6
			pk.src = netip.AddrFrom16([16]byte(d.ip6.SrcIP.To16()))
			pk.dst = netip.AddrFrom16([16]byte(d.ip6.DstIP.To16()))
			pk.ipLen = int64(d.ip6.Length) + 40
			pk.l4Len = int64(d.ip6.Length) // extension headers are counted in
		case layers.LayerTypeTCP:
			if pk.ipv == 0 || pk.proto != 0 {
				continue
			}
			pk.proto = protoTCP
			pk.sport, pk.dport = uint16(d.tcp.SrcPort), uint16(d.tcp.DstPort)
			pk.flags = tcpFlags(&d.tcp)
			pk.seq = d.tcp.Seq
			pk.payload = d.tcp.Payload
			pk.plen = max(pk.l4Len-int64(d.tcp.DataOffset)*4, int64(len(d.tcp.Payload)))
		case layers.LayerTypeUDP:
			if pk.ipv == 0 || pk.proto != 0 {
				continue
			}
			pk.proto = protoUDP
			pk.sport, pk.dport = uint16(d.udp.SrcPort), uint16(d.udp.DstPort)
			pk.payload = d.udp.Payload
			pk.plen = max(int64(d.udp.Length)-8, int64(len(d.udp.Payload)))
		}
	}
	if pk.proto == 0 || !pk.src.IsValid() || !pk.dst.IsValid() {
		d.undecodable++
		return
	}
	if pk.ipv == 4 && d.ip4.FragOffset != 0 {
		d.undecodable++ // a later fragment: no transport header
		return
	}
	d.account(&pk)
}

// end stops reading: every session still open is flushed, and anything
// but a clean end of input becomes a RecordError returned after them.
func (d *decoder) end(err error) {
	d.ended = true
	d.tab.flushAll(&d.out)
	if err == io.EOF && !d.ng && d.in.n > d.offset {
		// pcapgo reports io.EOF when a packet header is read but none
		// of its data, or when part of a header is left.
		err = io.ErrUnexpectedEOF
	}
	if err == io.EOF {
		return
	}
	re := &decode.RecordError{Path: d.path, Offset: -1}
	if !d.ng {
		re.Offset = d.offset
	}
	what := "damaged"
	if errors.Is(err, io.ErrUnexpectedEOF) {
		what = "truncated"
	}
	re.Reason = fmt.Sprintf("capture %s after packet %d: %v; the packets before were read", what, d.pkt, err)
	d.endErr = re
}

func tcpFlags(t *layers.TCP) uint8 {
	var f uint8
	if t.FIN {
		f |= flagFIN
	}
	if t.SYN {
		f |= flagSYN
	}
	if t.RST {
		f |= flagRST
	}
	if t.ACK {
		f |= flagACK
	}
	return f
}
