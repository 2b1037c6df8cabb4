package suricata

import (
	"errors"

	"github.com/firebreak-ir/firebreak/internal/decode/jsonscan"
)

// flattener reads one EVE line, a JSON object held in a string, and hands
// each scalar member to a sink under its dotted name (nested objects
// flattened: "alert.signature", "flow.bytes_toserver"). Arrays are kept as
// compact JSON text; null members are left out. String values without
// escapes, numbers and compact arrays are substrings of the line, so a line
// costs no allocation beyond its own string in the common case.
//
// It uses the shared lexer in its strict mode: raw control characters in
// strings are refused and invalid UTF-8 is replaced with U+FFFD.
type flattener struct {
	jsonscan.Scanner
	name []byte // dotted name being built
}

// maxDepth bounds nesting so a hostile line cannot exhaust the stack.
const maxDepth = jsonscan.MaxDepth

// reason words an error of the flattener as the decoder reports it.
func reason(err error) string {
	switch {
	case errors.Is(err, jsonscan.ErrEnd):
		return "unexpected end of line"
	case errors.Is(err, jsonscan.ErrDepth):
		return "nested too deeply"
	}
	return err.Error()
}

// sink receives the members of a line: name is the dotted name, valid only
// during the call.
type sink interface {
	member(name []byte, value string)
}

// line flattens the object that is the whole of s into k.
func (p *flattener) line(s string, k sink) error {
	p.Reset(s)
	p.Strict = true
	p.name = p.name[:0]
	p.WS()
	if err := p.object(k, 0); err != nil {
		return err
	}
	p.WS()
	if p.Pos != len(p.Src) {
		return p.SyntaxErr("end of line")
	}
	return nil
}

func (p *flattener) object(k sink, depth int) error {
	if p.Pos >= len(p.Src) || p.Src[p.Pos] != '{' {
		return p.SyntaxErr("'{'")
	}
	p.Pos++
	p.WS()
	if p.Pos < len(p.Src) && p.Src[p.Pos] == '}' {
		p.Pos++
		return nil
	}
	base := len(p.name)
	for {
		if p.Pos >= len(p.Src) || p.Src[p.Pos] != '"' {
			return p.SyntaxErr("a key")
		}
		key, err := p.Str()
		if err != nil {
			return err
		}
		p.name = p.name[:base]
		if base > 0 {
			p.name = append(p.name, '.')
		}
		p.name = append(p.name, key...)
		p.WS()
		if p.Pos >= len(p.Src) || p.Src[p.Pos] != ':' {
			return p.SyntaxErr("':'")
		}
		p.Pos++
		p.WS()
		if p.Pos >= len(p.Src) {
			return jsonscan.ErrEnd
		}
		switch c := p.Src[p.Pos]; c {
		case '"':
			v, err := p.Str()
			if err != nil {
				return err
			}
			k.member(p.name, v)
		case '{':
			if depth >= maxDepth {
				return jsonscan.ErrDepth
			}
			if err := p.object(k, depth+1); err != nil {
				return err
			}
		case '[':
			start := p.Pos
			space, err := p.Skip(depth + 1)
			if err != nil {
				return err
			}
			v := p.Src[start:p.Pos]
			if space {
				v = jsonscan.Compact(v)
			}
			k.member(p.name, v)
		case 't', 'f', 'n':
			v, err := p.Literal()
			if err != nil {
				return err
			}
			if v != "null" {
				k.member(p.name, v)
			}
		default:
			v, err := p.Number()
			if err != nil {
				return err
			}
			k.member(p.name, v)
		}
		p.WS()
		if p.Pos >= len(p.Src) {
			return jsonscan.ErrEnd
		}
		switch p.Src[p.Pos] {
		case ',':
			p.Pos++
			p.WS()
		case '}':
			p.Pos++
			p.name = p.name[:base]
			return nil
		default:
			return p.SyntaxErr("',' or '}'")
		}
	}
}

// arrayValues calls fn with the text of each string element of the JSON
// array text, and, for object elements, with the string or number value of
// their member named member. It stops quietly at malformed text.
func arrayValues(text, member string, fn func(string)) {
	p := jsonscan.Scanner{Src: text, Strict: true}
	if p.Pos >= len(p.Src) || p.Src[0] != '[' {
		return
	}
	p.Pos++
	p.WS()
	for p.Pos < len(p.Src) && p.Src[p.Pos] != ']' {
		switch p.Src[p.Pos] {
		case '"':
			v, err := p.Str()
			if err != nil {
				return
			}
			fn(v)
		case '{':
			p.Pos++
			p.WS()
			for p.Pos < len(p.Src) && p.Src[p.Pos] == '"' {
				k, err := p.Str()
				if err != nil {
					return
				}
				p.WS()
				if p.Pos >= len(p.Src) || p.Src[p.Pos] != ':' {
					return
				}
				p.Pos++
				p.WS()
				if k == member && p.Pos < len(p.Src) && p.Src[p.Pos] == '"' {
					v, err := p.Str()
					if err != nil {
						return
					}
					fn(v)
				} else {
					start := p.Pos
					if _, err := p.Skip(1); err != nil {
						return
					}
					if k == member && p.Src[start] != '{' && p.Src[start] != '[' && p.Src[start] != 'n' {
						fn(p.Src[start:p.Pos])
					}
				}
				p.WS()
				if p.Pos < len(p.Src) && p.Src[p.Pos] == ',' {
					p.Pos++
					p.WS()
				}
			}
			if p.Pos >= len(p.Src) || p.Src[p.Pos] != '}' {
				return
			}
			p.Pos++
		default:
			if _, err := p.Skip(1); err != nil {
				return
			}
		}
		p.WS()
		if p.Pos < len(p.Src) && p.Src[p.Pos] == ',' {
			p.Pos++
			p.WS()
		}
	}
}
