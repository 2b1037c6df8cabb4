package pcap

import (
	"encoding/json"
	"net/netip"
	"strconv"
	"strings"

	"github.com/firebreak-ir/firebreak/internal/event"
)

// Record kinds.
const (
	kindConn uint8 = iota
	kindDNS
	kindHTTP
	kindTLS
)

// rec is one record waiting to be returned by Next.
type rec struct {
	kind     uint8
	t        int64
	seq      int64 // packet number the record starts at
	uid      int64 // first packet of the session: links a session's records
	src, dst netip.Addr
	sport    uint16
	dport    uint16
	proto    uint8

	// conn
	dur        int64
	orig, resp side
	state      string
	history    string
	service    string

	// dns
	transID uint16
	query   string
	qtype   string
	rcode   string
	answers []string
	rtt     int64 // -1 when unanswered

	// http
	http httpRequest

	// tls
	sni string
}

// queue holds records in the order they are returned.
type queue struct {
	recs []rec
	head int
}

func (q *queue) push() *rec {
	if q.head == len(q.recs) {
		q.recs, q.head = q.recs[:0], 0
	}
	if len(q.recs) < cap(q.recs) {
		q.recs = q.recs[:len(q.recs)+1]
		answers := q.recs[len(q.recs)-1].answers[:0]
		q.recs[len(q.recs)-1] = rec{answers: answers}
	} else {
		q.recs = append(q.recs, rec{})
	}
	return &q.recs[len(q.recs)-1]
}

func (q *queue) pop() *rec {
	if q.head == len(q.recs) {
		return nil
	}
	r := &q.recs[q.head]
	q.head++
	return r
}

// pushSession fills the session's 4-tuple, from the originator's side or,
// when fromOrig is false, from the responder's.
func (r *rec) fill(s *session, fromOrig bool) {
	r.uid, r.proto = s.firstPkt, s.key.proto
	r.src, r.dst, r.sport, r.dport = s.key.src, s.key.dst, s.key.sport, s.key.dport
	if !fromOrig {
		r.src, r.dst, r.sport, r.dport = r.dst, r.src, r.dport, r.sport
	}
}

func (q *queue) pushConn(s *session) {
	r := q.push()
	r.kind, r.t, r.seq = kindConn, s.first, s.firstPkt
	r.fill(s, true)
	r.dur = s.last - s.first
	r.orig, r.resp = s.orig, s.resp
	r.state = connState(s)
	r.history = string(s.history[:s.nhist])
	r.service = s.service
}

func (q *queue) pushDNS(s *session, dq *dnsQuery, a *dnsAnswer) {
	r := q.push()
	r.kind, r.t, r.seq = kindDNS, dq.t, dq.num
	r.fill(s, dq.fromOrig)
	r.transID, r.query, r.qtype = dq.id, dq.name, dq.qtype
	r.rtt = -1
	if a != nil {
		r.rcode = a.rcode
		r.answers = append(r.answers, a.answers...)
		r.rtt = a.t - dq.t
	}
}

func (q *queue) pushHTTP(s *session, p *packet, h httpRequest) {
	r := q.push()
	r.kind, r.t, r.seq = kindHTTP, p.t, p.num
	r.fill(s, true)
	r.http = h
}

func (q *queue) pushTLS(s *session, p *packet, sni string) {
	r := q.push()
	r.kind, r.t, r.seq = kindTLS, p.t, p.num
	r.fill(s, true)
	r.sni = sni
}

// emit writes r into ev: normalised fields as zeek.conn, zeek.dns,
// zeek.http and zeek.ssl records have them, original fields under Zeek's
// names.
func (d *decoder) emit(r *rec, ev *event.Event) {
	ev.Time, ev.Seq = r.t, r.seq
	srcIP, dstIP := r.src.Unmap().String(), r.dst.Unmap().String()
	ev.SetStr(event.SourceIP, srcIP)
	ev.SetStr(event.DestinationIP, dstIP)
	ev.SetInt(event.SourcePort, int64(r.sport))
	ev.SetInt(event.DestinationPort, int64(r.dport))
	transport := "tcp"
	if r.proto == protoUDP {
		transport = "udp"
	}
	ev.AddRaw("ts", zeekTime(r.t))
	ev.AddRaw("uid", "P"+strconv.FormatInt(r.uid, 10))
	ev.AddRaw("id.orig_h", srcIP)
	ev.AddRaw("id.orig_p", strconv.Itoa(int(r.sport)))
	ev.AddRaw("id.resp_h", dstIP)
	ev.AddRaw("id.resp_p", strconv.Itoa(int(r.dport)))
	switch r.kind {
	case kindConn:
		ev.Kind = "pcap.conn"
		ev.SetStr(event.NetworkTransport, transport)
		ev.SetStr(event.NetworkProtocol, r.service)
		ev.SetInt(event.EventDuration, r.dur)
		ev.SetInt(event.SourceBytes, r.orig.bytes)
		ev.SetInt(event.DestinationBytes, r.resp.bytes)
		ev.SetInt(event.SourcePackets, r.orig.pkts)
		ev.SetInt(event.DestinationPackets, r.resp.pkts)
		ev.SetStr(event.ConnState, r.state)
		ev.AddRaw("proto", transport)
		if r.service != "" {
			ev.AddRaw("service", r.service)
		}
		ev.AddRaw("duration", seconds(r.dur))
		ev.AddRaw("orig_bytes", strconv.FormatInt(r.orig.bytes, 10))
		ev.AddRaw("resp_bytes", strconv.FormatInt(r.resp.bytes, 10))
		ev.AddRaw("conn_state", r.state)
		if r.history != "" {
			ev.AddRaw("history", r.history)
		}
		ev.AddRaw("orig_pkts", strconv.FormatInt(r.orig.pkts, 10))
		ev.AddRaw("orig_ip_bytes", strconv.FormatInt(r.orig.ipBytes, 10))
		ev.AddRaw("resp_pkts", strconv.FormatInt(r.resp.pkts, 10))
		ev.AddRaw("resp_ip_bytes", strconv.FormatInt(r.resp.ipBytes, 10))
		ev.AddRaw("orig_frame_bytes", strconv.FormatInt(r.orig.wireBytes, 10))
		ev.AddRaw("resp_frame_bytes", strconv.FormatInt(r.resp.wireBytes, 10))
	case kindDNS:
		ev.Kind = "pcap.dns"
		ev.SetStr(event.NetworkTransport, transport)
		ev.SetStr(event.DNSQuestionName, r.query)
		ev.SetStr(event.DNSQuestionType, r.qtype)
		ev.SetStr(event.DNSResponseCode, r.rcode)
		ev.SetStr(event.DNSAnswers, strings.Join(r.answers, ","))
		ev.AddRaw("proto", transport)
		ev.AddRaw("trans_id", strconv.Itoa(int(r.transID)))
		if r.rtt >= 0 {
			ev.AddRaw("rtt", seconds(r.rtt))
		}
		ev.AddRaw("query", r.query)
		ev.AddRaw("qtype_name", r.qtype)
		if r.rcode != "" {
			ev.AddRaw("rcode_name", r.rcode)
		}
		if len(r.answers) > 0 {
			j, _ := json.Marshal(r.answers)
			ev.AddRaw("answers", string(j))
		}
	case kindHTTP:
		ev.Kind = "pcap.http"
		h := &r.http
		ev.SetStr(event.HTTPRequestMethod, h.method)
		ev.SetStr(event.URLPath, h.uri)
		ev.SetStr(event.URLDomain, stripPort(h.host))
		ev.SetStr(event.URLFull, fullURL(h.host, h.uri, dstIP, r.dport))
		ev.SetStr(event.UserAgentOriginal, h.ua)
		ev.AddRaw("method", h.method)
		if h.host != "" {
			ev.AddRaw("host", h.host)
		}
		ev.AddRaw("uri", h.uri)
		ev.AddRaw("version", h.version)
		if h.ua != "" {
			ev.AddRaw("user_agent", h.ua)
		}
	case kindTLS:
		ev.Kind = "pcap.tls"
		ev.SetStr(event.TLSServerName, r.sni)
		if r.sni != "" {
			ev.AddRaw("server_name", r.sni)
		}
	}
}

// zeekTime writes t as Zeek does: seconds with six decimals.
func zeekTime(t int64) string {
	sec, us := t/1e9, (t%1e9)/1e3
	if us < 0 {
		sec, us = sec-1, us+1e6
	}
	u := strconv.FormatInt(us+1e6, 10)
	return strconv.FormatInt(sec, 10) + "." + u[1:]
}

// seconds writes a duration in nanoseconds as seconds with six decimals.
func seconds(ns int64) string { return zeekTime(ns) }

// fullURL builds url.full as the Zeek decoder does.
func fullURL(host, uri, dstIP string, dport uint16) string {
	if hasPrefixFold(uri, "http://") || hasPrefixFold(uri, "https://") {
		return uri
	}
	if uri != "" && uri[0] != '/' {
		return ""
	}
	if host == "" {
		if strings.IndexByte(dstIP, ':') >= 0 {
			dstIP = "[" + dstIP + "]"
		}
		if dport != 80 {
			dstIP += ":" + strconv.Itoa(int(dport))
		}
		host = dstIP
	}
	if uri == "" {
		uri = "/"
	}
	return "http://" + host + uri
}

func stripPort(h string) string {
	if h != "" && h[0] == '[' {
		if i := strings.IndexByte(h, ']'); i > 0 {
			return h[1:i]
		}
		return h
	}
	if i := strings.LastIndexByte(h, ':'); i >= 0 && strings.IndexByte(h, ':') == i {
		if _, err := strconv.ParseUint(h[i+1:], 10, 16); err == nil {
			return h[:i]
		}
	}
	return h
}

func hasPrefixFold(s, p string) bool {
	return len(s) >= len(p) && strings.EqualFold(s[:len(p)], p)
}
