package jsonl

import (
	"fmt"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/firebreak-ir/firebreak/internal/jsontext"
)

// The parser turns one line of JSON into a tree of nodes kept in one slice,
// in document order, so that key order survives and nothing is allocated per
// value once its buffers have grown. Strings are unescaped into buf, with
// invalid UTF-8 replaced by U+FFFD as encoding/json does; numbers keep their
// text.

type kind uint8

const (
	kNull kind = iota
	kFalse
	kTrue
	kNum
	kStr
	kObj
	kArr
)

// maxDepth bounds nesting so a hostile line cannot exhaust the stack.
const maxDepth = 64

// span is a range of parser.buf.
type span struct{ off, n int32 }

// node is one JSON value. Children of an object or array are linked through
// first and next, in input order; -1 ends a list.
type node struct {
	key   span // the member name, when the parent is an object
	val   span // the text of a string, number or literal
	first int32
	next  int32
	kind  kind
}

type parser struct {
	line  []byte
	i     int
	buf   []byte
	nodes []node
	err   string // why parsing failed
	errAt int    // byte offset of the failure
}

// parse parses line, which must hold exactly one JSON object. On failure it
// returns false with p.err and p.errAt set.
func (p *parser) parse(line []byte) bool {
	p.line, p.i, p.buf, p.nodes, p.err = line, 0, p.buf[:0], p.nodes[:0], ""
	p.ws()
	if p.i >= len(line) || line[p.i] != '{' {
		return p.fail("not a JSON object")
	}
	if p.value(0) < 0 {
		return false
	}
	p.ws()
	if p.i != len(line) {
		return p.fail("data after the object")
	}
	return true
}

func (p *parser) fail(msg string) bool {
	if p.err == "" {
		p.err, p.errAt = msg, p.i
	}
	return false
}

func (p *parser) ws() {
	for p.i < len(p.line) {
		switch p.line[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// value parses one value at p.i and returns its node index, or -1.
func (p *parser) value(depth int) int32 {
	if depth > maxDepth {
		p.fail(fmt.Sprintf("nested deeper than %d", maxDepth))
		return -1
	}
	p.ws()
	if p.i >= len(p.line) {
		p.fail("unexpected end of line")
		return -1
	}
	idx := int32(len(p.nodes))
	p.nodes = append(p.nodes, node{first: -1, next: -1})
	switch c := p.line[p.i]; c {
	case '{':
		p.nodes[idx].kind = kObj
		p.i++
		p.ws()
		if p.i < len(p.line) && p.line[p.i] == '}' {
			p.i++
			return idx
		}
		last := int32(-1)
		for {
			p.ws()
			if p.i >= len(p.line) || p.line[p.i] != '"' {
				p.fail("expected a member name")
				return -1
			}
			key, ok := p.str()
			if !ok {
				return -1
			}
			p.ws()
			if p.i >= len(p.line) || p.line[p.i] != ':' {
				p.fail("expected ':'")
				return -1
			}
			p.i++
			child := p.value(depth + 1)
			if child < 0 {
				return -1
			}
			p.nodes[child].key = key
			p.link(idx, last, child)
			last = child
			p.ws()
			if p.i >= len(p.line) {
				p.fail("unexpected end of line")
				return -1
			}
			if p.line[p.i] == ',' {
				p.i++
				continue
			}
			if p.line[p.i] == '}' {
				p.i++
				return idx
			}
			p.fail("expected ',' or '}'")
			return -1
		}
	case '[':
		p.nodes[idx].kind = kArr
		p.i++
		p.ws()
		if p.i < len(p.line) && p.line[p.i] == ']' {
			p.i++
			return idx
		}
		last := int32(-1)
		for {
			child := p.value(depth + 1)
			if child < 0 {
				return -1
			}
			p.link(idx, last, child)
			last = child
			p.ws()
			if p.i >= len(p.line) {
				p.fail("unexpected end of line")
				return -1
			}
			if p.line[p.i] == ',' {
				p.i++
				continue
			}
			if p.line[p.i] == ']' {
				p.i++
				return idx
			}
			p.fail("expected ',' or ']'")
			return -1
		}
	case '"':
		s, ok := p.str()
		if !ok {
			return -1
		}
		p.nodes[idx].kind, p.nodes[idx].val = kStr, s
	case 't':
		return p.literal(idx, "true", kTrue)
	case 'f':
		return p.literal(idx, "false", kFalse)
	case 'n':
		return p.literal(idx, "null", kNull)
	default:
		if c == '-' || c >= '0' && c <= '9' {
			start := p.i
			if !p.number() {
				return -1
			}
			off := int32(len(p.buf))
			p.buf = append(p.buf, p.line[start:p.i]...)
			p.nodes[idx].kind = kNum
			p.nodes[idx].val = span{off, int32(p.i - start)}
			return idx
		}
		p.fail("unexpected character")
		return -1
	}
	return idx
}

func (p *parser) link(parent, last, child int32) {
	if last < 0 {
		p.nodes[parent].first = child
	} else {
		p.nodes[last].next = child
	}
}

func (p *parser) literal(idx int32, word string, k kind) int32 {
	if len(p.line)-p.i < len(word) || string(p.line[p.i:p.i+len(word)]) != word {
		p.fail("invalid literal")
		return -1
	}
	p.i += len(word)
	off := int32(len(p.buf))
	if k != kNull {
		p.buf = append(p.buf, word...)
	}
	p.nodes[idx].kind = k
	p.nodes[idx].val = span{off, int32(len(p.buf)) - off}
	return idx
}

// number checks the JSON number grammar at p.i and advances past it.
func (p *parser) number() bool {
	l := p.line
	if p.i < len(l) && l[p.i] == '-' {
		p.i++
	}
	switch {
	case p.i < len(l) && l[p.i] == '0':
		p.i++
	case p.i < len(l) && l[p.i] >= '1' && l[p.i] <= '9':
		for p.i < len(l) && l[p.i] >= '0' && l[p.i] <= '9' {
			p.i++
		}
	default:
		return p.fail("invalid number")
	}
	if p.i < len(l) && l[p.i] == '.' {
		p.i++
		if p.i >= len(l) || l[p.i] < '0' || l[p.i] > '9' {
			return p.fail("invalid number")
		}
		for p.i < len(l) && l[p.i] >= '0' && l[p.i] <= '9' {
			p.i++
		}
	}
	if p.i < len(l) && (l[p.i] == 'e' || l[p.i] == 'E') {
		p.i++
		if p.i < len(l) && (l[p.i] == '+' || l[p.i] == '-') {
			p.i++
		}
		if p.i >= len(l) || l[p.i] < '0' || l[p.i] > '9' {
			return p.fail("invalid number")
		}
		for p.i < len(l) && l[p.i] >= '0' && l[p.i] <= '9' {
			p.i++
		}
	}
	return true
}

// str unescapes the string at p.i (which holds '"') into buf.
func (p *parser) str() (span, bool) {
	p.i++
	off := int32(len(p.buf))
	l := p.line
	for {
		// Copy the run of plain ASCII bytes in one go.
		j := p.i
		for j < len(l) {
			c := l[j]
			if c == '"' || c == '\\' || c < 0x20 || c >= 0x80 {
				break
			}
			j++
		}
		p.buf = append(p.buf, l[p.i:j]...)
		p.i = j
		if p.i >= len(l) {
			p.fail("unterminated string")
			return span{}, false
		}
		c := l[p.i]
		switch {
		case c == '"':
			p.i++
			return span{off, int32(len(p.buf)) - off}, true
		case c < 0x20:
			p.fail("control character in string")
			return span{}, false
		case c >= 0x80:
			r, size := utf8.DecodeRune(l[p.i:])
			if r == utf8.RuneError && size == 1 {
				p.buf = utf8.AppendRune(p.buf, utf8.RuneError)
			} else {
				p.buf = append(p.buf, l[p.i:p.i+size]...)
			}
			p.i += size
		default: // backslash
			if p.i+1 >= len(l) {
				p.fail("unterminated string")
				return span{}, false
			}
			e := l[p.i+1]
			p.i += 2
			switch e {
			case '"', '\\', '/':
				p.buf = append(p.buf, e)
			case 'b':
				p.buf = append(p.buf, '\b')
			case 'f':
				p.buf = append(p.buf, '\f')
			case 'n':
				p.buf = append(p.buf, '\n')
			case 'r':
				p.buf = append(p.buf, '\r')
			case 't':
				p.buf = append(p.buf, '\t')
			case 'u':
				r, ok := p.hex4()
				if !ok {
					return span{}, false
				}
				if utf16.IsSurrogate(r) {
					r2 := utf8.RuneError
					if p.i+1 < len(l) && l[p.i] == '\\' && l[p.i+1] == 'u' {
						save := p.i
						p.i += 2
						lo, ok := p.hex4()
						if !ok {
							return span{}, false
						}
						if d := utf16.DecodeRune(r, lo); d != utf8.RuneError {
							r2 = d
						} else {
							p.i = save // not a pair: the second escape stands alone
						}
					}
					r = r2
				}
				p.buf = utf8.AppendRune(p.buf, r)
			default:
				p.i -= 2
				p.fail("invalid escape in string")
				return span{}, false
			}
		}
	}
}

func (p *parser) hex4() (rune, bool) {
	if len(p.line)-p.i < 4 {
		p.fail("invalid \\u escape")
		return 0, false
	}
	var r rune
	for _, c := range p.line[p.i : p.i+4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			p.fail("invalid \\u escape")
			return 0, false
		}
	}
	p.i += 4
	return r, true
}

// Accessors.

func (p *parser) bytes(s span) []byte { return p.buf[s.off : s.off+s.n] }

func (p *parser) keyIs(idx int32, name string) bool {
	k := p.nodes[idx].key
	return int(k.n) == len(name) && string(p.buf[k.off:k.off+k.n]) == name
}

// child returns the first member of object idx called name, or -1. It
// accepts idx == -1 and non-objects.
func (p *parser) child(idx int32, name string) int32 {
	if idx < 0 || p.nodes[idx].kind != kObj {
		return -1
	}
	for c := p.nodes[idx].first; c >= 0; c = p.nodes[c].next {
		if p.keyIs(c, name) {
			return c
		}
	}
	return -1
}

// child2 returns the first member of object idx called prefix+name+suffix.
func (p *parser) child2(idx int32, prefix, name, suffix string) int32 {
	if idx < 0 || p.nodes[idx].kind != kObj {
		return -1
	}
	want := len(prefix) + len(name) + len(suffix)
	for c := p.nodes[idx].first; c >= 0; c = p.nodes[c].next {
		k := p.bytes(p.nodes[c].key)
		if len(k) == want && string(k[:len(prefix)]) == prefix &&
			string(k[len(prefix):len(prefix)+len(name)]) == name &&
			string(k[len(prefix)+len(name):]) == suffix {
			return c
		}
	}
	return -1
}

// path follows a chain of member names from idx.
func (p *parser) path(idx int32, names ...string) int32 {
	for _, n := range names {
		idx = p.child(idx, n)
	}
	return idx
}

func (p *parser) isScalar(idx int32) bool {
	return idx >= 0 && p.nodes[idx].kind <= kStr
}

// appendText appends the text of value idx: the value of a string, number or
// boolean, nothing for null, and compact JSON for objects and arrays.
func (p *parser) appendText(dst []byte, idx int32) []byte {
	n := &p.nodes[idx]
	if n.kind <= kStr {
		return append(dst, p.bytes(n.val)...)
	}
	return p.appendJSON(dst, idx)
}

// appendJSON appends value idx as compact JSON.
func (p *parser) appendJSON(dst []byte, idx int32) []byte {
	n := p.nodes[idx]
	switch n.kind {
	case kNull:
		return append(dst, "null"...)
	case kStr:
		return jsontext.AppendString(dst, p.bytes(n.val))
	case kObj, kArr:
		open, close := byte('['), byte(']')
		if n.kind == kObj {
			open, close = '{', '}'
		}
		dst = append(dst, open)
		for c := n.first; c >= 0; c = p.nodes[c].next {
			if c != n.first {
				dst = append(dst, ',')
			}
			if n.kind == kObj {
				dst = jsontext.AppendString(dst, p.bytes(p.nodes[c].key))
				dst = append(dst, ':')
			}
			dst = p.appendJSON(dst, c)
		}
		return append(dst, close)
	}
	return append(dst, p.bytes(n.val)...)
}
