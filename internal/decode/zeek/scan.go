package zeek

import (
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"
)

// scanner reads JSON text held in one string. Strings without escapes,
// numbers and compact arrays come back as substrings of the input, so a
// typical Zeek line costs no allocation beyond the line itself.
type scanner struct {
	s     string
	i     int
	buf   []byte
	space bool // whitespace seen inside the value being skipped
}

const maxDepth = 32

var (
	errEnd        = errors.New("unexpected end of JSON")
	errDepth      = errors.New("JSON nested too deeply")
	errBadEscape  = errors.New("bad escape in JSON string")
	errBadLiteral = errors.New("bad JSON literal")
)

// syntaxErr describes an unexpected byte.
func (p *scanner) syntaxErr(want string) error {
	if p.i >= len(p.s) {
		return errEnd
	}
	return errors.New("bad JSON: expected " + want + " at column " + strconv.Itoa(p.i+1) +
		", found " + strconv.QuoteRuneToASCII(rune(p.s[p.i])))
}

// ws skips white space and reports whether there was any.
func (p *scanner) ws() bool {
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

// str reads the string starting at p.i (a '"') and returns its value.
func (p *scanner) str() (string, error) {
	s := p.s
	// Keys and most values are short: one plain loop looking for the end
	// and for escapes beats two IndexByte calls.
	for j := p.i + 1; j < len(s); j++ {
		switch s[j] {
		case '"':
			v := s[p.i+1 : j]
			p.i = j + 1
			return v, nil
		case '\\':
			b, err := p.unescape(p.buf[:0])
			p.buf = b
			if err != nil {
				return "", err
			}
			return string(b), nil
		}
	}
	return "", errEnd
}

// unescape appends the value of the string starting at p.i to b.
func (p *scanner) unescape(b []byte) ([]byte, error) {
	s := p.s
	i := p.i + 1
	for i < len(s) {
		c := s[i]
		if c == '"' {
			p.i = i + 1
			return b, nil
		}
		if c != '\\' {
			b = append(b, c)
			i++
			continue
		}
		if i+1 >= len(s) {
			return b, errEnd
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
				return b, errBadEscape
			}
			i += 4
			if utf16IsHigh(r) && i+6 <= len(s) && s[i] == '\\' && s[i+1] == 'u' {
				if r2, ok := hex4(s, i+2); ok && utf16IsLow(r2) {
					r = 0x10000 + (r-0xd800)<<10 + (r2 - 0xdc00)
					i += 6
				}
			}
			if r >= 0xd800 && r < 0xe000 {
				r = utf8.RuneError
			}
			b = utf8.AppendRune(b, r)
		default:
			return b, errBadEscape
		}
	}
	return b, errEnd
}

func utf16IsHigh(r rune) bool { return r >= 0xd800 && r < 0xdc00 }
func utf16IsLow(r rune) bool  { return r >= 0xdc00 && r < 0xe000 }

func hex4(s string, i int) (rune, bool) {
	if i+4 > len(s) {
		return 0, false
	}
	var r rune
	for k := i; k < i+4; k++ {
		v, ok := hexVal(s[k])
		if !ok {
			return 0, false
		}
		r = r<<4 | rune(v)
	}
	return r, true
}

func hexVal(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// skipString moves past the string starting at p.i, checking its escapes.
func (p *scanner) skipString() error {
	s := p.s
	i := p.i + 1
	for {
		j := strings.IndexAny(s[i:], "\"\\")
		if j < 0 {
			return errEnd
		}
		i += j
		if s[i] == '"' {
			p.i = i + 1
			return nil
		}
		if i+1 >= len(s) {
			return errEnd
		}
		switch s[i+1] {
		case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			i += 2
		case 'u':
			if _, ok := hex4(s, i+2); !ok {
				return errBadEscape
			}
			i += 6
		default:
			return errBadEscape
		}
	}
}

// number moves past the number at p.i and returns its text.
func (p *scanner) number() (string, error) {
	s := p.s
	start := p.i
	i := p.i
	if i < len(s) && s[i] == '-' {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			n++
		}
		return n
	}
	if i < len(s) && s[i] == '0' {
		i++
	} else if digits() == 0 {
		p.i = i
		return "", p.syntaxErr("a value")
	}
	if i < len(s) && s[i] == '.' {
		i++
		if digits() == 0 {
			p.i = i
			return "", p.syntaxErr("a digit")
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() == 0 {
			p.i = i
			return "", p.syntaxErr("a digit")
		}
	}
	p.i = i
	return s[start:i], nil
}

// literal moves past true, false or null and returns it.
func (p *scanner) literal() (string, error) {
	for _, l := range [...]string{"true", "false", "null"} {
		if strings.HasPrefix(p.s[p.i:], l) {
			p.i += len(l)
			return l, nil
		}
	}
	return "", errBadLiteral
}

// skipValue moves past any JSON value, noting white space inside it.
func (p *scanner) skipValue(depth int) error {
	if p.i >= len(p.s) {
		return errEnd
	}
	switch p.s[p.i] {
	case '"':
		return p.skipString()
	case '[', '{':
		if depth >= maxDepth {
			return errDepth
		}
		obj := p.s[p.i] == '{'
		end := byte(']')
		if obj {
			end = '}'
		}
		p.i++
		if p.ws() {
			p.space = true
		}
		if p.i < len(p.s) && p.s[p.i] == end {
			p.i++
			return nil
		}
		for {
			if obj {
				if p.i >= len(p.s) || p.s[p.i] != '"' {
					return p.syntaxErr("a key")
				}
				if err := p.skipString(); err != nil {
					return err
				}
				if p.ws() {
					p.space = true
				}
				if p.i >= len(p.s) || p.s[p.i] != ':' {
					return p.syntaxErr("':'")
				}
				p.i++
				if p.ws() {
					p.space = true
				}
			}
			if err := p.skipValue(depth + 1); err != nil {
				return err
			}
			if p.ws() {
				p.space = true
			}
			if p.i >= len(p.s) {
				return errEnd
			}
			switch p.s[p.i] {
			case ',':
				p.i++
				if p.ws() {
					p.space = true
				}
			case end:
				p.i++
				return nil
			default:
				return p.syntaxErr("',' or '" + string(end) + "'")
			}
		}
	case 't', 'f', 'n':
		_, err := p.literal()
		return err
	default:
		_, err := p.number()
		return err
	}
}

// compact returns JSON text without the white space outside its strings.
func compact(s string) string {
	b := make([]byte, 0, len(s))
	in := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case in:
			b = append(b, c)
			if c == '\\' && i+1 < len(s) {
				i++
				b = append(b, s[i])
			} else if c == '"' {
				in = false
			}
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
		default:
			if c == '"' {
				in = true
			}
			b = append(b, c)
		}
	}
	return string(b)
}

// elements calls f with each element of the JSON array text v: strings
// unescaped, other values as their text. It stops when f returns false.
func elements(v string, f func(string) bool) {
	p := scanner{s: v, i: 1}
	p.ws()
	if p.i < len(v) && v[p.i] == ']' {
		return
	}
	for p.i < len(v) {
		var e string
		var err error
		start := p.i
		if v[p.i] == '"' {
			e, err = p.str()
		} else {
			err = p.skipValue(1)
			e = v[start:p.i]
		}
		if err != nil || !f(e) {
			return
		}
		p.ws()
		if p.i >= len(v) || v[p.i] != ',' {
			return
		}
		p.i++
		p.ws()
	}
}

// firstElem returns the first element of a list value: JSON array text, or
// a plain value taken as a list of one.
func firstElem(v string) (string, bool) {
	if v == "" || v[0] != '[' {
		return v, v != ""
	}
	var first string
	found := false
	elements(v, func(e string) bool {
		first, found = e, true
		return false
	})
	return first, found && first != ""
}

// joinElems joins the elements of a list value with ",".
func joinElems(v string) string {
	if v == "" || v[0] != '[' {
		return v
	}
	var out string
	var b []byte
	n := 0
	elements(v, func(e string) bool {
		switch n {
		case 0:
			out = e
		case 1:
			b = append(append(append(b, out...), ','), e...)
		default:
			b = append(append(b, ','), e...)
		}
		n++
		return true
	})
	if n > 1 {
		return string(b)
	}
	return out
}

// appendJSONString appends s as a JSON string. Bytes that are not UTF-8
// are written as the text \xHH, as Zeek's JSON writer does.
func appendJSONString(b []byte, s []byte) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\t':
				b = append(b, '\\', 't')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c < 0x20 || c == 0x7f:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&15])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(s[i:])
		if r == utf8.RuneError && n == 1 {
			b = append(b, '\\', '\\', 'x', hex[c>>4], hex[c&15])
			i++
			continue
		}
		b = append(b, s[i:i+n]...)
		i += n
	}
	return append(b, '"')
}
