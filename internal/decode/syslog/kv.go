package syslog

import (
	"strings"

	"github.com/firebreak-ir/firebreak/internal/decode/netfield"
	"github.com/firebreak-ir/firebreak/internal/event"
)

// eachKV calls fn with each key=value pair of s, in order. Values may be
// double-quoted, with \" and \\ escaped inside; a word without '=' is
// passed with bare set. It reports false for an unterminated quote.
func eachKV(s string, fn func(key, value string, bare bool)) bool {
	for {
		s = strings.TrimLeft(s, " \t")
		if s == "" {
			return true
		}
		end := strings.IndexAny(s, "= \t")
		if end < 0 {
			fn(s, "", true)
			return true
		}
		if s[end] != '=' {
			fn(s[:end], "", true)
			s = s[end:]
			continue
		}
		key := s[:end]
		s = s[end+1:]
		if s != "" && s[0] == '"' {
			v, rest, ok := quoted(s, `"\`)
			if !ok {
				return false
			}
			fn(key, v, false)
			s = rest
			continue
		}
		e := strings.IndexAny(s, " \t")
		if e < 0 {
			e = len(s)
		}
		fn(key, s[:e], false)
		s = s[e:]
	}
}

// isNetfilter reports whether a message is a Linux netfilter LOG line.
func isNetfilter(msg string) bool {
	return strings.Contains(msg, "IN=") && strings.Contains(msg, " SRC=") &&
		strings.Contains(msg, " DST=") && strings.Contains(msg, " PROTO=")
}

// netfilter decodes an iptables/nftables LOG line: an optional kernel
// timestamp, the log prefix, then KEY=value fields and bare flags (DF,
// SYN, ACK). The prefix names the rule that logged; a drop, reject or
// accept word in it gives the action.
func netfilter(ev *event.Event, msg string) {
	ev.Kind = "netfilter"
	s := msg
	// The kernel's own clock ("[884512.123456]"), when the line has it;
	// a bracketed word is the prefix (UFW writes "[UFW BLOCK]").
	if strings.HasPrefix(s, "[") {
		if i := strings.IndexByte(s, ']'); i > 0 && isKernelTime(s[1:i]) {
			ev.AddRaw("kernel_time", strings.TrimSpace(s[1:i]))
			s = strings.TrimLeft(s[i+1:], " ")
		}
	}
	i := strings.Index(s, "IN=")
	prefix := strings.TrimSpace(s[:i])
	if prefix != "" {
		ev.AddRaw("prefix", prefix)
		name := strings.TrimSpace(strings.TrimSuffix(prefix, ":"))
		if strings.HasPrefix(name, "[") && strings.HasSuffix(name, "]") {
			name = name[1 : len(name)-1] // [UFW BLOCK]
		}
		ev.SetStr(event.RuleName, name)
		if a := prefixAction(name); a != "" {
			ev.SetStr(event.EventAction, a)
			ev.SetStr(event.EventOutcome, netfield.Outcome(a))
		}
	}
	proto := ""
	eachKV(s[i:], func(k, v string, bare bool) {
		if bare {
			ev.AddRaw(k, "true")
			return
		}
		ev.AddRaw(k, v)
		switch k {
		case "SRC":
			ev.SetStr(event.SourceIP, v)
		case "DST":
			ev.SetStr(event.DestinationIP, v)
		case "PROTO":
			proto = netfield.Transport(v)
			ev.SetStr(event.NetworkTransport, proto)
		case "SPT":
			if n, ok := netfield.Port(v); ok {
				ev.SetInt(event.SourcePort, n)
			}
		case "DPT":
			if n, ok := netfield.Port(v); ok {
				ev.SetInt(event.DestinationPort, n)
			}
		case "LEN":
			if n, ok := netfield.ParseUint(v); ok && !ev.HasInt(event.SourceBytes) {
				ev.SetInt(event.SourceBytes, n)
				ev.SetInt(event.SourcePackets, 1)
			}
		case "MAC":
			// dst(6):src(6):ethertype(2), as the kernel writes it.
			if len(v) >= 35 {
				ev.SetStr(event.DestinationMAC, v[:17])
				ev.SetStr(event.SourceMAC, v[18:35])
			}
		}
	})
}

// isKernelTime reports whether s is the kernel's seconds since boot, as
// printk writes them ("  884512.123456").
func isKernelTime(s string) bool {
	s = strings.TrimSpace(s)
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if (s[i] < '0' || s[i] > '9') && s[i] != '.' {
			return false
		}
	}
	return true
}

// prefixAction finds the action word in a log prefix.
func prefixAction(p string) string {
	switch {
	case containsFold(p, "drop"):
		return "drop"
	case containsFold(p, "reject"):
		return "reject"
	case containsFold(p, "deny") || containsFold(p, "denied"):
		return "deny"
	case containsFold(p, "block"):
		return "block"
	case containsFold(p, "accept"):
		return "accept"
	case containsFold(p, "allow"):
		return "allow"
	}
	return ""
}

// containsFold reports whether s contains the lower-case ASCII word w in
// any case.
func containsFold(s, w string) bool {
	for i := 0; i+len(w) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(w)], w) {
			return true
		}
	}
	return false
}

// isFortiGate reports whether a message is a FortiGate-style key=value
// log line.
func isFortiGate(msg string) bool {
	return (strings.HasPrefix(msg, "date=") || strings.Contains(msg, " devname=") || strings.HasPrefix(msg, "logver=")) &&
		(strings.Contains(msg, "logid=") || strings.Contains(msg, "devid=") || strings.Contains(msg, " type="))
}

// fortiState gathers the members of a FortiGate line that are combined.
type fortiState struct {
	date, time, tz, eventtime string
	host, url, scheme         string
	typ, subtype              string
	devname                   string
}

// fortigate decodes a FortiGate key=value line. It returns the event time
// it holds (ok false when it has none) and the device name.
func fortigate(ev *event.Event, msg string, loc zoneFunc) (t int64, dev string, hasTime, ok bool) {
	var st fortiState
	ok = eachKV(msg, func(k, v string, bare bool) {
		ev.AddRaw(k, v)
		if bare {
			return
		}
		switch k {
		case "date":
			st.date = v
		case "time":
			st.time = v
		case "tz":
			st.tz = v
		case "eventtime":
			st.eventtime = v
		case "devname":
			st.devname = v
		case "type":
			st.typ = v
		case "subtype":
			st.subtype = v
		case "srcip":
			ev.SetStr(event.SourceIP, v)
		case "dstip":
			ev.SetStr(event.DestinationIP, v)
		case "srcport":
			if n, ok := netfield.Port(v); ok {
				ev.SetInt(event.SourcePort, n)
			}
		case "dstport":
			if n, ok := netfield.Port(v); ok {
				ev.SetInt(event.DestinationPort, n)
			}
		case "proto":
			ev.SetStr(event.NetworkTransport, netfield.Transport(v))
		case "action":
			ev.SetStr(event.EventAction, v)
			if o := netfield.Outcome(v); o != "" {
				ev.SetStr(event.EventOutcome, o)
			}
		case "policyname":
			ev.SetStr(event.RuleName, v)
		case "policyid":
			if ev.Str(event.RuleName) == "" {
				ev.SetStr(event.RuleName, v)
			}
		case "sentbyte":
			setUint(ev, event.SourceBytes, v)
		case "rcvdbyte":
			setUint(ev, event.DestinationBytes, v)
		case "sentpkt":
			setUint(ev, event.SourcePackets, v)
		case "rcvdpkt":
			setUint(ev, event.DestinationPackets, v)
		case "duration":
			if n, ok := netfield.ParseUint(v); ok {
				ev.SetInt(event.EventDuration, n*1e9)
			}
		case "user", "unauthuser":
			if ev.Str(event.UserName) == "" {
				ev.SetStr(event.UserName, v)
			}
		case "srcmac":
			ev.SetStr(event.SourceMAC, v)
		case "dstmac":
			ev.SetStr(event.DestinationMAC, v)
		case "hostname":
			st.host = v
			ev.SetStr(event.URLDomain, netfield.StripPort(v))
		case "url":
			st.url = v
		case "service":
			st.scheme = strings.ToLower(v)
		case "app":
			ev.SetStr(event.NetworkProtocol, v)
		case "qname":
			ev.SetStr(event.DNSQuestionName, strings.TrimSuffix(v, "."))
		case "qtype":
			ev.SetStr(event.DNSQuestionType, v)
		case "agent":
			ev.SetStr(event.UserAgentOriginal, v)
		case "msg":
			ev.SetStr(event.Message, v)
		case "attack", "virus":
			ev.SetStr(event.RuleName, v)
		case "filename":
			ev.SetStr(event.FileName, v)
		case "direction":
			ev.SetStr(event.NetworkDirection, v)
		}
	})
	switch st.typ {
	case "":
		ev.Kind = "fortigate"
	case "traffic":
		ev.Kind = "fortigate.traffic"
	case "utm":
		ev.Kind = "fortigate.utm"
	case "event":
		ev.Kind = "fortigate.event"
	default:
		ev.Kind = "fortigate." + strings.ToLower(st.typ)
	}
	if st.url != "" {
		scheme := "http"
		if st.scheme == "https" {
			scheme = "https"
		}
		port, _ := ev.Int(event.DestinationPort)
		if u := netfield.FullURL(scheme, st.host, st.url, ev.Str(event.DestinationIP), port); u != "" {
			ev.SetStr(event.URLFull, u)
			ev.SetStr(event.URLPath, netfield.URLPath(st.url))
		}
	}
	t, hasTime = fortiTime(&st, loc)
	return t, st.devname, hasTime, ok
}

// fortiTime reads the time of a FortiGate line: eventtime (seconds,
// microseconds or nanoseconds since the epoch by its length), else date
// and time in the tz zone or in loc.
func fortiTime(st *fortiState, loc zoneFunc) (int64, bool) {
	if n, ok := netfield.ParseUint(st.eventtime); ok {
		switch {
		case len(st.eventtime) >= 18:
			return n, true
		case len(st.eventtime) >= 15:
			return n * 1e3, true
		case len(st.eventtime) >= 12:
			return n * 1e6, true
		default:
			return n * 1e9, true
		}
	}
	if st.date == "" || st.time == "" {
		return 0, false
	}
	iso := st.date + "T" + st.time
	if st.tz != "" && (st.tz[0] == '+' || st.tz[0] == '-') {
		iso += st.tz
	}
	ns, zoned, ok := netfield.ParseISO(iso)
	if !ok {
		return 0, false
	}
	if !zoned {
		ns = loc(ns)
	}
	return ns, true
}

func setUint(ev *event.Event, f event.IntField, v string) {
	if n, ok := netfield.ParseUint(v); ok {
		ev.SetInt(f, n)
	}
}
