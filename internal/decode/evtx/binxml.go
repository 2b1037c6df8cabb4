package evtx

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// BinXML tokens. The flag tokMore (0x40) on some tokens says that more data
// or attributes follow.
const (
	tokEOF           = 0x00
	tokOpenStart     = 0x01
	tokCloseStart    = 0x02
	tokCloseEmpty    = 0x03
	tokEnd           = 0x04
	tokValue         = 0x05
	tokAttribute     = 0x06
	tokCDATA         = 0x07
	tokCharRef       = 0x08
	tokEntityRef     = 0x09
	tokPITarget      = 0x0a
	tokPIData        = 0x0b
	tokTemplate      = 0x0c
	tokSubst         = 0x0d
	tokOptSubst      = 0x0e
	tokFragment      = 0x0f
	tokMore          = 0x40
	maxDepth         = 64 // nesting of elements within one fragment
	maxNest          = 8  // BinXML values nested inside BinXML values
	maxNodesPerChunk = 1 << 20
)

// opcode is one instruction of a compiled BinXML fragment.
type opcode uint8

const (
	opOpen     opcode = iota // start of element name
	opAttr                   // attribute name; its n value parts follow
	opText                   // literal text
	opRaw                    // literal UTF-16 text: n bytes at off in the chunk
	opSubst                  // substitution of value idx
	opClose                  // end of the innermost open element
	opPI                     // processing instruction name with data text
	opTemplate               // template instance: template n, values at off
)

// node is one compiled instruction. Templates compile to a flat run of nodes
// that is walked once per record with the record's substitution values, so
// no tree is built per record.
type node struct {
	op       opcode
	optional bool   // opSubst: optional substitution
	typ      byte   // opSubst: declared value type
	idx      uint16 // opSubst: value index
	n        int32  // opAttr: number of parts; opTemplate: template index; opRaw: size
	off      int32  // opTemplate: offset of the instance values; opRaw: of the text
	name     string // opOpen, opAttr, opPI
	text     string // opText, opPI
}

// value is one substitution value of a template instance: its type and
// where its data lies in the chunk.
type value struct {
	typ  byte
	off  int32
	size int32
}

// template is a compiled template definition: nodes[start:end] of the
// chunk decoder's template nodes.
type template struct {
	start, end int32
	err        error
}

var (
	errTruncated   = errors.New("binxml: truncated")
	errDepth       = errors.New("binxml: nesting too deep")
	errImplausible = errors.New("binxml: implausible size or offset")
)

// u16, u32 read little-endian integers from the chunk with a bounds check.
func (c *chunkDecoder) u16(pos int) (int, error) {
	if pos < 0 || pos+2 > len(c.data) {
		return 0, errTruncated
	}
	return int(binary.LittleEndian.Uint16(c.data[pos:])), nil
}

func (c *chunkDecoder) u32(pos int) (int, error) {
	if pos < 0 || pos+4 > len(c.data) {
		return 0, errTruncated
	}
	v := binary.LittleEndian.Uint32(c.data[pos:])
	if v > 1<<30 {
		return 0, errImplausible
	}
	return int(v), nil
}

// name returns the name stored at off (chunk-relative) and, when the name
// is stored inline at pos, the position after it.
func (c *chunkDecoder) name(off, pos int) (string, int, error) {
	if off+8 > len(c.data) || off < 0 {
		return "", pos, fmt.Errorf("binxml: name offset %#x out of range", off)
	}
	n := int(binary.LittleEndian.Uint16(c.data[off+6:]))
	end := off + 8 + 2*n
	if end+2 > len(c.data) {
		return "", pos, fmt.Errorf("binxml: name at %#x overruns chunk", off)
	}
	if off == pos {
		pos = end + 2
	}
	if s, ok := c.names[uint32(off)]; ok {
		return s, pos, nil
	}
	raw := c.data[off+8 : end]
	s, ok := c.w.intern[string(raw)]
	if !ok {
		s = string(appendUTF16(nil, raw))
		if len(c.w.intern) < 1<<16 {
			c.w.intern[string(raw)] = s
		}
	}
	c.names[uint32(off)] = s
	return s, pos, nil
}

// rawText reads a character count and UTF-16 text at pos and returns a node
// that refers to the text in place.
func (c *chunkDecoder) rawText(pos int) (node, int, error) {
	n, err := c.u16(pos)
	if err != nil {
		return node{}, pos, err
	}
	end := pos + 2 + 2*n
	if end > len(c.data) {
		return node{}, pos, errTruncated
	}
	return node{op: opRaw, off: int32(pos + 2), n: int32(2 * n)}, end, nil
}

// utf16Text reads a character count and UTF-16 text at pos.
func (c *chunkDecoder) utf16Text(pos int) (string, int, error) {
	n, err := c.u16(pos)
	if err != nil {
		return "", pos, err
	}
	end := pos + 2 + 2*n
	if end > len(c.data) {
		return "", pos, errTruncated
	}
	c.w.scratch = appendUTF16(c.w.scratch[:0], c.data[pos+2:end])
	return string(c.w.scratch), end, nil
}

// template returns the compiled template defined at off, compiling it on
// first use in this chunk.
func (c *chunkDecoder) template(off int) (int32, error) {
	if i, ok := c.tmplByOff[uint32(off)]; ok {
		return i, c.tmpls[i].err
	}
	i := int32(len(c.tmpls))
	c.tmplByOff[uint32(off)] = i
	c.tmpls = append(c.tmpls, template{})
	size, err := c.u32(off + 20)
	if err == nil && off+24+size > len(c.data) {
		err = errTruncated
	}
	if err == nil {
		start := len(c.tmplNodes)
		var nodes []node
		nodes, _, err = c.compile(c.tmplNodes, off+24, off+24+size, true)
		c.tmplNodes = nodes
		c.tmpls[i] = template{start: int32(start), end: int32(len(nodes))}
		if err == nil && (len(nodes) == start || nodes[start].op != opOpen) {
			err = errors.New("binxml: template does not start with an element")
		}
		if len(c.tmplNodes) > maxNodesPerChunk {
			err = errors.New("binxml: too many template nodes in chunk")
		}
	}
	if err != nil {
		err = fmt.Errorf("template at %#x: %w", off, err)
		c.tmpls[i].err = err
	}
	return i, err
}

// hasDependency guesses whether the element start at pos carries the
// two-byte dependency identifier. BinXML nested in a substitution value
// leaves it out, and so do some writers of whole records. The layout whose
// name offset points just past itself (an inline name) wins, then the one
// that points back to a well-formed name.
func (c *chunkDecoder) hasDependency(pos int) bool {
	if pos+11 > len(c.data) {
		return true
	}
	with := int(binary.LittleEndian.Uint32(c.data[pos+7:]))
	without := int(binary.LittleEndian.Uint32(c.data[pos+5:]))
	switch {
	case with == pos+11:
		return true
	case without == pos+9:
		return false
	case with < pos && c.validName(with):
		return true
	case without < pos && c.validName(without):
		return false
	}
	return true
}

// validName reports whether a well-formed name (count, text, NUL) lies at
// off.
func (c *chunkDecoder) validName(off int) bool {
	if off < chunkHeaderSize || off+8 > len(c.data) {
		return false
	}
	n := int(binary.LittleEndian.Uint16(c.data[off+6:]))
	end := off + 8 + 2*n
	return n > 0 && end+2 <= len(c.data) && c.data[end] == 0 && c.data[end+1] == 0
}

// compile translates the BinXML in data[pos:end] into nodes appended to dst.
// inTemplate forbids template instances (definitions do not nest).
func (c *chunkDecoder) compile(dst []node, pos, end int, inTemplate bool) ([]node, int, error) {
	depth := 0
	if end > len(c.data) {
		end = len(c.data)
	}
	for pos < end {
		tok := c.data[pos]
		switch tok &^ tokMore {
		case tokEOF:
			return dst, pos + 1, nil
		case tokFragment:
			pos += 4
		case tokOpenStart:
			if depth >= maxDepth {
				return dst, pos, errDepth
			}
			hasDep := c.hasDependency(pos)
			p := pos + 1
			if hasDep {
				p += 2
			}
			p += 4 // data size
			off, err := c.u32(p)
			if err != nil {
				return dst, pos, err
			}
			name, np, err := c.name(off, p+4)
			if err != nil {
				return dst, pos, err
			}
			pos = np
			if tok&tokMore != 0 {
				pos += 4 // attribute list size
			}
			dst = append(dst, node{op: opOpen, name: name})
			for pos < end && c.data[pos]&^tokMore == tokAttribute {
				off, err := c.u32(pos + 1)
				if err != nil {
					return dst, pos, err
				}
				name, np, err := c.name(off, pos+5)
				if err != nil {
					return dst, pos, err
				}
				pos = np
				at := len(dst)
				dst = append(dst, node{op: opAttr, name: name})
				dst, pos, err = c.compileParts(dst, pos, end)
				if err != nil {
					return dst, pos, err
				}
				dst[at].n = int32(len(dst) - at - 1)
			}
			if pos >= end {
				return dst, pos, errTruncated
			}
			switch c.data[pos] {
			case tokCloseStart:
				depth++
			case tokCloseEmpty:
				dst = append(dst, node{op: opClose})
			default:
				return dst, pos, fmt.Errorf("binxml: unexpected token %#02x in element start at %#x", c.data[pos], pos)
			}
			pos++
		case tokEnd:
			if depth == 0 {
				return dst, pos, fmt.Errorf("binxml: end element without start at %#x", pos)
			}
			depth--
			dst = append(dst, node{op: opClose})
			pos++
		case tokValue, tokCDATA, tokCharRef, tokEntityRef, tokSubst, tokOptSubst:
			var err error
			dst, pos, err = c.compilePart(dst, pos)
			if err != nil {
				return dst, pos, err
			}
		case tokPITarget:
			off, err := c.u32(pos + 1)
			if err != nil {
				return dst, pos, err
			}
			target, np, err := c.name(off, pos+5)
			if err != nil {
				return dst, pos, err
			}
			pos = np
			data := ""
			if pos < end && c.data[pos] == tokPIData {
				data, pos, err = c.utf16Text(pos + 1)
				if err != nil {
					return dst, pos, err
				}
			}
			dst = append(dst, node{op: opPI, name: target, text: data})
		case tokTemplate:
			if inTemplate {
				return dst, pos, fmt.Errorf("binxml: template instance inside template at %#x", pos)
			}
			ti, np, err := c.instance(pos)
			if err != nil {
				return dst, pos, err
			}
			dst = append(dst, node{op: opTemplate, n: ti, off: int32(np)})
			pos, err = c.skipValues(np)
			if err != nil {
				return dst, pos, err
			}
		default:
			return dst, pos, fmt.Errorf("binxml: unknown token %#02x at %#x", tok, pos)
		}
	}
	if depth != 0 {
		return dst, pos, errTruncated
	}
	return dst, pos, nil
}

// compileParts compiles the value parts of an attribute.
func (c *chunkDecoder) compileParts(dst []node, pos, end int) ([]node, int, error) {
	for pos < end {
		switch c.data[pos] &^ tokMore {
		case tokValue, tokCDATA, tokCharRef, tokEntityRef, tokSubst, tokOptSubst:
			var err error
			dst, pos, err = c.compilePart(dst, pos)
			if err != nil {
				return dst, pos, err
			}
		default:
			return dst, pos, nil
		}
	}
	return dst, pos, nil
}

// entity returns the text of a predefined XML entity.
func entity(name string) (string, bool) {
	switch name {
	case "lt":
		return "<", true
	case "gt":
		return ">", true
	case "amp":
		return "&", true
	case "quot":
		return `"`, true
	case "apos":
		return "'", true
	}
	return "", false
}

// compilePart compiles one text or substitution token.
func (c *chunkDecoder) compilePart(dst []node, pos int) ([]node, int, error) {
	tok := c.data[pos] &^ tokMore
	switch tok {
	case tokValue:
		if pos+1 >= len(c.data) {
			return dst, pos, errTruncated
		}
		if t := c.data[pos+1]; t != typeString {
			return dst, pos, fmt.Errorf("binxml: value token of type %#02x at %#x", t, pos)
		}
		n, np, err := c.rawText(pos + 2)
		if err != nil {
			return dst, pos, err
		}
		return append(dst, n), np, nil
	case tokCDATA:
		n, np, err := c.rawText(pos + 1)
		if err != nil {
			return dst, pos, err
		}
		return append(dst, n), np, nil
	case tokCharRef:
		v, err := c.u16(pos + 1)
		if err != nil {
			return dst, pos, err
		}
		return append(dst, node{op: opText, text: string(rune(v))}), pos + 3, nil
	case tokEntityRef:
		off, err := c.u32(pos + 1)
		if err != nil {
			return dst, pos, err
		}
		name, np, err := c.name(off, pos+5)
		if err != nil {
			return dst, pos, err
		}
		text, ok := entity(name)
		if !ok {
			text = "&" + name + ";"
		}
		return append(dst, node{op: opText, text: text}), np, nil
	default: // substitutions
		if pos+4 > len(c.data) {
			return dst, pos, errTruncated
		}
		return append(dst, node{
			op:       opSubst,
			optional: tok == tokOptSubst,
			idx:      binary.LittleEndian.Uint16(c.data[pos+1:]),
			typ:      c.data[pos+3],
		}), pos + 4, nil
	}
}

// instance reads a template instance token at pos, compiling its template,
// and returns the template index and the position of the instance values.
func (c *chunkDecoder) instance(pos int) (int32, int, error) {
	off, err := c.u32(pos + 6)
	if err != nil {
		return 0, pos, err
	}
	p := pos + 10
	if off == p {
		size, err := c.u32(p + 20)
		if err != nil {
			return 0, pos, err
		}
		p += 24 + size
	}
	if off < chunkHeaderSize || off+8 > len(c.data) {
		return 0, pos, fmt.Errorf("binxml: template offset %#x out of range", off)
	}
	// The instance names its template by the first four bytes of the
	// definition's GUID; a mismatch means the offset points at something
	// else (an overwritten definition, seen in slack space).
	if id, def := binary.LittleEndian.Uint32(c.data[pos+2:]), binary.LittleEndian.Uint32(c.data[off+4:]); id != def {
		return 0, pos, fmt.Errorf("binxml: template identifier %#08x does not match the definition at %#x (%#08x)", id, off, def)
	}
	ti, err := c.template(off)
	return ti, p, err
}

// readValues reads the value descriptors of a template instance at pos and
// appends the values to vals.
func (c *chunkDecoder) readValues(vals []value, pos int) ([]value, int, error) {
	n, err := c.u32(pos)
	if err != nil {
		return vals, pos, err
	}
	pos += 4
	if pos+4*n > len(c.data) {
		return vals, pos, errTruncated
	}
	data := pos + 4*n
	for i := 0; i < n; i++ {
		d := c.data[pos+4*i:]
		size := int(binary.LittleEndian.Uint16(d))
		if data+size > len(c.data) {
			return vals, pos, errTruncated
		}
		vals = append(vals, value{typ: d[2], off: int32(data), size: int32(size)})
		data += size
	}
	return vals, data, nil
}

// skipValues returns the position after the instance values at pos.
func (c *chunkDecoder) skipValues(pos int) (int, error) {
	n := len(c.vals)
	var err error
	c.vals, pos, err = c.readValues(c.vals, pos)
	c.vals = c.vals[:n]
	return pos, err
}
