package syslog

import (
	"strings"

	"github.com/firebreak-ir/firebreak/internal/decode/netfield"
	"github.com/firebreak-ir/firebreak/internal/event"
)

// isASA reports whether a message is a Cisco ASA/FTD/PIX message
// ("%ASA-6-302013: …").
func isASA(msg string) bool {
	return strings.HasPrefix(msg, "%ASA-") || strings.HasPrefix(msg, "%FTD-") || strings.HasPrefix(msg, "%PIX-")
}

// maxConns bounds the connections whose direction is remembered between
// their Built and Teardown messages.
const maxConns = 1 << 16

// asaState remembers, per connection ID, whether a Built message named the
// initiator first ("inbound") so that its Teardown, which does not say,
// is read the same way.
type asaState struct {
	inbound map[string]bool
}

// asa decodes a Cisco ASA message: connection built and teardown
// (302013-302016 and their kin), access-list denials and permits
// (106001, 106006, 106015, 106023, 106100, 710003, …). Other messages keep
// their text.
func (st *asaState) asa(ev *event.Event, msg string, words []string) []string {
	ev.Kind = "cisco.asa"
	head, text, _ := strings.Cut(msg, ": ")
	head = strings.TrimSuffix(head, ":")
	// %ASA-6-302013
	if _, rest, ok := strings.Cut(head, "-"); ok {
		if sev, id, ok := strings.Cut(rest, "-"); ok {
			ev.AddRaw("asa_severity", sev)
			ev.AddRaw("asa_id", id)
			ev.SetStr(event.EventCode, id)
		}
	}
	ev.AddRaw("message", text)
	ev.SetStr(event.Message, text)
	if strings.Contains(text, "SrcIP: ") {
		ftd(ev, text)
		return words
	}
	words = fields(text, words[:0])
	if len(words) == 0 {
		return words
	}
	at := func(i int) string {
		if i >= 0 && i < len(words) {
			return words[i]
		}
		return ""
	}
	var src, dst string
	action := ""
	switch {
	case words[0] == "Built" || words[0] == "Teardown":
		// Built {inbound|outbound} TCP connection ID for A (A') to B (B')
		// Teardown TCP connection ID for A to B duration D bytes N reason
		action = strings.ToLower(words[0])
		ev.SetStr(event.EventAction, action)
		ev.SetStr(event.EventOutcome, "success")
		dir := ""
		var id, a, b string
		icmp, fromTo := false, false
		for i, w := range words {
			switch w {
			case "inbound", "outbound":
				if dir == "" && i < 3 {
					dir = w
				}
			case "connection":
				if id == "" && at(i+1) != "for" {
					id = at(i + 1)
				}
			case "for":
				if a == "" {
					a = at(i + 1)
				}
			case "from": // translations: from the real address to the mapped one
				if a == "" {
					a, fromTo = at(i+1), true
				}
			case "to":
				if b == "" && a != "" {
					b = at(i + 1)
				}
			case "faddr": // ICMP: foreign and local addresses
				a, icmp = at(i+1), true
			case "laddr":
				b = at(i + 1)
			case "duration":
				if d, ok := hms(at(i + 1)); ok {
					ev.SetInt(event.EventDuration, d)
				}
			}
			if i < 4 {
				switch strings.ToLower(w) {
				case "tcp", "udp", "icmp", "gre", "esp", "sctp":
					ev.SetStr(event.NetworkTransport, netfield.Transport(w))
				}
			}
		}
		// Whether a, the first address, is the initiator: "inbound" says
		// so, "outbound" says the opposite; a Teardown is read as its
		// Built was, remembered by connection ID; translations go from
		// the real address.
		inbound := dir == "inbound"
		in, seen := st.inbound[id]
		switch {
		case fromTo:
			inbound = true
		case dir != "":
			if id != "" {
				if st.inbound == nil || len(st.inbound) >= maxConns {
					st.inbound = make(map[string]bool)
				}
				st.inbound[strings.Clone(id)] = inbound
			}
		case id != "" && seen:
			inbound = in
			if action == "teardown" {
				delete(st.inbound, id)
			}
		default:
			// No Built seen: the side with the well-known port is the server.
			_, pa := endpoint(a)
			_, pb := endpoint(b)
			inbound = pb > 0 && pb < 1024 && (pa == 0 || pa >= 1024)
		}
		if inbound {
			src, dst = a, b
		} else {
			src, dst = b, a
		}
		if icmp {
			// faddr 198.51.100.7/0: the number is not a port.
			src, _, _ = strings.Cut(src, "/")
			dst, _, _ = strings.Cut(dst, "/")
		}
	default:
		for i, w := range words {
			lw := strings.ToLower(w)
			switch lw {
			case "deny", "denied":
				action = "deny"
			case "permitted":
				if action == "" {
					action = "permitted"
				}
			case "src":
				src = words[min(i+1, len(words)-1)]
			case "dst":
				dst = words[min(i+1, len(words)-1)]
			case "from":
				if src == "" {
					src = words[min(i+1, len(words)-1)]
				}
			case "to":
				if dst == "" && src != "" {
					dst = words[min(i+1, len(words)-1)]
				}
			case "->":
				if i > 0 && src == "" {
					src, dst = words[i-1], words[min(i+1, len(words)-1)]
				}
			case "access-group", "access-list":
				if i+1 < len(words) {
					ev.SetStr(event.RuleName, strings.Trim(words[i+1], `"`))
				}
			case "tcp", "udp", "icmp", "gre", "esp", "sctp":
				if ev.Str(event.NetworkTransport) == "" {
					ev.SetStr(event.NetworkTransport, lw)
				}
			}
		}
		if action != "" {
			ev.SetStr(event.EventAction, action)
			ev.SetStr(event.EventOutcome, netfield.Outcome(action))
		}
	}
	if ip, port := endpoint(src); ip != "" && ev.SetStr(event.SourceIP, ip) && port > 0 {
		ev.SetInt(event.SourcePort, port)
	}
	if ip, port := endpoint(dst); ip != "" && ev.SetStr(event.DestinationIP, ip) && port > 0 {
		ev.SetInt(event.DestinationPort, port)
	}
	return words
}

// endpoint reads an address as the ASA writes it: "outside:10.0.0.1/443",
// "10.0.0.1/443", "outside/10.0.0.1(443)", "outside:2001:db8::1/443".
func endpoint(w string) (ip string, port int64) {
	if w == "" {
		return "", 0
	}
	if i := strings.IndexByte(w, '('); i > 0 && strings.HasSuffix(w, ")") {
		if p, ok := netfield.Port(w[i+1 : len(w)-1]); ok {
			port = p
		}
		w = w[:i]
		if j := strings.IndexByte(w, '/'); j >= 0 {
			w = w[j+1:]
		}
		return w, port
	}
	if j := strings.LastIndexByte(w, '/'); j >= 0 {
		if p, ok := netfield.Port(w[j+1:]); ok {
			port = p
		}
		w = w[:j]
	}
	// An interface name before the address ("outside:10.0.0.1",
	// "inside:2001:db8::1"): the text before the first colon is not a
	// group of an IPv6 address.
	if i := strings.IndexByte(w, ':'); i >= 0 {
		if strings.Count(w, ":") == 1 || !isHexGroup(w[:i]) {
			w = w[i+1:]
		} else if _, ok := event.CanonicalIP(w); !ok {
			w = w[i+1:]
		}
	}
	return w, port
}

// hms reads an ASA duration "H:MM:SS" into nanoseconds.
func hms(s string) (int64, bool) {
	h, rest, ok1 := strings.Cut(s, ":")
	m, sec, ok2 := strings.Cut(rest, ":")
	hh, a := netfield.ParseUint(h)
	mm, b := netfield.ParseUint(m)
	ss, c := netfield.ParseUint(sec)
	if !ok1 || !ok2 || !a || !b || !c {
		return 0, false
	}
	return (hh*3600 + mm*60 + ss) * 1e9, true
}

// fields splits s at spaces into dst.
func fields(s string, dst []string) []string {
	for {
		s = strings.TrimLeft(s, " ")
		if s == "" {
			return dst
		}
		i := strings.IndexByte(s, ' ')
		if i < 0 {
			return append(dst, s)
		}
		dst = append(dst, s[:i])
		s = s[i+1:]
	}
}

// isHexGroup reports whether s can be the first group of an IPv6 address
// (empty for "::1", or up to four hex digits).
func isHexGroup(s string) bool {
	if len(s) > 4 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// ftd decodes a Firepower Threat Defense connection event (430002,
// 430003: "Key: Value, Key: Value, …"), keeping each pair as an original
// field.
func ftd(ev *event.Event, text string) {
	for text != "" {
		key, rest, ok := strings.Cut(text, ": ")
		if !ok {
			return
		}
		// The value runs to the ", " that starts the next key.
		end := len(rest)
		next := ""
		for off := 0; ; {
			i := strings.Index(rest[off:], ", ")
			if i < 0 {
				break
			}
			i += off
			if k, _, ok := strings.Cut(rest[i+2:], ": "); ok && isFTDKey(k) {
				end, next = i, rest[i+2:]
				break
			}
			off = i + 2
		}
		v := rest[:end]
		ev.AddRaw(key, v)
		switch key {
		case "SrcIP":
			ev.SetStr(event.SourceIP, v)
		case "DstIP":
			ev.SetStr(event.DestinationIP, v)
		case "SrcPort":
			setPort(ev, event.SourcePort, v)
		case "DstPort":
			setPort(ev, event.DestinationPort, v)
		case "Protocol":
			ev.SetStr(event.NetworkTransport, netfield.Transport(v))
		case "AccessControlRuleAction":
			ev.SetStr(event.EventAction, v)
			if o := netfield.Outcome(v); o != "" {
				ev.SetStr(event.EventOutcome, o)
			}
		case "AccessControlRuleName":
			ev.SetStr(event.RuleName, v)
		case "InitiatorBytes":
			setUint(ev, event.SourceBytes, v)
		case "ResponderBytes":
			setUint(ev, event.DestinationBytes, v)
		case "InitiatorPackets":
			setUint(ev, event.SourcePackets, v)
		case "ResponderPackets":
			setUint(ev, event.DestinationPackets, v)
		case "ConnectionDuration":
			if n, ok := netfield.ParseUint(v); ok {
				ev.SetInt(event.EventDuration, n*1e9)
			}
		case "User":
			if v != "No Authentication Required" && v != "Unknown" {
				ev.SetStr(event.UserName, v)
			}
		case "UserAgent":
			ev.SetStr(event.UserAgentOriginal, v)
		case "URL":
			ev.SetStr(event.URLFull, v)
			ev.SetStr(event.URLDomain, netfield.URLHost(v))
			ev.SetStr(event.URLPath, netfield.URLPath(v))
		case "DNSQuery":
			ev.SetStr(event.DNSQuestionName, v)
		case "ApplicationProtocol":
			ev.SetStr(event.NetworkProtocol, v)
		}
		text = next
	}
}

// isFTDKey reports whether k can be a Firepower field name ("SrcIP",
// "Prefilter Policy").
func isFTDKey(k string) bool {
	if k == "" || len(k) > 40 || k[0] < 'A' || k[0] > 'Z' {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == ' ' || c == '_') {
			return false
		}
	}
	return true
}
