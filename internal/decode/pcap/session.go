package pcap

import (
	"net/netip"
)

const (
	protoTCP = 6
	protoUDP = 17
)

const (
	flagFIN uint8 = 1 << iota
	flagSYN
	flagRST
	flagACK
)

// packet is what the session table needs of one decoded packet.
type packet struct {
	t        int64
	num      int64
	wire     int64 // original frame length
	ipv      uint8
	proto    uint8
	src, dst netip.Addr
	sport    uint16
	dport    uint16
	flags    uint8
	seq      uint32
	ipLen    int64
	l4Len    int64
	plen     int64  // transport payload length, from the headers
	payload  []byte // captured payload (may be shorter than plen)
}

// key names a session from its originator's side.
type key struct {
	src, dst     netip.Addr
	sport, dport uint16
	proto        uint8
}

// Endpoint states, after Zeek's TCP_* endpoint states.
const (
	stInactive uint8 = iota
	stSynSent
	stSynAckSent
	stPartial
	stEstablished
	stClosed
	stReset
)

// side is one direction of a session.
type side struct {
	pkts, bytes, ipBytes, wireBytes int64
	state                           uint8
	nextSeq                         uint32 // client side: where the next in-order payload starts
}

// lists a session can be on; each is ordered by last activity and has one
// timeout, so its front is the next to expire.
const (
	listTCP = iota
	listUDP
	listClosed
	numLists
)

// session is one TCP or UDP conversation.
type session struct {
	key         key
	first, last int64
	firstPkt    int64
	orig, resp  side
	history     [24]byte
	nhist       uint8
	histSeen    uint16 // bits of history letters already recorded
	service     string
	list        int
	prev, next  *session

	appDone bool   // application detection finished for the client stream
	appBuf  []byte // client payload gathered for detection (TLS ClientHello)
	appPkts int
	dns     []dnsQuery // DNS queries waiting for an answer
}

// table is the bounded session table.
type table struct {
	cfg     config
	m       map[key]*session
	heads   [numLists]session // sentinels of circular lists
	n       int
	free    []*session
	timeout [numLists]int64
}

func (t *table) init(cfg config) {
	t.cfg = cfg
	t.m = make(map[key]*session)
	for i := range t.heads {
		h := &t.heads[i]
		h.prev, h.next = h, h
	}
	t.timeout = [numLists]int64{listTCP: cfg.tcpIdle, listUDP: cfg.udpIdle, listClosed: cfg.closeLinger}
}

func (t *table) unlink(s *session) {
	s.prev.next = s.next
	s.next.prev = s.prev
	s.prev, s.next = nil, nil
}

func (t *table) pushBack(s *session, list int) {
	h := &t.heads[list]
	s.list = list
	s.prev, s.next = h.prev, h
	h.prev.next = s
	h.prev = s
}

// touch moves s to the back of list.
func (t *table) touch(s *session, list int) {
	t.unlink(s)
	t.pushBack(s, list)
}

// expire ends the sessions idle at time now, earliest deadline first.
func (t *table) expire(now int64, out *queue) {
	for {
		best, bestDeadline := -1, int64(0)
		for i := range t.heads {
			h := &t.heads[i]
			if h.next == h {
				continue
			}
			dl := h.next.last + t.timeout[i]
			if dl < now && (best < 0 || dl < bestDeadline) {
				best, bestDeadline = i, dl
			}
		}
		if best < 0 {
			return
		}
		t.flush(t.heads[best].next, out)
	}
}

// oldest returns the least recently active session.
func (t *table) oldest() *session {
	var o *session
	for i := range t.heads {
		h := &t.heads[i]
		if h.next != h && (o == nil || h.next.last < o.last) {
			o = h.next
		}
	}
	return o
}

// flush ends s: its records go to out and it leaves the table.
func (t *table) flush(s *session, out *queue) {
	t.unlink(s)
	delete(t.m, s.key)
	t.n--
	for i := range s.dns {
		out.pushDNS(s, &s.dns[i], nil)
	}
	out.pushConn(s)
	dns := s.dns[:0]
	*s = session{dns: dns}
	t.free = append(t.free, s)
}

func (t *table) flushAll(out *queue) {
	for {
		s := t.oldest()
		if s == nil {
			return
		}
		t.flush(s, out)
	}
}

// lookup finds the session of p and whether p travels from its originator.
func (t *table) lookup(p *packet) (*session, bool) {
	k := key{p.src, p.dst, p.sport, p.dport, p.proto}
	if s := t.m[k]; s != nil {
		return s, true
	}
	k = key{p.dst, p.src, p.dport, p.sport, p.proto}
	if s := t.m[k]; s != nil {
		return s, false
	}
	return nil, false
}

// create starts a session for p. The originator is the side that sent the
// first packet, except that a SYN-ACK seen first makes its receiver the
// originator.
func (t *table) create(p *packet, out *queue) (*session, bool) {
	if t.n >= t.cfg.maxSessions {
		if o := t.oldest(); o != nil {
			t.flush(o, out)
		}
	}
	var s *session
	if n := len(t.free); n > 0 {
		s = t.free[n-1]
		t.free = t.free[:n-1]
	} else {
		s = new(session)
	}
	fromOrig := true
	k := key{p.src, p.dst, p.sport, p.dport, p.proto}
	if p.proto == protoTCP && p.flags&(flagSYN|flagACK) == flagSYN|flagACK {
		k = key{p.dst, p.src, p.dport, p.sport, p.proto}
		fromOrig = false
	}
	s.key = k
	s.first, s.last, s.firstPkt = p.t, p.t, p.num
	list := listTCP
	if p.proto == protoUDP {
		list = listUDP
	}
	t.m[k] = s
	t.n++
	t.pushBack(s, list)
	return s, fromOrig
}

// addHistory records a Zeek history letter the first time it is seen.
func (s *session) addHistory(c byte) {
	var bit uint16
	switch c | 0x20 {
	case 's':
		bit = 1
	case 'h':
		bit = 2
	case 'a':
		bit = 4
	case 'd':
		bit = 8
	case 'f':
		bit = 16
	case 'r':
		bit = 32
	}
	if c >= 'a' {
		bit <<= 8
	}
	if s.histSeen&bit != 0 || int(s.nhist) >= len(s.history) {
		return
	}
	s.histSeen |= bit
	s.history[s.nhist] = c
	s.nhist++
}

// account adds p to its session.
func (d *decoder) account(p *packet) {
	t := &d.tab
	s, fromOrig := t.lookup(p)
	if s != nil && p.proto == protoTCP && fromOrig && p.flags&(flagSYN|flagACK) == flagSYN &&
		(s.orig.state == stClosed || s.orig.state == stReset || s.resp.state == stReset) {
		// A new SYN on a closed connection's ports: a new connection.
		t.flush(s, &d.out)
		s = nil
	}
	if s == nil {
		s, fromOrig = t.create(p, &d.out)
	}
	if p.t > s.last {
		s.last = p.t
	}
	me, peer := &s.orig, &s.resp
	if !fromOrig {
		me, peer = &s.resp, &s.orig
	}
	me.pkts++
	me.bytes += p.plen
	me.ipBytes += p.ipLen
	me.wireBytes += p.wire
	if p.proto == protoUDP {
		me.state = stEstablished
		t.touch(s, listUDP)
		d.udpApp(s, p, fromOrig)
		return
	}
	d.tcpState(s, p, me, peer, fromOrig)
	list := listTCP
	if (s.orig.state == stClosed && s.resp.state == stClosed) || s.orig.state == stReset || s.resp.state == stReset {
		list = listClosed
	}
	t.touch(s, list)
	if fromOrig && p.plen > 0 && !s.appDone {
		d.tcpApp(s, p)
	}
}

// tcpState advances the endpoint states and the history of s with p, sent
// by me to peer.
func (d *decoder) tcpState(s *session, p *packet, me, peer *side, fromOrig bool) {
	letter := func(c byte) byte {
		if fromOrig {
			return c
		}
		return c + 'a' - 'A'
	}
	f := p.flags
	switch {
	case f&flagRST != 0:
		me.state = stReset
		s.addHistory(letter('R'))
	case f&(flagSYN|flagACK) == flagSYN:
		if me.state == stInactive {
			me.state = stSynSent
		}
		s.addHistory(letter('S'))
	case f&(flagSYN|flagACK) == flagSYN|flagACK:
		if me.state == stInactive || me.state == stSynSent {
			me.state = stSynAckSent
		}
		s.addHistory(letter('H'))
	default:
		switch me.state {
		case stInactive:
			me.state = stPartial
		case stSynSent, stSynAckSent:
			if peer.state == stSynSent || peer.state == stSynAckSent || peer.state == stEstablished {
				me.state = stEstablished
				if peer.state != stEstablished {
					peer.state = stEstablished
				}
			}
		}
		if f&flagFIN != 0 {
			if me.state != stReset {
				me.state = stClosed
			}
			s.addHistory(letter('F'))
		}
		if p.plen > 0 {
			s.addHistory(letter('D'))
		} else if f&(flagACK|flagFIN) == flagACK {
			s.addHistory(letter('A'))
		}
	}
}

// connState is Zeek's conn_state for s.
func connState(s *session) string {
	os, rs := s.orig.state, s.resp.state
	if s.key.proto == protoUDP {
		switch {
		case os != stInactive && rs != stInactive:
			return "SF"
		case os != stInactive:
			return "S0"
		case rs != stInactive:
			return "SHR"
		}
		return "OTH"
	}
	oInactive := os == stInactive || os == stPartial
	rInactive := rs == stInactive || rs == stPartial
	switch {
	case rs == stReset:
		if os == stSynSent || os == stSynAckSent || (os == stReset && s.orig.bytes == 0 && s.resp.bytes == 0) {
			return "REJ"
		}
		if oInactive {
			return "RSTRH"
		}
		return "RSTR"
	case os == stReset:
		if rInactive {
			return "RSTOS0"
		}
		return "RSTO"
	case rs == stClosed && os == stClosed:
		return "SF"
	case os == stClosed:
		if rInactive {
			return "SH"
		}
		return "S2"
	case rs == stClosed:
		if oInactive {
			return "SHR"
		}
		return "S3"
	case os == stSynSent && rs == stInactive:
		return "S0"
	case os == stEstablished && rs == stEstablished:
		return "S1"
	}
	return "OTH"
}
