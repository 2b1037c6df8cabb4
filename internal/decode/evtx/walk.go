package evtx

import (
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
	nodes, _, err := c.compile(c.plain, start, end, false, true)
	c.plain = nodes
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
			s.open(n.name)
		case opAttr:
			parts := i + 1
			i += int(n.n)
			c.attrText(tmpl, parts, i+1, n.name, vals, s)
		case opText:
			c.fmtBuf = append(c.fmtBuf[:0], n.text...)
			s.text(c.fmtBuf)
		case opSubst:
			v := lookup(vals, n.idx)
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

// attrText renders the parts [from, to) of an attribute and passes it to s,
// unless every part is an optional substitution without a value.
func (c *chunkDecoder) attrText(tmpl bool, from, to int, name string, vals []value, s sink) {
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
		case opSubst:
			v := lookup(vals, p.idx)
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
	nodes, _, err := c.compile(c.plain, start, end, false, false)
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
