// Package cef parses ArcSight Common Event Format records
// ("CEF:0|Vendor|Product|Version|SignatureID|Name|Severity|key=value …"),
// the lingua franca of security appliances that forward to a SIEM: many
// firewalls, proxies, IPS and EDR products can speak nothing else to a
// collector, and those exports are what responders are handed.
//
// CEF travels over syslog or sits one record per line in files; package
// syslog finds the record in either and calls Parse. Parse keeps the seven
// header fields (cef_version, device_vendor, device_product,
// device_version, signature_id, name, severity) and the extension's keys,
// unescaped and in order, as the original fields, and normalises the
// ArcSight keys to the fields Zeek's logs use (src, dst, spt, dpt, proto,
// act, in, out, request, suser, …).
package cef

import (
	"errors"
	"strings"

	"github.com/firebreak-ir/firebreak/internal/event"
)

// Index returns the position of a CEF record in msg ("CEF:" followed by a
// version and '|'), or -1.
func Index(msg string) int {
	off := 0
	for {
		i := strings.Index(msg[off:], "CEF:")
		if i < 0 {
			return -1
		}
		i += off
		j := i + 4
		for j < len(msg) && msg[j] >= '0' && msg[j] <= '9' {
			j++
		}
		if j > i+4 && j < len(msg) && msg[j] == '|' && (i == 0 || msg[i-1] == ' ' || msg[i-1] == ':' || msg[i-1] == '>') {
			return i
		}
		off = i + 4
	}
}

var headerNames = [7]string{"cef_version", "device_vendor", "device_product", "device_version", "signature_id",
	"name", "severity"}

// Parse decodes the CEF record rec (starting at "CEF:") into ev, setting
// its kind to "cef". It returns the event time the record gives (rt, else
// end, else start), read in loc when it has no zone.
func Parse(ev *event.Event, rec string, loc func(wall int64) int64) (t int64, hasTime bool, err error) {
	if !strings.HasPrefix(rec, "CEF:") {
		return 0, false, errors.New("not a CEF record")
	}
	s := rec[4:]
	var hdr [7]string
	for k := range hdr {
		v, rest, ok := headerField(s)
		if !ok {
			return 0, false, errors.New("CEF header cut at field " + itoa(k+1) + " of 7")
		}
		hdr[k], s = v, rest
	}
	ev.Kind = "cef"
	for k, v := range hdr {
		ev.AddRaw(headerNames[k], v)
	}
	ev.SetStr(event.EventCode, hdr[4])
	ev.SetStr(event.RuleName, hdr[5])
	var st state
	eachExtension(s, func(k, v string) {
		ev.AddRaw(k, v)
		st.apply(ev, k, v)
	})
	st.finish(ev)
	for _, v := range []string{st.rt, st.end, st.start} {
		if v == "" {
			continue
		}
		if ns, ok := parseTime(v, loc); ok {
			return ns, true, nil
		}
	}
	return 0, false, nil
}

// headerField cuts one '|'-terminated header field, unescaping \| and \\.
func headerField(s string) (v, rest string, ok bool) {
	var b []byte
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '|':
			if b == nil {
				return s[:i], s[i+1:], true
			}
			return string(b), s[i+1:], true
		case c == '\\' && i+1 < len(s) && (s[i+1] == '|' || s[i+1] == '\\'):
			if b == nil {
				b = append(b, s[:i]...)
			}
			i++
			b = append(b, s[i])
		default:
			if b != nil {
				b = append(b, c)
			}
		}
	}
	return "", s, false
}

// eachExtension calls fn with each key and unescaped value of a CEF
// extension. A value runs to the space before the next key=; '=' inside a
// value is written \=, and \\, \n and \r are escapes too.
func eachExtension(s string, fn func(k, v string)) {
	s = strings.TrimLeft(s, " ")
	key, rest, ok := nextKey(s)
	if !ok {
		return
	}
	for {
		// The value ends where the next key starts.
		end := len(rest)
		var nk, after string
		found := false
		for i := 0; i < len(rest); i++ {
			c := rest[i]
			if c == '\\' {
				i++
				continue
			}
			if c == '=' {
				// The key is the word before this '='.
				j := strings.LastIndexByte(rest[:i], ' ')
				if j < 0 || !isKey(rest[j+1:i]) {
					continue
				}
				end, nk, after, found = j, rest[j+1:i], rest[i+1:], true
				break
			}
		}
		fn(key, unescape(strings.TrimRight(rest[:end], " ")))
		if !found {
			return
		}
		key, rest = nk, after
	}
}

// nextKey reads "key=" at the start of s.
func nextKey(s string) (key, rest string, ok bool) {
	i := strings.IndexByte(s, '=')
	if i <= 0 || !isKey(s[:i]) {
		return "", s, false
	}
	return s[:i], s[i+1:], true
}

func isKey(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' ||
			c == '-' || c == '[' || c == ']') {
			return false
		}
	}
	return true
}

func unescape(v string) string {
	if strings.IndexByte(v, '\\') < 0 {
		return v
	}
	b := make([]byte, 0, len(v))
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == '\\' && i+1 < len(v) {
			i++
			switch v[i] {
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case '=', '\\', '|':
				b = append(b, v[i])
			default:
				b = append(b, '\\', v[i])
			}
			continue
		}
		b = append(b, c)
	}
	return string(b)
}

func itoa(n int) string { return string(rune('0' + n)) }
