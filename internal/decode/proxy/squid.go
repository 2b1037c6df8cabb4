package proxy

import (
	"strings"

	"github.com/firebreak-ir/firebreak/internal/decode/netfield"
	"github.com/firebreak-ir/firebreak/internal/event"
)

// isSquidTime reports whether line starts with Squid's "seconds.millis".
func isSquidTime(line string) bool {
	i := strings.IndexByte(line, ' ')
	if i < 0 {
		return false
	}
	sec, ms, ok := strings.Cut(line[:i], ".")
	_, ok1 := netfield.ParseUint(sec)
	_, ok2 := netfield.ParseUint(ms)
	return ok && ok1 && ok2 && len(sec) >= 9
}

// isSquid recognises a native access.log line.
func isSquid(line string) bool {
	if !isSquidTime(line) {
		return false
	}
	f := strings.Fields(line)
	if len(f) < 10 {
		return false
	}
	code, status, ok := strings.Cut(f[3], "/")
	_, okStatus := netfield.ParseUint(status)
	return ok && okStatus && code != "" && code == strings.ToUpper(code)
}

// isHierarchy reports whether w is a Squid hierarchy field
// ("HIER_DIRECT/198.51.100.77", "DIRECT/1.2.3.4", "HIER_NONE/-").
func isHierarchy(w string) bool {
	code, _, ok := strings.Cut(w, "/")
	if !ok || code == "" {
		return false
	}
	for i := 0; i < len(code); i++ {
		c := code[i]
		if (c < 'A' || c > 'Z') && c != '_' {
			return false
		}
	}
	return true
}

// squid decodes a native access.log line:
//
//	time elapsed client result/status bytes method URL user hierarchy/peer type
//
// The URL may hold spaces, so the fields after it are found from the end.
func (d *decoder) squid(ev *event.Event, line string) string {
	d.words, d.offs = fields(line, d.words[:0], d.offs[:0])
	w := d.words
	if len(w) < 10 {
		return "squid line with " + itoa(len(w)) + " fields, want 10: " + event.Quote(line)
	}
	// The hierarchy field, searched from the end: the content type after
	// it may itself hold spaces.
	h := -1
	for i := len(w) - 2; i >= 8; i-- {
		if isHierarchy(w[i]) {
			h = i
			break
		}
	}
	if h < 0 {
		return "no hierarchy field in squid line " + event.Quote(line)
	}
	// The URL and the type as written, spaces included.
	url := line[d.offs[6] : d.offs[h-2]+len(w[h-2])]
	typ := line[d.offs[h+1]:]
	ns, err := event.ParseEpoch(w[0])
	if err != nil {
		return "bad time " + event.Quote(w[0])
	}
	ev.Time = ns
	ev.Kind = "squid"
	ev.AddRaw("time", w[0])
	ev.AddRaw("elapsed", w[1])
	ev.AddRaw("client", w[2])
	ev.AddRaw("result", w[3])
	ev.AddRaw("bytes", w[4])
	ev.AddRaw("method", w[5])
	ev.AddRaw("url", url)
	ev.AddRaw("user", w[h-1])
	ev.AddRaw("hierarchy", w[h])
	ev.AddRaw("type", typ)

	if ms, ok := netfield.ParseUint(w[1]); ok {
		ev.SetInt(event.EventDuration, ms*1e6)
	}
	if !ev.SetStr(event.SourceIP, w[2]) {
		ev.SetStr(event.SourceHostname, w[2]) // log_fqdn on
	}
	code, status, _ := strings.Cut(w[3], "/")
	ev.SetStr(event.EventAction, code)
	if n, ok := netfield.ParseUint(status); ok && n > 0 {
		ev.SetInt(event.HTTPResponseStatusCode, n)
	}
	switch {
	case strings.Contains(code, "DENIED"):
		ev.SetStr(event.EventOutcome, "failure")
	case strings.HasPrefix(code, "TCP_") || strings.HasPrefix(code, "UDP_"):
		ev.SetStr(event.EventOutcome, "success")
	}
	if n, ok := netfield.ParseUint(w[4]); ok {
		ev.SetInt(event.DestinationBytes, n)
	}
	method := w[5]
	if method != "-" && method != "NONE" {
		ev.SetStr(event.HTTPRequestMethod, method)
	}
	if method != "NONE" && !strings.HasPrefix(url, "error:") {
		setURL(ev, method, url)
	}
	if u := w[h-1]; u != "-" {
		ev.SetStr(event.UserName, u)
	}
	if _, peer, ok := strings.Cut(w[h], "/"); ok && peer != "-" {
		ev.SetStr(event.DestinationIP, peer) // left unset when the peer is a name
	}
	if typ != "-" && typ != "" {
		ev.SetStr(event.FileMIMEType, typ)
	}
	ev.SetStr(event.NetworkProtocol, "http")
	return ""
}

// fields splits s at runs of spaces and tabs into dst, and the offset of
// each field in s into offs.
func fields(s string, dst []string, offs []int) ([]string, []int) {
	off := 0
	for {
		for off < len(s) && (s[off] == ' ' || s[off] == '\t') {
			off++
		}
		if off == len(s) {
			return dst, offs
		}
		i := strings.IndexAny(s[off:], " \t")
		if i < 0 {
			return append(dst, s[off:]), append(offs, off)
		}
		dst, offs = append(dst, s[off:off+i]), append(offs, off)
		off += i
	}
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}
