package proxy

import (
	"strconv"
	"strings"

	"github.com/firebreak-ir/firebreak/internal/decode/netfield"
	"github.com/firebreak-ir/firebreak/internal/event"
)

// isAccess recognises a Common or Combined Log Format line: host ident
// user [time] "request".
func isAccess(line string) bool {
	var a accessLine
	return a.parse(line) == "" && a.request != ""
}

// accessLine holds the fields of one common/combined line.
type accessLine struct {
	host, ident, user, time, request string
	status, bytes                    string
	referer, agent                   string
	hasReferer, hasAgent             bool
	extras                           []string
}

// parse splits a line; it returns why it cannot, or "".
func (a *accessLine) parse(s string) string {
	var ok bool
	if a.host, s, ok = word(s); !ok {
		return "no client field"
	}
	if a.ident, s, ok = word(s); !ok {
		return "no ident field"
	}
	// The user may be empty or hold spaces: it runs to " [".
	i := strings.Index(s, " [")
	if i < 0 && strings.HasPrefix(s, "[") {
		i = -1
	} else if i < 0 {
		return "no [time] field"
	}
	if i >= 0 {
		a.user, s = s[:i], s[i+1:]
	}
	j := strings.IndexByte(s, ']')
	if j < 0 || s[0] != '[' {
		return "no [time] field"
	}
	a.time, s = s[1:j], strings.TrimLeft(s[j+1:], " ")
	if a.request, s, ok = quotedField(s); !ok {
		return "no quoted request"
	}
	if a.status, s, ok = word(s); !ok {
		return "no status"
	}
	if a.bytes, s, ok = word(s); !ok {
		return "no size"
	}
	if s = strings.TrimLeft(s, " "); s == "" {
		return ""
	}
	if a.referer, s, ok = quotedField(s); !ok {
		return "unquoted referrer"
	}
	a.hasReferer = true
	if s = strings.TrimLeft(s, " "); s == "" {
		return ""
	}
	if a.agent, s, ok = quotedField(s); !ok {
		return "unquoted user agent"
	}
	a.hasAgent = true
	a.extras = a.extras[:0]
	for {
		s = strings.TrimLeft(s, " ")
		if s == "" {
			return ""
		}
		var v string
		if s[0] == '"' {
			if v, s, ok = quotedField(s); !ok {
				return "unterminated quote"
			}
		} else {
			v, s, _ = word(s)
		}
		a.extras = append(a.extras, v)
	}
}

// word cuts the next space-separated word off s.
func word(s string) (w, rest string, ok bool) {
	s = strings.TrimLeft(s, " ")
	if s == "" {
		return "", "", false
	}
	i := strings.IndexByte(s, ' ')
	if i < 0 {
		return s, "", true
	}
	return s[:i], s[i+1:], true
}

// quotedField reads a double-quoted field in which \" and \\ are escaped
// (Apache) or a quote is written \x22 (nginx, left as written).
func quotedField(s string) (v, rest string, ok bool) {
	s = strings.TrimLeft(s, " ")
	if s == "" || s[0] != '"' {
		return "", s, false
	}
	var b []byte
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"':
			if b == nil {
				return s[1:i], s[i+1:], true
			}
			return string(b), s[i+1:], true
		case c == '\\' && i+1 < len(s) && (s[i+1] == '"' || s[i+1] == '\\'):
			if b == nil {
				b = append(b, s[1:i]...)
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

// access decodes a common/combined line into ev; it returns why it cannot,
// or "".
func access(ev *event.Event, line string) string {
	var a accessLine
	if r := a.parse(line); r != "" {
		return "not an access log line (" + r + "): " + event.Quote(line)
	}
	ns, ok := clfTime(a.time)
	if !ok {
		return "bad time " + event.Quote(a.time)
	}
	ev.Time = ns
	ev.Kind = "http.access"
	ev.AddRaw("remote_host", a.host)
	ev.AddRaw("ident", a.ident)
	ev.AddRaw("user", a.user)
	ev.AddRaw("time", a.time)
	ev.AddRaw("request", a.request)
	ev.AddRaw("status", a.status)
	ev.AddRaw("bytes", a.bytes)
	if a.hasReferer {
		ev.AddRaw("referer", a.referer)
	}
	if a.hasAgent {
		ev.AddRaw("user_agent", a.agent)
	}
	for i, x := range a.extras {
		name := "extra_" + strconv.Itoa(i+1)
		if code, hier, ok := strings.Cut(x, ":"); ok && isHierarchy(code+"/") && isHierarchy(hier+"/") {
			// Squid's combined format ends with %Ss:%Sh.
			name = "squid_status"
			ev.SetStr(event.EventAction, code)
			if strings.Contains(code, "DENIED") {
				ev.SetStr(event.EventOutcome, "failure")
			}
		}
		ev.AddRaw(name, x)
	}

	if !ev.SetStr(event.SourceIP, a.host) {
		ev.SetStr(event.SourceHostname, a.host)
	}
	if a.user != "-" && a.user != "" {
		ev.SetStr(event.UserName, a.user)
	}
	if n, ok := netfield.ParseUint(a.status); ok {
		ev.SetInt(event.HTTPResponseStatusCode, n)
	}
	if n, ok := netfield.ParseUint(a.bytes); ok {
		ev.SetInt(event.DestinationBytes, n)
	}
	if a.referer != "-" {
		ev.SetStr(event.HTTPRequestReferrer, a.referer)
	}
	if a.agent != "-" {
		ev.SetStr(event.UserAgentOriginal, a.agent)
	}
	if a.request != "-" && a.request != "" {
		method, rest, _ := strings.Cut(a.request, " ")
		target := rest
		if i := strings.LastIndexByte(rest, ' '); i >= 0 && strings.HasPrefix(rest[i+1:], "HTTP/") {
			target = rest[:i]
		}
		ev.SetStr(event.HTTPRequestMethod, method)
		setURL(ev, method, target)
	}
	ev.SetStr(event.NetworkProtocol, "http")
	return ""
}

// clfTime reads "20/Nov/2025:10:00:00 +0000".
func clfTime(s string) (int64, bool) {
	if len(s) < 20 || s[2] != '/' || s[6] != '/' || s[11] != ':' {
		return 0, false
	}
	m := netfield.Month(s[3:6])
	if m == 0 {
		return 0, false
	}
	iso := make([]byte, 0, 26)
	iso = append(iso, s[7:11]...)
	iso = append(iso, '-', byte('0'+m/10), byte('0'+m%10), '-')
	iso = append(iso, s[0:2]...)
	iso = append(iso, 'T')
	iso = append(iso, s[12:20]...)
	if len(s) > 21 && s[20] == ' ' {
		iso = append(iso, s[21:]...)
	}
	ns, _, ok := netfield.ParseISO(string(iso))
	return ns, ok
}
