package evtx

import (
	"encoding/binary"

	"github.com/firebreak-ir/firebreak/internal/jsontext"
)

// xmlSink renders a record as indented XML in the layout of Event Viewer
// and evtxexport: one element per line, text inline, empty elements closed
// with "/>".
type xmlSink struct {
	out     []byte
	stack   []string
	child   []bool // whether the open element has child elements
	pending bool   // a start tag is open and still needs ">" or "/>"
	tmp     []byte // scratch
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

func (x *xmlSink) utf16(b []byte) {
	if len(b) < 2 {
		return
	}
	x.finishTag()
	x.out, x.tmp = appendUTF16XML(x.out, b, x.tmp)
}

// appendUTF16XML converts UTF-16LE text to UTF-8 and escapes it for XML
// element content in one pass, copying plain ASCII straight through; tmp is
// scratch space for the rare rest, returned for reuse.
func appendUTF16XML(dst, b, tmp []byte) ([]byte, []byte) {
	n := len(b) &^ 1
	for n >= 2 && b[n-2] == 0 && b[n-1] == 0 {
		n -= 2
	}
	for i := 0; i+1 < n; i += 2 {
		// Four plain ASCII characters at a time.
		for i+8 <= n {
			v := binary.LittleEndian.Uint64(b[i:])
			if !plainASCII4(v) {
				break
			}
			dst = append(dst, byte(v), byte(v>>16), byte(v>>32), byte(v>>48))
			i += 8
		}
		if i+1 >= n {
			break
		}
		c := b[i]
		if b[i+1] == 0 && c < 0x80 && xmlEscape[c]&escText == 0 {
			dst = append(dst, c)
			continue
		}
		// Rare: markup characters, controls, non-ASCII. Convert the rest
		// in the general way.
		mark := len(dst)
		dst = appendUTF16(dst, b[i:n])
		tail := dst[mark:]
		if !needsEscape(tail) {
			return dst, tmp
		}
		tmp = append(tmp[:0], tail...)
		return appendXMLEscaped(dst[:mark], tmp, false), tmp
	}
	return dst, tmp
}

// SWAR constants for four UTF-16 code units in a uint64.
const (
	lanes1  = 0x0001000100010001
	lanesHi = 0x8000800080008000
)

// hasZero16 reports (with possible false positives, never false negatives)
// whether a 16-bit lane of x is zero.
func hasZero16(x uint64) bool { return (x-lanes1)&^x&lanesHi != 0 }

// plainASCII4 reports whether the four UTF-16 units in v are ASCII that
// XML text carries as is: not a control character, '<', '>' or '&'. It may
// answer false for plain text (the caller then goes the slow way), never
// true for text that needs care.
func plainASCII4(v uint64) bool {
	if v&0xff80ff80ff80ff80 != 0 {
		return false
	}
	// A unit below 0x20: subtracting 0x20 borrows into its top bit.
	if (v-0x20*lanes1)&^v&lanesHi != 0 {
		return false
	}
	return !hasZero16(v^('<'*lanes1)) && !hasZero16(v^('>'*lanes1)) && !hasZero16(v^('&'*lanes1))
}

func needsEscape(b []byte) bool {
	for _, c := range b {
		if xmlEscape[c]&escText != 0 {
			return true
		}
	}
	return false
}

func (x *xmlSink) array(t byte, data []byte) {
	x.finishTag()
	first := true
	forEachElem(t, data, func(e []byte) {
		if !first {
			x.out = append(x.out, ',', ' ')
		}
		first = false
		x.tmp = appendScalar(x.tmp[:0], t, e)
		x.out = appendXMLEscaped(x.out, x.tmp, false)
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

// appendXMLEscaped appends text with XML special characters escaped. Control
// characters that XML 1.0 cannot carry at all, not even as character
// references, become U+FFFD (JSON output and events keep them); line breaks
// and tabs inside attribute values are written as character references so
// that they survive attribute normalisation.
func appendXMLEscaped(dst, s []byte, attr bool) []byte {
	mask := escText
	if attr {
		mask |= escAttr
	}
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if xmlEscape[c]&mask == 0 {
			continue
		}
		dst = append(dst, s[start:i]...)
		start = i + 1
		switch c {
		case '<':
			dst = append(dst, "&lt;"...)
		case '>':
			dst = append(dst, "&gt;"...)
		case '&':
			dst = append(dst, "&amp;"...)
		case '"':
			dst = append(dst, "&quot;"...)
		case '\n', '\r', '\t':
			dst = append(dst, '&', '#', 'x', '0', hexUpper[c&15], ';')
		default:
			dst = append(dst, "\uFFFD"...)
		}
	}
	return append(dst, s[start:]...)
}

// Classes of bytes for appendXMLEscaped.
const (
	escText uint8 = 1 << iota // escaped in text and attributes
	escAttr                   // escaped in attributes only
)

// xmlEscape classifies bytes for appendXMLEscaped; it is never written.
var xmlEscape = func() (t [256]uint8) {
	for c := range 0x20 {
		t[c] = escText
	}
	t['\n'], t['\r'], t['\t'] = escAttr, escAttr, escAttr
	t['<'], t['>'], t['&'] = escText, escText, escText
	t['"'] = escAttr
	return t
}()

// appendRecordJSON renders a record's fields as one JSON object with two
// members: "System" and the payload section (EventData, UserData, …), each
// an object of fields in order. A payload name that occurs more than once
// (unnamed Data, repeated UserData leaves) becomes one key whose value is
// the array of its values, at its first position.
func appendRecordJSON(dst []byte, f *fieldSink) []byte {
	dst = append(dst, `{"System":`...)
	dst = appendFieldsJSON(dst, f.buf, f.fields[:f.nSys])
	if f.payload != "" {
		dst = append(dst, ',')
		dst = jsontext.AppendString(dst, f.payload)
		dst = append(dst, ':')
		dst = appendFieldsJSON(dst, f.buf, f.fields[f.nSys:])
	}
	return append(dst, '}')
}

// appendFieldsJSON renders fields as one JSON object, merging repeated
// names into arrays.
func appendFieldsJSON(dst []byte, buf []byte, fields []span) []byte {
	dst = append(dst, '{')
	// Detect repeated names cheaply: a 256-bit filter on a name hash,
	// with an exact check only on a filter hit.
	var seen [4]uint64
	dup := false
	for i, f := range fields {
		h := nameHash(f.name)
		if seen[h>>6]&(1<<(h&63)) != 0 && firstOf(fields[:i+1], i) != i {
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
			if dst[len(dst)-1] != '{' {
				dst = append(dst, ',')
			}
			dst = jsontext.AppendString(dst, f.name)
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
				dst = jsontext.AppendString(dst, buf[g.start:g.end])
			}
			dst = append(dst, ']')
			continue
		}
		if dst[len(dst)-1] != '{' {
			dst = append(dst, ',')
		}
		dst = appendJSONName(dst, f.name)
		dst = jsontext.AppendString(dst, buf[f.start:f.end])
	}
	return append(dst, '}')
}

// appendJSONName appends a member name and colon; names are almost always
// plain ASCII, copied without escaping.
func appendJSONName(dst []byte, name string) []byte {
	for i := 0; i < len(name); i++ {
		if c := name[i]; c < 0x20 || c == '"' || c == '\\' || c >= 0x80 {
			dst = jsontext.AppendString(dst, name)
			return append(dst, ':')
		}
	}
	dst = append(dst, '"')
	dst = append(dst, name...)
	return append(dst, '"', ':')
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
