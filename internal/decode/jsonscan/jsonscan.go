// Package jsonscan is the lexer shared by the log decoders that read one
// JSON object per line (Zeek's JSON logs, Suricata's EVE). It exists because
// encoding/json is too slow and allocates too much for millions of small
// lines, and because the input is attacker-controlled: nesting is bounded
// by MaxDepth so that a hostile line cannot exhaust the stack, and every
// read is bounds-checked against the line.
//
// A Scanner reads JSON text held in one string. Strings without escapes,
// numbers, literals and compact arrays come back as substrings of the
// input, so a typical line costs no allocation beyond the line itself.
// Walking objects, and deciding what a member means, is left to the
// decoders.
package jsonscan

import (
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// MaxDepth bounds the nesting of arrays and objects.
const MaxDepth = 32

// Error is the type of the sentinel errors below.
type Error string

func (e Error) Error() string { return string(e) }

const (
	// ErrEnd reports that the text ended inside a value.
	ErrEnd Error = "unexpected end of JSON"
	// ErrDepth reports nesting beyond MaxDepth.
	ErrDepth Error = "JSON nested too deeply"
	// ErrEscape reports a malformed escape in a string (lenient mode).
	ErrEscape Error = "bad escape in JSON string"
	// ErrLiteral reports a word that is not true, false or null (lenient
	// mode).
	ErrLiteral Error = "bad JSON literal"
)

// SyntaxError reports an unexpected byte.
type SyntaxError struct {
	Want   string // what was expected, as text: "a key", "':'"
	Offset int    // byte offset of the unexpected byte in the text
	Found  byte   // the unexpected byte
}

func (e *SyntaxError) Error() string {
	return "expected " + e.Want + " at column " + strconv.Itoa(e.Offset+1) +
		", found " + strconv.QuoteRuneToASCII(rune(e.Found))
}

// Scanner reads the JSON text Src from the byte offset Pos. The zero value
// with Src set is ready to use; the methods that read a value expect Pos
// to be at its first byte and leave Pos just past it.
//
// The decoders differ in small ways that their users can see, so the
// Scanner has two modes. When Strict is set:
//   - a string may not hold a raw control character, and invalid UTF-8 in
//     it is replaced with U+FFFD (otherwise both are kept as they are);
//   - a number may not have a leading zero (otherwise "01" reads as "0",
//     leaving "1" for the caller to refuse);
//   - malformed escapes and literals are reported as *SyntaxError with a
//     column (otherwise as ErrEscape and ErrLiteral);
//   - Skip refuses any value deeper than MaxDepth (otherwise it refuses an
//     array or object opening at depth MaxDepth or deeper, even empty).
type Scanner struct {
	Src    string
	Pos    int
	Strict bool

	buf   []byte // unescaped strings, reused
	space bool   // white space seen by skip
}

// Reset starts reading src from its beginning, keeping the buffers.
func (p *Scanner) Reset(src string) {
	p.Src, p.Pos = src, 0
}

// SyntaxErr describes the byte at Pos as unexpected, or returns ErrEnd if
// the text ended.
func (p *Scanner) SyntaxErr(want string) error {
	if p.Pos >= len(p.Src) {
		return ErrEnd
	}
	return &SyntaxError{Want: want, Offset: p.Pos, Found: p.Src[p.Pos]}
}

// WS skips white space and reports whether there was any.
func (p *Scanner) WS() bool {
	start := p.Pos
	for p.Pos < len(p.Src) {
		switch p.Src[p.Pos] {
		case ' ', '\t', '\r', '\n':
			p.Pos++
		default:
			return p.Pos > start
		}
	}
	return p.Pos > start
}

// Str reads the string at Pos (a '"') and returns its value. The value is
// a substring of Src unless the string had to be unescaped.
func (p *Scanner) Str() (string, error) {
	s := p.Src
	// Keys and most values are short: one plain loop looking for the end
	// and for escapes beats two IndexByte calls.
	if p.Strict {
		for j := p.Pos + 1; j < len(s); j++ {
			switch c := s[j]; {
			case c == '"':
				v := s[p.Pos+1 : j]
				p.Pos = j + 1
				return v, nil
			case c == '\\' || c < 0x20 || c >= 0x80:
				return p.slowStr()
			}
		}
		return "", ErrEnd
	}
	for j := p.Pos + 1; j < len(s); j++ {
		switch s[j] {
		case '"':
			v := s[p.Pos+1 : j]
			p.Pos = j + 1
			return v, nil
		case '\\':
			return p.slowStr()
		}
	}
	return "", ErrEnd
}

// slowStr unescapes the string at Pos into p.buf and returns a copy.
func (p *Scanner) slowStr() (string, error) {
	s := p.Src
	b := p.buf[:0]
	i := p.Pos + 1
	for i < len(s) {
		c := s[i]
		switch {
		case c == '"':
			p.Pos = i + 1
			p.buf = b
			return string(b), nil
		case c == '\\':
		case p.Strict && c < 0x20:
			p.Pos = i
			return "", p.SyntaxErr("no control character in a string")
		case p.Strict && c >= 0x80:
			r, n := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && n == 1 {
				b = append(b, "\uFFFD"...)
			} else {
				b = append(b, s[i:i+n]...)
			}
			i += n
			continue
		default:
			b = append(b, c)
			i++
			continue
		}
		if i+1 >= len(s) {
			return "", ErrEnd
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
				return "", p.escapeErr(i, "four hex digits")
			}
			i += 4
			if utf16.IsSurrogate(r) {
				// A high surrogate followed by a low one makes one
				// rune; any other surrogate is replaced.
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
			return "", p.escapeErr(i-1, "an escape")
		}
	}
	return "", ErrEnd
}

// escapeErr reports a malformed escape found at offset i.
func (p *Scanner) escapeErr(i int, want string) error {
	if !p.Strict {
		return ErrEscape
	}
	p.Pos = i
	return p.SyntaxErr(want)
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

// skipString moves past the string at Pos, checking its escapes but not
// decoding them (lenient mode only).
func (p *Scanner) skipString() error {
	s := p.Src
	i := p.Pos + 1
	for {
		j := strings.IndexAny(s[i:], "\"\\")
		if j < 0 {
			return ErrEnd
		}
		i += j
		if s[i] == '"' {
			p.Pos = i + 1
			return nil
		}
		if i+1 >= len(s) {
			return ErrEnd
		}
		switch s[i+1] {
		case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			i += 2
		case 'u':
			if _, ok := hex4(s, i+2); !ok {
				return ErrEscape
			}
			i += 6
		default:
			return ErrEscape
		}
	}
}

// Number reads the number at Pos and returns its text.
func (p *Scanner) Number() (string, error) {
	s, start := p.Src, p.Pos
	i := p.Pos
	if i < len(s) && s[i] == '-' {
		i++
	}
	d := i
	if i < len(s) && s[i] == '0' {
		i++
		if p.Strict && i < len(s) && s[i] >= '0' && s[i] <= '9' {
			p.Pos = d
			return "", p.SyntaxErr("a value")
		}
	} else {
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == d {
			p.Pos = d
			return "", p.SyntaxErr("a value")
		}
	}
	if i < len(s) && s[i] == '.' {
		i++
		f := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == f {
			p.Pos = i
			return "", p.SyntaxErr("a digit")
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
			p.Pos = i
			return "", p.SyntaxErr("a digit")
		}
	}
	p.Pos = i
	return s[start:i], nil
}

// Literal reads true, false or null at Pos, chosen by its first byte, and
// returns it.
func (p *Scanner) Literal() (string, error) {
	w := "null"
	if p.Pos < len(p.Src) {
		switch p.Src[p.Pos] {
		case 't':
			w = "true"
		case 'f':
			w = "false"
		}
	}
	if !strings.HasPrefix(p.Src[p.Pos:], w) {
		if !p.Strict {
			return "", ErrLiteral
		}
		return "", p.SyntaxErr(strconv.Quote(w))
	}
	p.Pos += len(w)
	return w, nil
}

// Skip moves past the value at Pos, which lies at nesting depth depth (the
// members of a top-level object are at depth 1), and reports whether it
// held white space outside its strings.
func (p *Scanner) Skip(depth int) (space bool, err error) {
	p.space = false
	err = p.skip(depth)
	return p.space, err
}

func (p *Scanner) skip(depth int) error {
	if p.Strict && depth > MaxDepth {
		return ErrDepth
	}
	if p.Pos >= len(p.Src) {
		return ErrEnd
	}
	switch p.Src[p.Pos] {
	case '"':
		if p.Strict {
			_, err := p.Str()
			return err
		}
		return p.skipString()
	case '[', '{':
		if !p.Strict && depth >= MaxDepth {
			return ErrDepth
		}
		return p.container(depth)
	case 't', 'f', 'n':
		_, err := p.Literal()
		return err
	default:
		_, err := p.Number()
		return err
	}
}

// container moves past the array or object at Pos.
func (p *Scanner) container(depth int) error {
	obj := p.Src[p.Pos] == '{'
	end := byte(']')
	if obj {
		end = '}'
	}
	p.Pos++
	if p.WS() {
		p.space = true
	}
	if p.Pos < len(p.Src) && p.Src[p.Pos] == end {
		p.Pos++
		return nil
	}
	for {
		if obj {
			if p.Pos >= len(p.Src) || p.Src[p.Pos] != '"' {
				return p.SyntaxErr("a key")
			}
			var err error
			if p.Strict {
				_, err = p.Str()
			} else {
				err = p.skipString()
			}
			if err != nil {
				return err
			}
			if p.WS() {
				p.space = true
			}
			if p.Pos >= len(p.Src) || p.Src[p.Pos] != ':' {
				return p.SyntaxErr("':'")
			}
			p.Pos++
			if p.WS() {
				p.space = true
			}
		}
		if err := p.skip(depth + 1); err != nil {
			return err
		}
		if p.WS() {
			p.space = true
		}
		if p.Pos >= len(p.Src) {
			return ErrEnd
		}
		switch p.Src[p.Pos] {
		case ',':
			p.Pos++
			if p.WS() {
				p.space = true
			}
		case end:
			p.Pos++
			return nil
		default:
			return p.SyntaxErr("',' or '" + string(end) + "'")
		}
	}
}

// Compact returns JSON text without the white space outside its strings.
func Compact(s string) string {
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
