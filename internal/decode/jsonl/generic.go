package jsonl

import (
	"strings"
	"time"

	"github.com/firebreak-ir/firebreak/internal/event"
)

// KindGeneric is the Kind of JSON lines that do not say what they are.
const KindGeneric = "jsonl"

// generic flattens an object into dotted names, every leaf in input order,
// arrays and empty objects as compact JSON, then picks out time, kind, host
// and ECS-named fields.
func (d *Decoder) generic(ev *event.Event) {
	d.name = d.name[:0]
	d.flatten(0)
	d.flushString(ev)
	normaliseGeneric(ev)
}

func (d *Decoder) flatten(idx int32) {
	p := &d.p
	for c := p.nodes[idx].first; c >= 0; c = p.nodes[c].next {
		n := len(d.name)
		if n > 0 {
			d.name = append(d.name, '.')
		}
		d.name = append(d.name, p.bytes(p.nodes[c].key)...)
		if p.nodes[c].kind == kObj && p.nodes[c].first >= 0 {
			d.flatten(c)
		} else {
			d.emitNamed(d.name, c)
		}
		d.name = d.name[:n]
	}
}

// timeRank gives the priority of a field that may hold the event time, or
// -1: the first of these names whose value parses is the time.
func timeRank(name string) int {
	switch name {
	case "@timestamp":
		return 0
	case "timestamp":
		return 1
	case "time":
		return 2
	case "ts":
		return 3
	case "TimeCreated":
		return 4
	case "date":
		return 5
	}
	return -1
}

// hostRank gives the priority of a field that may name the observing host,
// or -1.
func hostRank(name string) int {
	switch name {
	case "host.name":
		return 0
	case "host.hostname":
		return 1
	case "observer.name":
		return 2
	case "observer.hostname":
		return 3
	case "hostname":
		return 4
	case "host":
		return 5
	}
	return -1
}

// normaliseGeneric sets Time, Kind, Host and the ECS-named fields of a
// flattened object. The first occurrence of a field wins.
func normaliseGeneric(ev *event.Event) {
	var times [6]int // 1 + index in Raw
	var dataset, module, host string
	hostBest := 99
	for i := range ev.Raw {
		f := &ev.Raw[i]
		if r := timeRank(f.Name); r >= 0 {
			if times[r] == 0 {
				times[r] = i + 1
			}
			continue
		}
		if r := hostRank(f.Name); r >= 0 && r < hostBest && plain(f.Value) {
			host, hostBest = f.Value, r
		}
		switch f.Name {
		case "event.dataset":
			if dataset == "" && plain(f.Value) {
				dataset = f.Value
			}
		case "event.module":
			if module == "" && plain(f.Value) {
				module = f.Value
			}
		}
		if !strings.ContainsAny(f.Name, "._") && f.Name != "message" {
			continue
		}
		s, in, isInt, ok := event.Lookup(f.Name)
		switch {
		case !ok:
		case isInt:
			if v, ok := parseInt(f.Value); ok && !ev.HasInt(in) {
				ev.SetInt(in, v)
			}
		default:
			if ev.Str(s) == "" && f.Value != "" {
				ev.SetStr(s, f.Value)
			}
		}
	}
	for _, t := range times {
		if t == 0 {
			continue
		}
		if ns, ok := parseTimeValue(ev.Raw[t-1].Value); ok {
			ev.Time = ns
			break
		}
	}
	switch {
	case dataset != "":
		ev.Kind = dataset
	case module != "":
		ev.Kind = module
	default:
		ev.Kind = KindGeneric
	}
	ev.Host = host
}

// plain reports whether v is a non-empty scalar, not an array or object
// written as JSON.
func plain(v string) bool {
	return v != "" && v[0] != '[' && v[0] != '{'
}

func parseInt(s string) (int64, bool) {
	if s == "" {
		return 0, false
	}
	neg := s[0] == '-'
	if neg {
		s = s[1:]
	}
	if s == "" || len(s) > 19 {
		return 0, false
	}
	var v int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int64(c-'0')
		if v < 0 {
			return 0, false
		}
	}
	if neg {
		v = -v
	}
	return v, true
}

// parseTimeValue reads a timestamp: ISO 8601 / RFC 3339 text, or a number of
// seconds, milliseconds, microseconds or nanoseconds since the epoch, told
// apart by magnitude. Numbers before 1973 are not taken for times.
func parseTimeValue(v string) (int64, bool) {
	if v == "" {
		return 0, false
	}
	if v[0] >= '0' && v[0] <= '9' {
		if ns, ok := parseEpoch(v); ok {
			return ns, true
		}
	}
	if ns, err := event.ParseTime(v); err == nil {
		return ns, true
	}
	for _, layout := range [...]string{
		"2006-01-02T15:04:05Z0700",
		"2006-01-02",
		"2006/01/02 15:04:05",
		time.RFC1123Z,
		time.RFC1123,
	} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UnixNano(), true
		}
	}
	return 0, false
}

// parseEpoch reads digits with an optional fraction as an epoch time whose
// unit follows from the size of the integer part.
func parseEpoch(v string) (int64, bool) {
	ip, frac, _ := strings.Cut(v, ".")
	if ip == "" || len(ip) > 19 {
		return 0, false
	}
	var n int64
	for i := 0; i < len(ip); i++ {
		c := ip[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	if n < 0 {
		return 0, false
	}
	var scale int64 // nanoseconds per unit
	switch {
	case n < 1e8:
		return 0, false
	case n < 1e11:
		scale = 1e9
	case n < 1e14:
		scale = 1e6
	case n < 1e17:
		scale = 1e3
	default:
		scale = 1
	}
	if n > (1<<63-1)/scale {
		return 0, false
	}
	ns := n * scale
	// The fraction adds up to one unit; digits past nanoseconds are dropped.
	unit := scale
	for i := 0; i < len(frac); i++ {
		c := frac[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		unit /= 10
		ns += int64(c-'0') * unit
	}
	if ns < 0 || len(v) > len(ip) && frac == "" {
		return 0, false // "123."
	}
	return ns, true
}
