package evtx

import (
	"errors"
	"fmt"
)

// sink receives a record as a stream of XML events. Text is raw UTF-8,
// not escaped; it is valid only during the call.
type sink interface {
	open(name string)
	// attr gives an attribute's text and, when the text is exactly one
	// substitution value, that value (typ is typeNull otherwise).
	attr(name string, text []byte, v value)
	text(b []byte)
	// utf16 gives text as UTF-16LE, for sinks that convert and escape it
	// in one pass.
	utf16(b []byte)
	// array gives an array substitution value in element content: the base
	// type and the raw data.
	array(t byte, data []byte)
	close()
	pi(target, data string)
}

// lookup returns value i, or a null value when the instance has fewer
// values (which Windows tolerates).
func lookup(vals []value, i uint16) value {
	if int(i) < len(vals) {
		return vals[i]
	}
	return value{}
}

// renderRecord renders the BinXML of the record whose event data lies in
// data[start:end] into s.
func (c *chunkDecoder) renderRecord(start, end int, s sink) error {
	base := len(c.plain)
	nodes, _, err := c.compile(c.plain, start, end, false)
	c.plain = nodes
	if err == nil && len(c.plain) == base {
		err = errors.New("binxml: record has no content")
	}
	if err == nil {
		err = c.walk(false, base, len(c.plain), nil, s, 0)
	}
	c.plain = c.plain[:base]
	return err
}

// walk renders nodes [start, end) of the template nodes (tmpl) or of the
// plain fragment nodes with the substitution values vals.
func (c *chunkDecoder) walk(tmpl bool, start, end int, vals []value, s sink, nest int) error {
	for i := start; i < end; i++ {
		var n *node
		if tmpl {
			n = &c.tmplNodes[i]
		} else {
			n = &c.plain[i]
		}
		switch n.op {
		case opOpen:
			if j, ok := c.simpleElem(tmpl, i, end); ok {
				done, err := c.substElem(tmpl, i, j, n.name, vals, s, nest)
				if err != nil {
					return err
				}
				if done {
					i = j + 1 // the element's opClose
					continue
				}
			}
			s.open(n.name)
		case opAttr:
			parts := i + 1
			i += int(n.n)
			if err := c.attrText(tmpl, parts, i+1, n.name, vals, s); err != nil {
				return err
			}
		case opText:
			c.fmtBuf = append(c.fmtBuf[:0], n.text...)
			s.text(c.fmtBuf)
		case opRaw:
			s.utf16(c.data[n.off : n.off+n.n])
		case opSubst:
			v := lookup(vals, n.idx)
			if c.strict && !typeFits(n.typ, v.typ) {
				return errTypeMismatch
			}
			if v.typ == typeNull || v.size == 0 {
				continue
			}
			data := c.data[v.off : v.off+v.size]
			switch {
			case v.typ == typeBinXML:
				if nest >= maxNest {
					return errDepth
				}
				if err := c.nested(int(v.off), int(v.off+v.size), s, nest+1); err != nil {
					return err
				}
			case v.typ&typeArray != 0:
				s.array(v.typ&^typeArray, data)
			case v.typ == typeString:
				s.utf16(data)
			default:
				c.fmtBuf = appendScalar(c.fmtBuf[:0], v.typ, data)
				s.text(c.fmtBuf)
			}
		case opClose:
			s.close()
		case opPI:
			s.pi(n.name, n.text)
		case opTemplate:
			if nest >= maxNest {
				return errDepth
			}
			if err := c.walkInstance(n.n, int(n.off), s, nest+1); err != nil {
				return err
			}
		}
	}
	return nil
}

// node returns node i of the template or plain nodes.
func (c *chunkDecoder) node(tmpl bool, i int) *node {
	if tmpl {
		return &c.tmplNodes[i]
	}
	return &c.plain[i]
}

// simpleElem reports whether the element opened at i has exactly one
// substitution as its content, and returns the substitution's index.
func (c *chunkDecoder) simpleElem(tmpl bool, i, end int) (int, bool) {
	j := i + 1
	for j < end && c.node(tmpl, j).op == opAttr {
		j += 1 + int(c.node(tmpl, j).n)
	}
	if j+1 >= end || c.node(tmpl, j).op != opSubst || c.node(tmpl, j+1).op != opClose {
		return 0, false
	}
	return j, true
}

// substElem renders an element whose content is the single substitution at
// j, when that needs more than the ordinary walk: an optional substitution
// without a value drops the element, and an array value repeats the
// element once per array element, as Windows renders them. It reports
// false when the element is ordinary.
func (c *chunkDecoder) substElem(tmpl bool, i, j int, name string, vals []value, s sink, nest int) (bool, error) {
	sub := c.node(tmpl, j)
	v := lookup(vals, sub.idx)
	if v.typ == typeNull && sub.optional {
		return true, nil
	}
	if v.typ&typeArray == 0 || v.size == 0 {
		return false, nil
	}
	t := v.typ &^ typeArray
	var err error
	forEachElem(t, c.data[v.off:v.off+v.size], func(e []byte) {
		if err != nil {
			return
		}
		s.open(name)
		if err = c.walk(tmpl, i+1, j, vals, s, nest); err != nil {
			return
		}
		c.arrBuf = appendScalar(c.arrBuf[:0], t, e)
		s.text(c.arrBuf)
		s.close()
	})
	return true, err
}

// attrText renders the parts [from, to) of an attribute and passes it to s,
// unless every part is an optional substitution without a value.
func (c *chunkDecoder) attrText(tmpl bool, from, to int, name string, vals []value, s sink) error {
	buf := c.attrBuf[:0]
	present := false
	single := value{}
	for j := from; j < to; j++ {
		var p *node
		if tmpl {
			p = &c.tmplNodes[j]
		} else {
			p = &c.plain[j]
		}
		switch p.op {
		case opText:
			buf = append(buf, p.text...)
			present = true
		case opRaw:
			buf = appendUTF16(buf, c.data[p.off:p.off+p.n])
			present = true
		case opSubst:
			v := lookup(vals, p.idx)
			if c.strict && !typeFits(p.typ, v.typ) {
				return errTypeMismatch
			}
			if v.typ == typeNull || v.size == 0 {
				present = present || !p.optional
				continue
			}
			present = true
			if to-from == 1 {
				single = v
			}
			data := c.data[v.off : v.off+v.size]
			switch {
			case v.typ == typeBinXML:
				buf = appendHexBytes(buf, data)
			case v.typ&typeArray != 0:
				first := true
				forEachElem(v.typ&^typeArray, data, func(e []byte) {
					if !first {
						buf = append(buf, ',')
					}
					first = false
					buf = appendScalar(buf, v.typ&^typeArray, e)
				})
			default:
				buf = appendScalar(buf, v.typ, data)
			}
		}
	}
	c.attrBuf = buf
	if present {
		s.attr(name, buf, single)
	}
	return nil
}

var errTypeMismatch = errors.New("binxml: substitution value type differs from the template's")

// typeFits reports whether a value of type got may fill a substitution
// declared with type decl. Strict checking is used for records recovered
// from slack space, whose template may have been overwritten.
func typeFits(decl, got byte) bool {
	if got == typeNull || got == decl {
		return true
	}
	if decl&typeArray != got&typeArray {
		return false
	}
	d, g := decl&^typeArray, got&^typeArray
	switch {
	case d == typeSizeT:
		return g == typeHex32 || g == typeHex64
	case d == typeString || d == typeANSI:
		return g == typeString || g == typeANSI
	}
	return false
}

// walkInstance renders template ti with the instance values at pos.
func (c *chunkDecoder) walkInstance(ti int32, pos int, s sink, nest int) error {
	base := len(c.vals)
	vals, _, err := c.readValues(c.vals, pos)
	c.vals = vals
	if err == nil {
		t := c.tmpls[ti]
		err = c.walk(true, int(t.start), int(t.end), c.vals[base:], s, nest)
	}
	c.vals = c.vals[:base]
	return err
}

// nested renders BinXML carried in a substitution value, data[start:end].
func (c *chunkDecoder) nested(start, end int, s sink, nest int) error {
	base := len(c.plain)
	nodes, _, err := c.compile(c.plain, start, end, false)
	c.plain = nodes
	if err == nil {
		err = c.walk(false, base, len(c.plain), nil, s, nest)
	}
	c.plain = c.plain[:base]
	if err != nil {
		return fmt.Errorf("binxml value at %#x: %w", start, err)
	}
	return nil
}
