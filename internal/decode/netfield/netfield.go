// Package netfield holds the small normalisation helpers that the decoders of
// network and infrastructure logs (Suricata, syslog-borne firewall lines,
// proxy, W3C and CEF logs) share, so that a URL, a port or a transport name
// comes out the same whichever source it was read from, and the same as in
// Zeek's logs.
package netfield

import (
	"strconv"
	"strings"
)

// ParseUint parses a non-negative decimal integer that fits in an int64,
// without allocating.
func ParseUint(s string) (int64, bool) {
	if s == "" || len(s) > 19 {
		return 0, false
	}
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		d := int64(c - '0')
		if n > (1<<63-1-d)/10 {
			return 0, false
		}
		n = n*10 + d
	}
	return n, true
}

// ParseInt parses a decimal integer with an optional sign.
func ParseInt(s string) (int64, bool) {
	if s != "" && (s[0] == '-' || s[0] == '+') {
		n, ok := ParseUint(s[1:])
		if s[0] == '-' {
			n = -n
		}
		return n, ok
	}
	return ParseUint(s)
}

// Port parses a port number (0-65535).
func Port(s string) (int64, bool) {
	n, ok := ParseUint(s)
	return n, ok && n <= 65535
}

// Transport returns the network.transport name for a protocol given by name
// ("TCP", "udp") or by IP protocol number ("6", "17"), lower-cased, with
// ICMP for IPv6 named "icmp" as Zeek names it, so that one search finds
// both.
func Transport(p string) string {
	switch p {
	case "6", "TCP", "tcp":
		return "tcp"
	case "17", "UDP", "udp":
		return "udp"
	case "1", "ICMP", "icmp", "58", "IPV6-ICMP", "ipv6-icmp", "ICMPv6", "icmpv6", "ICMPV6", "ICMP6", "icmp6":
		return "icmp" // as Zeek writes both

	case "47", "GRE", "gre":
		return "gre"
	case "50", "ESP", "esp":
		return "esp"
	case "132", "SCTP", "sctp":
		return "sctp"
	case "2", "IGMP", "igmp":
		return "igmp"
	}
	return strings.ToLower(p)
}

// FullURL rebuilds the URL of an HTTP request from the scheme (default
// "http"), the Host header and the request target, falling back to the
// server address and port when there is no Host, as Zeek's decoder does. A
// target that is already absolute is returned as it is; CONNECT authorities
// and "*" give "".
func FullURL(scheme, host, target, dstIP string, dstPort int64) string {
	if HasPrefixFold(target, "http://") || HasPrefixFold(target, "https://") || HasPrefixFold(target, "ftp://") {
		return target
	}
	if target != "" && target[0] != '/' {
		return ""
	}
	if scheme == "" {
		scheme = "http"
	}
	if host == "" {
		if dstIP == "" {
			return ""
		}
		host = dstIP
		if strings.IndexByte(host, ':') >= 0 {
			host = "[" + host + "]"
		}
		if dstPort > 0 && !(scheme == "http" && dstPort == 80) && !(scheme == "https" && dstPort == 443) {
			host += ":" + strconv.FormatInt(dstPort, 10)
		}
	}
	if target == "" {
		target = "/"
	}
	return scheme + "://" + host + target
}

// URLHost returns the host of an absolute URL ("http://user@host:8080/x" →
// "host"), or of an authority ("host:443"); "" when there is none.
func URLHost(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
	}
	if i := strings.IndexAny(u, "/?#"); i >= 0 {
		u = u[:i]
	}
	if i := strings.LastIndexByte(u, '@'); i >= 0 {
		u = u[i+1:]
	}
	return StripPort(u)
}

// URLPath returns the path of an absolute URL or of a request target, without
// its query.
func URLPath(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
		j := strings.IndexByte(u, '/')
		if j < 0 {
			return ""
		}
		u = u[j:]
	}
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	return u
}

// StripPort drops a port from a host ("example.com:8080",
// "[2001:db8::1]:8080"); a bare IPv6 address is left alone.
func StripPort(h string) string {
	if h != "" && h[0] == '[' {
		if i := strings.IndexByte(h, ']'); i > 0 {
			return h[1:i]
		}
		return h
	}
	if i := strings.LastIndexByte(h, ':'); i >= 0 && strings.IndexByte(h, ':') == i {
		if _, ok := ParseUint(h[i+1:]); ok {
			return h[:i]
		}
	}
	return h
}

// HasPrefixFold reports whether s begins with p, ignoring ASCII case.
func HasPrefixFold(s, p string) bool {
	return len(s) >= len(p) && strings.EqualFold(s[:len(p)], p)
}

// JoinWinPath joins an SMB share path and a file name within it.
func JoinWinPath(dir, name string) string {
	switch {
	case dir == "":
		return name
	case name == "":
		return dir
	case strings.HasSuffix(dir, `\`) || strings.HasPrefix(name, `\`):
		return dir + name
	}
	return dir + `\` + name
}

// Outcome maps the words firewalls and proxies use for what they did with a
// connection to event.outcome: "success" when it went through, "failure"
// when it was refused, "" when the word says neither.
func Outcome(action string) string {
	switch strings.ToLower(action) {
	case "accept", "accepted", "allow", "allowed", "pass", "permit", "permitted", "built", "close",
		"open", "success", "start", "client-rst", "server-rst", "timeout", "ip-conn":
		return "success"
	case "deny", "denied", "drop", "dropped", "block", "blocked", "reject", "rejected", "reset-both",
		"reset-client", "reset-server", "failure", "failed", "reset":
		return "failure"
	}
	return ""
}

// SplitCSV splits one CSV record: fields may be double-quoted, with the
// separator inside and "" for a quote. It reports false for an
// unterminated quote.
func SplitCSV(s string, comma byte, dst []string) ([]string, bool) {
	for {
		if s != "" && s[0] == '"' {
			var b []byte
			i, start := 1, 1
			for {
				if i >= len(s) {
					return dst, false
				}
				if s[i] == '"' {
					if i+1 < len(s) && s[i+1] == '"' {
						b = append(b, s[start:i+1]...)
						i += 2
						start = i
						continue
					}
					break
				}
				i++
			}
			v := s[1:i]
			if b != nil {
				v = string(append(b, s[start:i]...))
			}
			s = s[i+1:]
			// Text after the closing quote stays with the field.
			j := strings.IndexByte(s, comma)
			if j < 0 {
				return append(dst, v+s), true
			}
			dst = append(dst, v+s[:j])
			s = s[j+1:]
			continue
		}
		j := strings.IndexByte(s, comma)
		if j < 0 {
			return append(dst, s), true
		}
		dst = append(dst, s[:j])
		s = s[j+1:]
	}
}
