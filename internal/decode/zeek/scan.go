package zeek

import (
	"unicode/utf8"

	"github.com/firebreak-ir/firebreak/internal/decode/jsonscan"
)

// scanner reads Zeek's JSON lines with the shared lexer in its lenient
// mode: strings keep control characters and invalid UTF-8 as they are.
type scanner struct {
	jsonscan.Scanner
}

const maxDepth = jsonscan.MaxDepth

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

// elements calls f with each element of the JSON array text v: strings
// unescaped, other values as their text. It stops when f returns false.
func elements(v string, f func(string) bool) {
	p := jsonscan.Scanner{Src: v, Pos: 1}
	p.WS()
	if p.Pos < len(v) && v[p.Pos] == ']' {
		return
	}
	for p.Pos < len(v) {
		var e string
		var err error
		start := p.Pos
		if v[p.Pos] == '"' {
			e, err = p.Str()
		} else {
			_, err = p.Skip(1)
			e = v[start:p.Pos]
		}
		if err != nil || !f(e) {
			return
		}
		p.WS()
		if p.Pos >= len(v) || v[p.Pos] != ',' {
			return
		}
		p.Pos++
		p.WS()
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
