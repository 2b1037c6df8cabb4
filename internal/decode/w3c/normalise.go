package w3c

import (
	"strings"

	"github.com/firebreak-ir/firebreak/internal/decode/netfield"
	"github.com/firebreak-ir/firebreak/internal/event"
)

type op uint8

const (
	opNone op = iota
	opStr
	opInt
	opDate
	opTime
	opStem      // cs-uri-stem
	opQuery     // cs-uri-query
	opURI       // cs-uri: the whole target
	opHost      // cs-host
	opAgent     // cs(User-Agent), '+' for spaces
	opReferer   // cs(Referer)
	opMillis    // time-taken, milliseconds
	opAction    // firewall action
	opTransport // protocol
	opPath      // firewall path: SEND/RECEIVE
	opComputer  // s-computername: the event's host
	opSize      // firewall size: bytes of the packet
	opDateTime  // date-time (Exchange): the whole timestamp
)

type action struct {
	op  op
	str event.StrField
	num event.IntField
}

func toStr(f event.StrField) action { return action{op: opStr, str: f} }
func toInt(f event.IntField) action { return action{op: opInt, num: f} }
func special(o op) action           { return action{op: o} }

// rules maps a lower-cased W3C field name to its normalisation. Read-only.
var rules = map[string]action{
	"date":            special(opDate),
	"date-time":       special(opDateTime),
	"client-ip":       toStr(event.SourceIP),
	"server-ip":       toStr(event.DestinationIP),
	"client-hostname": toStr(event.SourceHostname),
	"event-id":        toStr(event.EventAction),
	"sender-address":  toStr(event.UserName),
	"time":            special(opTime),
	"c-ip":            toStr(event.SourceIP),
	"c-port":          toInt(event.SourcePort),
	"s-ip":            toStr(event.DestinationIP),
	"s-port":          toInt(event.DestinationPort),
	"cs-method":       toStr(event.HTTPRequestMethod),
	"cs-uri-stem":     special(opStem),
	"cs-uri-query":    special(opQuery),
	"cs-uri":          special(opURI),
	"cs-host":         special(opHost),
	"cs(host)":        special(opHost),
	"cs-username":     toStr(event.UserName),
	"cs(user-agent)":  special(opAgent),
	"cs(referer)":     special(opReferer),
	"cs(referrer)":    special(opReferer),
	"sc-status":       toInt(event.HTTPResponseStatusCode),
	"sc-bytes":        toInt(event.DestinationBytes),
	"cs-bytes":        toInt(event.SourceBytes),
	"time-taken":      special(opMillis),
	"s-computername":  special(opComputer),
	"s-sitename":      toStr(event.ServiceName),
	"action":          special(opAction),
	"protocol":        special(opTransport),
	"src-ip":          toStr(event.SourceIP),
	"dst-ip":          toStr(event.DestinationIP),
	"src-port":        toInt(event.SourcePort),
	"dst-port":        toInt(event.DestinationPort),
	"size":            special(opSize),
	"path":            special(opPath),
	"pid":             toInt(event.ProcessPID),
}

type scratch struct {
	date, time        string
	dateTime          string
	stem, query, uri  string
	host              string
	hasStem, hasQuery bool
}

func (sc *scratch) apply(ev *event.Event, a action, v string) {
	switch a.op {
	case opStr:
		ev.SetStr(a.str, v)
	case opInt:
		if n, ok := netfield.ParseInt(v); ok {
			ev.SetInt(a.num, n)
		}
	case opDate:
		sc.date = v
	case opTime:
		sc.time = v
	case opDateTime:
		sc.dateTime = v
	case opStem:
		sc.stem, sc.hasStem = v, true
	case opQuery:
		sc.query, sc.hasQuery = v, true
	case opURI:
		sc.uri = v
	case opHost:
		sc.host = v
		ev.SetStr(event.URLDomain, netfield.StripPort(v))
	case opAgent:
		ev.SetStr(event.UserAgentOriginal, strings.ReplaceAll(v, "+", " "))
	case opReferer:
		ev.SetStr(event.HTTPRequestReferrer, v)
	case opMillis:
		if n, ok := netfield.ParseUint(v); ok {
			ev.SetInt(event.EventDuration, n*1e6)
		}
	case opAction:
		ev.SetStr(event.EventAction, v)
		if o := netfield.Outcome(v); o != "" {
			ev.SetStr(event.EventOutcome, o)
		}
	case opTransport:
		ev.SetStr(event.NetworkTransport, netfield.Transport(v))
	case opPath:
		switch v {
		case "SEND":
			ev.SetStr(event.NetworkDirection, "egress")
		case "RECEIVE":
			ev.SetStr(event.NetworkDirection, "ingress")
		}
	case opComputer:
		ev.Host = v
	case opSize:
		if n, ok := netfield.ParseUint(v); ok {
			ev.SetInt(event.SourceBytes, n)
		}
	}
}

func (sc *scratch) finish(ev *event.Event, kind string) {
	target := sc.uri
	if target == "" && sc.hasStem {
		target = sc.stem
		if sc.query != "" {
			target += "?" + sc.query
		}
	}
	if target == "" {
		return
	}
	ev.SetStr(event.URLPath, netfield.URLPath(target))
	port, _ := ev.Int(event.DestinationPort)
	scheme := "http"
	if port == 443 {
		scheme = "https"
	}
	host := sc.host
	if host == "" {
		// IIS without cs-host: the server address, as Zeek does without
		// a Host header.
		host = ev.Str(event.DestinationIP)
		if strings.IndexByte(host, ':') >= 0 {
			host = "[" + host + "]"
		}
		if host != "" && port != 0 && port != 80 && port != 443 {
			host += ":" + itoa(port)
		}
	}
	if u := netfield.FullURL(scheme, host, target, "", 0); u != "" && host != "" {
		ev.SetStr(event.URLFull, u)
	}
}

func itoa(n int64) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			break
		}
	}
	return string(b[i:])
}
