package evtx

import "unicode/utf8"

// xmlSink renders a record as indented XML in the layout of Event Viewer
// and evtxexport: one element per line, text inline, empty elements closed
// with "/>".
type xmlSink struct {
	out     []byte
	stack   []string
	child   []bool // whether the open element has child elements
	pending bool   // a start tag is open and still needs ">" or "/>"
}

func (x *xmlSink) reset() {
	x.stack = x.stack[:0]
	x.child = x.child[:0]
	x.pending = false
}

func (x *xmlSink) indent(depth int) {
	x.out = append(x.out, '\n')
	for range depth {
		x.out = append(x.out, ' ', ' ')
	}
}

func (x *xmlSink) finishTag() {
	if x.pending {
		x.out = append(x.out, '>')
		x.pending = false
	}
}

func (x *xmlSink) open(name string) {
	x.finishTag()
	if n := len(x.child); n > 0 {
		x.child[n-1] = true
		x.indent(n)
	}
	x.out = append(x.out, '<')
	x.out = append(x.out, name...)
	x.stack = append(x.stack, name)
	x.child = append(x.child, false)
	x.pending = true
}

func (x *xmlSink) attr(name string, text []byte, _ value) {
	if !x.pending {
		return
	}
	x.out = append(x.out, ' ')
	x.out = append(x.out, name...)
	x.out = append(x.out, '=', '"')
	x.out = appendXMLEscaped(x.out, text, true)
	x.out = append(x.out, '"')
}

func (x *xmlSink) text(b []byte) {
	if len(b) == 0 {
		return
	}
	x.finishTag()
	x.out = appendXMLEscaped(x.out, b, false)
}

func (x *xmlSink) array(t byte, data []byte) {
	x.finishTag()
	first := true
	var tmp []byte
	forEachElem(t, data, func(e []byte) {
		if !first {
			x.out = append(x.out, ',', ' ')
		}
		first = false
		tmp = appendScalar(tmp[:0], t, e)
		x.out = appendXMLEscaped(x.out, tmp, false)
	})
}

func (x *xmlSink) close() {
	n := len(x.stack)
	if n == 0 {
		return
	}
	name := x.stack[n-1]
	child := x.child[n-1]
	x.stack = x.stack[:n-1]
	x.child = x.child[:n-1]
	if x.pending {
		x.out = append(x.out, '/', '>')
		x.pending = false
		return
	}
	if child {
		x.indent(n - 1)
	}
	x.out = append(x.out, '<', '/')
	x.out = append(x.out, name...)
	x.out = append(x.out, '>')
}

func (x *xmlSink) pi(target, data string) {
	x.finishTag()
	x.out = append(x.out, "<?"...)
	x.out = append(x.out, target...)
	if data != "" {
		x.out = append(x.out, ' ')
		x.out = append(x.out, data...)
	}
	x.out = append(x.out, "?>"...)
}

// appendXMLEscaped appends text with XML special characters escaped and
// characters that XML 1.0 cannot carry written as character references.
func appendXMLEscaped(dst, s []byte, attr bool) []byte {
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		var esc string
		switch {
		case c == '<':
			esc = "&lt;"
		case c == '>':
			esc = "&gt;"
		case c == '&':
			esc = "&amp;"
		case c == '"' && attr:
			esc = "&quot;"
		case c < 0x20 && c != '\t' && c != '\n' && c != '\r':
			dst = append(dst, s[start:i]...)
			dst = append(dst, "&#x"...)
			dst = append(dst, hexUpper[c>>4], hexUpper[c&15], ';')
			start = i + 1
			continue
		case (c == '\n' || c == '\r' || c == '\t') && attr:
			dst = append(dst, s[start:i]...)
			dst = append(dst, "&#x"...)
			dst = append(dst, hexUpper[c>>4], hexUpper[c&15], ';')
			start = i + 1
			continue
		default:
			continue
		}
		dst = append(dst, s[start:i]...)
		dst = append(dst, esc...)
		start = i + 1
	}
	return append(dst, s[start:]...)
}

// appendJSONString appends s as a JSON string. ASCII without special
// characters is copied in one go; invalid UTF-8 becomes U+FFFD.
func appendJSONString(dst, s []byte) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < 0x80 {
			i++
			continue
		}
		if c >= 0x80 {
			r, size := utf8.DecodeRune(s[i:])
			if r == utf8.RuneError && size == 1 {
				dst = append(dst, s[start:i]...)
				dst = append(dst, `\ufffd`...)
				i++
				start = i
				continue
			}
			if r == '\u2028' || r == '\u2029' {
				dst = append(dst, s[start:i]...)
				dst = append(dst, `\u202`...)
				dst = append(dst, hexLower[r&15])
				i += size
				start = i
				continue
			}
			i += size
			continue
		}
		dst = append(dst, s[start:i]...)
		switch c {
		case '"':
			dst = append(dst, '\\', '"')
		case '\\':
			dst = append(dst, '\\', '\\')
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		default:
			dst = append(dst, '\\', 'u', '0', '0', hexLower[c>>4], hexLower[c&15])
		}
		i++
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

const hexLower = "0123456789abcdef"

// appendFieldsJSON renders fields as one JSON object. A name that occurs
// more than once (unnamed Data, repeated UserData leaves) becomes one key
// whose value is the array of its values, at its first position.
func appendFieldsJSON(dst []byte, buf []byte, fields []span) []byte {
	dst = append(dst, '{')
	// Detect repeated names cheaply: a 256-bit filter on a name hash,
	// with an exact check only on a filter hit.
	var seen [4]uint64
	dup := false
	for _, f := range fields {
		h := nameHash(f.name)
		if seen[h>>6]&(1<<(h&63)) != 0 {
			dup = true
			break
		}
		seen[h>>6] |= 1 << (h & 63)
	}
	for i, f := range fields {
		if dup && repeated(fields, i) {
			if firstOf(fields, i) != i {
				continue
			}
			if i > 0 && dst[len(dst)-1] != '{' {
				dst = append(dst, ',')
			}
			dst = appendJSONString(dst, []byte(f.name))
			dst = append(dst, ':', '[')
			n := 0
			for _, g := range fields[i:] {
				if g.name != f.name {
					continue
				}
				if n > 0 {
					dst = append(dst, ',')
				}
				n++
				dst = appendJSONString(dst, buf[g.start:g.end])
			}
			dst = append(dst, ']')
			continue
		}
		if dst[len(dst)-1] != '{' {
			dst = append(dst, ',')
		}
		dst = appendJSONString(dst, []byte(f.name))
		dst = append(dst, ':')
		dst = appendJSONString(dst, buf[f.start:f.end])
	}
	return append(dst, '}')
}

func nameHash(s string) uint8 {
	h := uint8(len(s))
	if len(s) > 0 {
		h = h*31 + s[0]
		h = h*31 + s[len(s)-1]
	}
	if len(s) > 2 {
		h = h*31 + s[len(s)/2]
	}
	return h
}

func repeated(fields []span, i int) bool {
	for j := range fields {
		if j != i && fields[j].name == fields[i].name {
			return true
		}
	}
	return false
}

func firstOf(fields []span, i int) int {
	for j := range fields {
		if fields[j].name == fields[i].name {
			return j
		}
	}
	return i
}
