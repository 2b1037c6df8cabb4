// Package proxy decodes web proxy and web server access logs: Squid's
// native access.log, and the Common and Combined Log Formats that Apache,
// nginx, Squid (logformat combined) and most appliances write.
//
// A proxy log is often the only place where the URL of a download or the
// host behind a CONNECT tunnel is recorded, and the client that asked for
// it. Each line becomes one Event (kind "squid" for the native format,
// "http.access" for the common/combined ones) normalised to the fields Zeek's
// HTTP log uses: source.ip (the client), destination.ip (the server the
// proxy reached, when logged), destination.port, url.full, url.domain,
// url.path, http.request.method, http.response.status_code, user_agent.original,
// http.request.referrer, user.name, and destination.bytes (the bytes sent to
// the client). Squid's result code (TCP_MISS, TCP_DENIED, …) is event.action
// and its hierarchy code kept as an original field. URLs with spaces (Squid's
// uri_whitespace allow) are read by anchoring the fields on both sides of
// the URL.
package proxy

import (
	"bytes"
	"io"
	"strings"

	"github.com/firebreak-ir/firebreak/internal/decode"
	"github.com/firebreak-ir/firebreak/internal/decode/netfield"
	"github.com/firebreak-ir/firebreak/internal/event"
)

// Squid is Squid's native access.log format.
var Squid = decode.Format{
	Name:   "squid",
	Detect: func(head []byte) bool { return detectLine(head, isSquid) },
	Open:   open,
}

// Access is the Common and Combined Log Format (with any extra fields after
// the user agent).
var Access = decode.Format{
	Name:   "access-log",
	Detect: func(head []byte) bool { return detectLine(head, isAccess) },
	Open:   open,
}

func open(r io.Reader, path string) (decode.Decoder, error) {
	return &decoder{lr: decode.NewLineReader(r, path), path: path}, nil
}

// detectLine applies is to the first non-blank, non-comment line of head.
func detectLine(head []byte, is func(string) bool) bool {
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	for len(head) > 0 {
		l, rest, found := bytes.Cut(head, []byte{'\n'})
		l = bytes.TrimSpace(l)
		if len(l) > 0 && l[0] != '#' {
			if !found && len(head) >= decode.HeadSize-3 {
				return false // cut: judge by complete lines only
			}
			return is(string(l))
		}
		head = rest
	}
	return false
}

type decoder struct {
	lr    *decode.LineReader
	path  string
	words []string
	offs  []int
}

func (d *decoder) errf(reason string) error {
	return &decode.RecordError{Path: d.path, Line: d.lr.Line(), Offset: -1, Reason: reason}
}

// Next implements decode.Decoder. Lines of both formats may be mixed.
func (d *decoder) Next(ev *event.Event) error {
	for {
		b, err := d.lr.Next()
		if err != nil {
			return err
		}
		if d.lr.Line() == 1 {
			b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
		}
		b = bytes.TrimSpace(b)
		if len(b) == 0 || b[0] == '#' {
			continue
		}
		line := string(b)
		ev.Seq = d.lr.Line()
		var reason string
		if line[0] >= '0' && line[0] <= '9' && isSquidTime(line) {
			reason = d.squid(ev, line)
		} else {
			reason = access(ev, line)
		}
		if reason != "" {
			return d.errf(reason)
		}
		return nil
	}
}

// setURL normalises the request target of a proxy or server log: an
// absolute URL, a CONNECT authority (host:port) or a path.
func setURL(ev *event.Event, method, target string) {
	switch {
	case method == "CONNECT" || (!strings.Contains(target, "/") && strings.Contains(target, ":")):
		host := netfield.StripPort(target)
		ev.SetStr(event.URLDomain, host)
		if i := strings.LastIndexByte(target, ':'); i >= 0 {
			if p, ok := netfield.Port(target[i+1:]); ok {
				ev.SetInt(event.DestinationPort, p)
			}
		}
	case strings.Contains(target, "://"):
		ev.SetStr(event.URLFull, target)
		host := netfield.URLHost(target)
		ev.SetStr(event.URLDomain, host)
		ev.SetStr(event.URLPath, netfield.URLPath(target))
		// The port the proxy connected to: explicit, or the scheme's.
		auth := target[strings.Index(target, "://")+3:]
		if i := strings.IndexAny(auth, "/?#"); i >= 0 {
			auth = auth[:i]
		}
		if i := strings.LastIndexByte(auth, ':'); i >= 0 && !strings.HasSuffix(auth, "]") {
			if p, ok := netfield.Port(auth[i+1:]); ok {
				ev.SetInt(event.DestinationPort, p)
				return
			}
		}
		switch {
		case netfield.HasPrefixFold(target, "https://"):
			ev.SetInt(event.DestinationPort, 443)
		case netfield.HasPrefixFold(target, "http://"):
			ev.SetInt(event.DestinationPort, 80)
		case netfield.HasPrefixFold(target, "ftp://"):
			ev.SetInt(event.DestinationPort, 21)
		}
	default:
		ev.SetStr(event.URLPath, netfield.URLPath(target))
	}
}
