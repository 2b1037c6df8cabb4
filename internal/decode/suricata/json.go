package suricata

import (
	"errors"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// flattener reads one EVE line, a JSON object held in a string, and hands
// each scalar member to a sink under its dotted name (nested objects
// flattened: "alert.signature", "flow.bytes_toserver"). Arrays are kept as
// compact JSON text; null members are left out. String values without
// escapes, numbers and compact arrays are substrings of the line, so a line
// costs no allocation beyond its own string in the common case.
type flattener struct {
	s    string
	i    int
	buf  []byte // unescaped strings
	name []byte // dotted name being built
}

// maxDepth bounds nesting so a hostile line cannot exhaust the stack.
const maxDepth = 32

var (
	errEnd   = errors.New("unexpected end of line")
	errDepth = errors.New("nested too deeply")
)

// sink receives the members of a line: name is the dotted name, valid only
// during the call.
type sink interface {
	member(name []byte, value string)
}

func (p *flattener) syntaxErr(want string) error {
	if p.i >= len(p.s) {
		return errEnd
	}
	return errors.New("expected " + want + " at column " + strconv.Itoa(p.i+1) +
		", found " + strconv.QuoteRuneToASCII(rune(p.s[p.i])))
}

func (p *flattener) ws() bool {
	start := p.i
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\r', '\n':
			p.i++
		default:
			return p.i > start
		}
	}
	return p.i > start
}

// line flattens the object that is the whole of s into k.
func (p *flattener) line(s string, k sink) error {
	p.s, p.i, p.name = s, 0, p.name[:0]
	p.ws()
	if err := p.object(k, 0); err != nil {
		return err
	}
	p.ws()
	if p.i != len(p.s) {
		return p.syntaxErr("end of line")
	}
	return nil
}

func (p *flattener) object(k sink, depth int) error {
	if p.i >= len(p.s) || p.s[p.i] != '{' {
		return p.syntaxErr("'{'")
	}
	p.i++
	p.ws()
	if p.i < len(p.s) && p.s[p.i] == '}' {
		p.i++
		return nil
	}
	base := len(p.name)
	for {
		if p.i >= len(p.s) || p.s[p.i] != '"' {
			return p.syntaxErr("a key")
		}
		key, err := p.str()
		if err != nil {
			return err
		}
		p.name = p.name[:base]
		if base > 0 {
			p.name = append(p.name, '.')
		}
		p.name = append(p.name, key...)
		p.ws()
		if p.i >= len(p.s) || p.s[p.i] != ':' {
			return p.syntaxErr("':'")
		}
		p.i++
		p.ws()
		if p.i >= len(p.s) {
			return errEnd
		}
		switch c := p.s[p.i]; c {
		case '"':
			v, err := p.str()
			if err != nil {
				return err
			}
			k.member(p.name, v)
		case '{':
			if depth >= maxDepth {
				return errDepth
			}
			if err := p.object(k, depth+1); err != nil {
				return err
			}
		case '[':
			start := p.i
			space, err := p.skip(depth + 1)
			if err != nil {
				return err
			}
			v := p.s[start:p.i]
			if space {
				v = compact(v)
			}
			k.member(p.name, v)
		case 'n':
			if err := p.word("null"); err != nil {
				return err
			}
		case 't':
			if err := p.word("true"); err != nil {
				return err
			}
			k.member(p.name, "true")
		case 'f':
			if err := p.word("false"); err != nil {
				return err
			}
			k.member(p.name, "false")
		default:
			v, err := p.number()
			if err != nil {
				return err
			}
			k.member(p.name, v)
		}
		p.ws()
		if p.i >= len(p.s) {
			return errEnd
		}
		switch p.s[p.i] {
		case ',':
			p.i++
			p.ws()
		case '}':
			p.i++
			p.name = p.name[:base]
			return nil
		default:
			return p.syntaxErr("',' or '}'")
		}
	}
}

func (p *flattener) word(w string) error {
	if len(p.s)-p.i < len(w) || p.s[p.i:p.i+len(w)] != w {
		return p.syntaxErr(strconv.Quote(w))
	}
	p.i += len(w)
	return nil
}

// number reads a JSON number and returns its text.
func (p *flattener) number() (string, error) {
	s, start := p.s, p.i
	i := p.i
	if i < len(s) && s[i] == '-' {
		i++
	}
	d := i
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == d || (s[d] == '0' && i-d > 1) {
		p.i = d
		return "", p.syntaxErr("a value")
	}
	if i < len(s) && s[i] == '.' {
		i++
		f := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == f {
			p.i = i
			return "", p.syntaxErr("a digit")
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		f := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == f {
			p.i = i
			return "", p.syntaxErr("a digit")
		}
	}
	p.i = i
	return s[start:i], nil
}

// skip passes over the value at p.i, reporting whether it held white space
// outside strings.
func (p *flattener) skip(depth int) (space bool, err error) {
	if depth > maxDepth {
		return false, errDepth
	}
	if p.i >= len(p.s) {
		return false, errEnd
	}
	switch p.s[p.i] {
	case '"':
		_, err := p.str()
		return false, err
	case '[', '{':
		obj := p.s[p.i] == '{'
		closer := byte(']')
		if obj {
			closer = '}'
		}
		p.i++
		space = p.ws()
		if p.i < len(p.s) && p.s[p.i] == closer {
			p.i++
			return space, nil
		}
		for {
			if obj {
				if p.i >= len(p.s) || p.s[p.i] != '"' {
					return false, p.syntaxErr("a key")
				}
				if _, err := p.str(); err != nil {
					return false, err
				}
				space = p.ws() || space
				if p.i >= len(p.s) || p.s[p.i] != ':' {
					return false, p.syntaxErr("':'")
				}
				p.i++
				space = p.ws() || space
			}
			sp, err := p.skip(depth + 1)
			if err != nil {
				return false, err
			}
			space = p.ws() || sp || space
			if p.i >= len(p.s) {
				return false, errEnd
			}
			switch p.s[p.i] {
			case ',':
				p.i++
				space = p.ws() || space
			case closer:
				p.i++
				return space, nil
			default:
				return false, p.syntaxErr("',' or '" + string(closer) + "'")
			}
		}
	case 't':
		return false, p.word("true")
	case 'f':
		return false, p.word("false")
	case 'n':
		return false, p.word("null")
	}
	_, err = p.number()
	return false, err
}

// str reads the string at p.i (a '"') and returns its value.
func (p *flattener) str() (string, error) {
	s := p.s
	for j := p.i + 1; j < len(s); j++ {
		c := s[j]
		switch {
		case c == '"':
			v := s[p.i+1 : j]
			p.i = j + 1
			return v, nil
		case c == '\\' || c < 0x20 || c >= 0x80:
			return p.slowStr()
		}
	}
	return "", errEnd
}

// slowStr unescapes a string and replaces invalid UTF-8 with U+FFFD.
func (p *flattener) slowStr() (string, error) {
	s := p.s
	b := p.buf[:0]
	i := p.i + 1
	for i < len(s) {
		c := s[i]
		switch {
		case c == '"':
			p.i = i + 1
			p.buf = b
			return string(b), nil
		case c < 0x20:
			p.i = i
			return "", p.syntaxErr("no control character in a string")
		case c >= 0x80:
			r, n := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && n == 1 {
				b = append(b, "\uFFFD"...)
			} else {
				b = append(b, s[i:i+n]...)
			}
			i += n
		case c != '\\':
			b = append(b, c)
			i++
		default:
			if i+1 >= len(s) {
				return "", errEnd
			}
			e := s[i+1]
			i += 2
			switch e {
			case '"', '\\', '/':
				b = append(b, e)
			case 'b':
				b = append(b, '\b')
			case 'f':
				b = append(b, '\f')
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'u':
				r, ok := hex4(s, i)
				if !ok {
					p.i = i
					return "", p.syntaxErr("four hex digits")
				}
				i += 4
				if utf16.IsSurrogate(r) {
					r2, ok := rune(0), false
					if i+6 <= len(s) && s[i] == '\\' && s[i+1] == 'u' {
						r2, ok = hex4(s, i+2)
					}
					if d := utf16.DecodeRune(r, r2); ok && d != utf8.RuneError {
						r = d
						i += 6
					} else {
						r = utf8.RuneError
					}
				}
				b = utf8.AppendRune(b, r)
			default:
				p.i = i - 1
				return "", p.syntaxErr("an escape")
			}
		}
	}
	return "", errEnd
}

func hex4(s string, i int) (rune, bool) {
	if i+4 > len(s) {
		return 0, false
	}
	var r rune
	for _, c := range []byte(s[i : i+4]) {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// compact removes white space outside strings from JSON text.
func compact(v string) string {
	b := make([]byte, 0, len(v))
	in := false
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case in:
			b = append(b, c)
			if c == '\\' && i+1 < len(v) {
				i++
				b = append(b, v[i])
			} else if c == '"' {
				in = false
			}
		case c == '"':
			in = true
			b = append(b, c)
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
		default:
			b = append(b, c)
		}
	}
	return string(b)
}

// arrayValues calls fn with the text of each string element of the JSON
// array text, and, for object elements, with the string or number value of
// their member named member. It stops quietly at malformed text.
func arrayValues(text, member string, fn func(string)) {
	p := flattener{s: text}
	if p.i >= len(p.s) || p.s[0] != '[' {
		return
	}
	p.i++
	p.ws()
	for p.i < len(p.s) && p.s[p.i] != ']' {
		switch p.s[p.i] {
		case '"':
			v, err := p.str()
			if err != nil {
				return
			}
			fn(v)
		case '{':
			p.i++
			p.ws()
			for p.i < len(p.s) && p.s[p.i] == '"' {
				k, err := p.str()
				if err != nil {
					return
				}
				p.ws()
				if p.i >= len(p.s) || p.s[p.i] != ':' {
					return
				}
				p.i++
				p.ws()
				if k == member && p.i < len(p.s) && p.s[p.i] == '"' {
					v, err := p.str()
					if err != nil {
						return
					}
					fn(v)
				} else {
					start := p.i
					if _, err := p.skip(1); err != nil {
						return
					}
					if k == member && p.s[start] != '{' && p.s[start] != '[' && p.s[start] != 'n' {
						fn(p.s[start:p.i])
					}
				}
				p.ws()
				if p.i < len(p.s) && p.s[p.i] == ',' {
					p.i++
					p.ws()
				}
			}
			if p.i >= len(p.s) || p.s[p.i] != '}' {
				return
			}
			p.i++
		default:
			if _, err := p.skip(1); err != nil {
				return
			}
		}
		p.ws()
		if p.i < len(p.s) && p.s[p.i] == ',' {
			p.i++
			p.ws()
		}
	}
}
