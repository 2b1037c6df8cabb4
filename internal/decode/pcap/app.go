package pcap

import (
	"bytes"
	"encoding/binary"
	"strconv"
	"strings"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

const (
	maxPendingDNS = 16       // unanswered DNS queries kept per session
	maxAppBuf     = 16 << 10 // client bytes gathered for a ClientHello
	maxAppPkts    = 8        // client packets looked at for one
)

// dnsQuery is a DNS query waiting for its answer.
type dnsQuery struct {
	id       uint16
	name     string
	qtype    string
	t        int64
	num      int64
	fromOrig bool
}

// dnsAnswer is what a response adds to its query.
type dnsAnswer struct {
	t       int64
	rcode   string
	answers []string
}

// udpApp looks for DNS in a UDP packet.
func (d *decoder) udpApp(s *session, p *packet, fromOrig bool) {
	if (p.sport != 53 && p.dport != 53) || len(p.payload) < 12 {
		return
	}
	if err := d.dns.DecodeFromBytes(p.payload, gopacket.NilDecodeFeedback); err != nil {
		return
	}
	s.service = "dns"
	if !d.dns.QR {
		if len(d.dns.Questions) == 0 {
			return
		}
		q := d.dns.Questions[0]
		if len(s.dns) >= maxPendingDNS {
			d.out.pushDNS(s, &s.dns[0], nil)
			copy(s.dns, s.dns[1:])
			s.dns = s.dns[:len(s.dns)-1]
		}
		s.dns = append(s.dns, dnsQuery{id: d.dns.ID, name: string(q.Name), qtype: dnsType(q.Type), t: p.t, num: p.num, fromOrig: fromOrig})
		return
	}
	a := dnsAnswer{t: p.t, rcode: rcodeName(d.dns.ResponseCode)}
	for i := range d.dns.Answers {
		if v := answerText(&d.dns.Answers[i]); v != "" {
			a.answers = append(a.answers, v)
		}
	}
	for i := range s.dns {
		if s.dns[i].id == d.dns.ID {
			d.out.pushDNS(s, &s.dns[i], &a)
			s.dns = append(s.dns[:i], s.dns[i+1:]...)
			return
		}
	}
	// An answer without its query: the query is what the answer repeats.
	q := dnsQuery{id: d.dns.ID, t: p.t, num: p.num, fromOrig: !fromOrig}
	if len(d.dns.Questions) > 0 {
		q.name, q.qtype = string(d.dns.Questions[0].Name), dnsType(d.dns.Questions[0].Type)
	}
	d.out.pushDNS(s, &q, &a)
}

func dnsType(t layers.DNSType) string {
	if n := t.String(); n != "Unknown" {
		return n
	}
	return strconv.Itoa(int(t))
}

// rcodeName is a response code's name as Zeek writes it.
func rcodeName(c layers.DNSResponseCode) string {
	const names = "NOERROR FORMERR SERVFAIL NXDOMAIN NOTIMP REFUSED YXDOMAIN YXRRSET NXRRSET NOTAUTH NOTZONE"
	rest := names
	for range c {
		i := strings.IndexByte(rest, ' ')
		if i < 0 {
			return strconv.Itoa(int(c))
		}
		rest = rest[i+1:]
	}
	if i := strings.IndexByte(rest, ' '); i >= 0 {
		return rest[:i]
	}
	return rest
}

// answerText is an answer's data as Zeek writes it in dns.log.
func answerText(rr *layers.DNSResourceRecord) string {
	switch rr.Type {
	case layers.DNSTypeA, layers.DNSTypeAAAA:
		if rr.IP != nil {
			return rr.IP.String()
		}
	case layers.DNSTypeCNAME:
		return string(rr.CNAME)
	case layers.DNSTypePTR:
		return string(rr.PTR)
	case layers.DNSTypeNS:
		return string(rr.NS)
	case layers.DNSTypeMX:
		return string(rr.MX.Name)
	case layers.DNSTypeTXT:
		return string(bytes.Join(rr.TXTs, nil))
	}
	return ""
}

// tcpApp looks at the client's first payload for an HTTP request line or a
// TLS ClientHello.
func (d *decoder) tcpApp(s *session, p *packet) {
	if s.appBuf == nil {
		if len(p.payload) == 0 {
			s.appDone = true
			return
		}
		if r, ok := parseHTTP(p.payload); ok {
			s.appDone = true
			s.service = "http"
			d.out.pushHTTP(s, p, r)
			return
		}
		if !isClientHello(p.payload) {
			s.appDone = true
			return
		}
		s.service = "ssl"
		s.orig.nextSeq = p.seq + uint32(p.plen)
		if need := tlsRecordLen(p.payload); len(p.payload) >= need || int64(len(p.payload)) < p.plen {
			s.appDone = true
			d.out.pushTLS(s, p, clientHelloSNI(p.payload))
			return
		}
		s.appBuf = append(make([]byte, 0, 2*len(p.payload)), p.payload...)
		s.appPkts = 1
		return
	}
	// Gathering a ClientHello that spans segments: in-order only.
	if p.seq != s.orig.nextSeq {
		if int32(p.seq-s.orig.nextSeq) < 0 {
			return // a retransmission
		}
		s.appPkts = maxAppPkts // a gap: give up with what there is
	} else {
		s.appBuf = append(s.appBuf, p.payload...)
		s.orig.nextSeq = p.seq + uint32(p.plen)
		s.appPkts++
	}
	if len(s.appBuf) >= tlsRecordLen(s.appBuf) || s.appPkts >= maxAppPkts || len(s.appBuf) >= maxAppBuf || int64(len(p.payload)) < p.plen {
		s.appDone = true
		d.out.pushTLS(s, p, clientHelloSNI(s.appBuf))
		s.appBuf = nil
	}
}

// httpRequest is an HTTP request line with its Host and User-Agent.
type httpRequest struct {
	method, uri, version, host, ua string
}

// parseHTTP reads the request line and headers in the first client
// payload.
func parseHTTP(b []byte) (httpRequest, bool) {
	var r httpRequest
	sp := bytes.IndexByte(b, ' ')
	if sp < 3 || sp > 8 {
		return r, false
	}
	switch string(b[:sp]) {
	case "GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "CONNECT", "PATCH", "TRACE", "PROPFIND":
	default:
		return r, false
	}
	eol := bytes.IndexByte(b, '\n')
	if eol < 0 {
		eol = len(b)
	}
	line := bytes.TrimRight(b[:eol], "\r")
	rest := line[sp+1:]
	v := bytes.LastIndexByte(rest, ' ')
	if v < 0 || !bytes.HasPrefix(rest[v+1:], []byte("HTTP/")) {
		return r, false
	}
	r.method = string(b[:sp])
	r.uri = string(rest[:v])
	r.version = string(rest[v+1+5:])
	if eol == len(b) {
		return r, true
	}
	for h := b[eol+1:]; len(h) > 0; {
		e := bytes.IndexByte(h, '\n')
		var l []byte
		if e < 0 {
			l, h = h, nil
		} else {
			l, h = h[:e], h[e+1:]
		}
		l = bytes.TrimRight(l, "\r")
		if len(l) == 0 {
			break
		}
		c := bytes.IndexByte(l, ':')
		if c <= 0 {
			continue
		}
		name, val := l[:c], string(bytes.TrimSpace(l[c+1:]))
		switch {
		case bytes.EqualFold(name, []byte("Host")):
			r.host = val
		case bytes.EqualFold(name, []byte("User-Agent")):
			r.ua = val
		}
	}
	return r, true
}

// isClientHello reports whether b starts a TLS handshake record holding a
// ClientHello.
func isClientHello(b []byte) bool {
	return len(b) >= 6 && b[0] == 0x16 && b[1] == 3 && b[2] <= 4 && b[5] == 1
}

// tlsRecordLen is the length of the TLS record that starts b, header
// included.
func tlsRecordLen(b []byte) int {
	if len(b) < 5 {
		return 5
	}
	return 5 + int(binary.BigEndian.Uint16(b[3:5]))
}

// clientHelloSNI returns the server name of the ClientHello that starts
// b, "" when it has none or it is cut before it.
func clientHelloSNI(b []byte) string {
	if !isClientHello(b) {
		return ""
	}
	b = b[5:]
	if len(b) < 4 {
		return ""
	}
	hlen := int(b[1])<<16 | int(b[2])<<8 | int(b[3])
	b = b[4:]
	if hlen < len(b) {
		b = b[:hlen]
	}
	// client_version, random
	if len(b) < 34 {
		return ""
	}
	b = b[34:]
	skip := func(lenBytes int) bool {
		if len(b) < lenBytes {
			return false
		}
		n := 0
		for i := range lenBytes {
			n = n<<8 | int(b[i])
		}
		if len(b) < lenBytes+n {
			return false
		}
		b = b[lenBytes+n:]
		return true
	}
	if !skip(1) || !skip(2) || !skip(1) { // session id, cipher suites, compression
		return ""
	}
	if len(b) < 2 {
		return ""
	}
	b = b[2:] // extensions length: read extensions until the data ends
	for len(b) >= 4 {
		typ := binary.BigEndian.Uint16(b)
		n := int(binary.BigEndian.Uint16(b[2:]))
		b = b[4:]
		if n > len(b) {
			return ""
		}
		ext := b[:n]
		b = b[n:]
		if typ != 0 {
			continue
		}
		// server_name: list length, then entries of type, length, name.
		if len(ext) < 2 {
			return ""
		}
		for l := ext[2:]; len(l) >= 3; {
			nt, nl := l[0], int(binary.BigEndian.Uint16(l[1:]))
			l = l[3:]
			if nl > len(l) {
				return ""
			}
			if nt == 0 {
				return string(l[:nl])
			}
			l = l[nl:]
		}
		return ""
	}
	return ""
}
