package zeek

import (
	"bytes"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/firebreak-ir/firebreak/internal/decode"
	"github.com/firebreak-ir/firebreak/internal/decode/jsonscan"
	"github.com/firebreak-ir/firebreak/internal/event"
)

// colType is the Zeek type of a TSV column, as far as decoding cares.
type colType uint8

const (
	tOther colType = iota // string, enum, addr, subnet, bool, double, time, ...
	tCount
	tInt
	tPort
	tInterval
	tTime
	tDouble
)

func parseColType(t string) colType {
	switch t {
	case "count":
		return tCount
	case "int":
		return tInt
	case "port":
		return tPort
	case "interval":
		return tInterval
	case "time":
		return tTime
	case "double":
		return tDouble
	}
	return tOther
}

// column is one compiled TSV column.
type column struct {
	name      string
	typ       colType
	container bool // set[...], vector[...], table[...]
	elemNum   bool // container of numbers: elements written bare in JSON
	isTS      bool
	act       action
}

// tsvDecoder reads Zeek's ASCII (TSV) log format. Header lines may appear
// anywhere: a new #separator starts a new header block with default
// settings, and a new #fields or #types changes the layout of the lines
// that follow.
type tsvDecoder struct {
	lr   *decode.LineReader
	path string

	sep, setSep, empty, unset string
	logPath                   string
	names, types              []string
	dirty                     bool
	closed                    bool // #close seen: the next header starts a block

	cols []column
	lt   *logType
	sc   scratch
	buf  []byte
	ebuf []byte
}

func openTSV(r io.Reader, path string) (decode.Decoder, error) {
	d := &tsvDecoder{lr: decode.NewLineReader(r, path), path: path}
	d.defaults("\t")
	return d, nil
}

// defaults resets the header settings at the start of a header block.
func (d *tsvDecoder) defaults(sep string) {
	d.sep, d.setSep, d.empty, d.unset = sep, ",", "(empty)", "-"
	d.logPath, d.names, d.types = "", nil, nil
	d.cols, d.lt, d.dirty, d.closed = nil, nil, false, false
}

func (d *tsvDecoder) errf(reason string) error {
	return &decode.RecordError{Path: d.path, Line: d.lr.Line(), Offset: -1, Reason: reason}
}

// Next implements decode.Decoder.
func (d *tsvDecoder) Next(ev *event.Event) error {
	for {
		b, err := d.lr.Next()
		if err != nil {
			return err
		}
		if d.lr.Line() == 1 {
			b = bytes.TrimPrefix(b, bom)
		}
		if len(b) == 0 {
			continue
		}
		if b[0] == '#' {
			if err := d.header(string(b)); err != nil {
				return err
			}
			continue
		}
		return d.record(ev, b)
	}
}

// header applies one header line.
func (d *tsvDecoder) header(s string) error {
	if rest, ok := strings.CutPrefix(s, "#separator"); ok {
		if rest != "" && (rest[0] == ' ' || rest[0] == '\t') {
			rest = rest[1:]
		}
		sep := unescapeZeek(rest)
		if sep == "" {
			return d.errf("empty #separator")
		}
		d.defaults(sep)
		return nil
	}
	key, rest, _ := strings.Cut(s, d.sep)
	if key == "#close" {
		d.closed = true
		return nil
	}
	if d.closed {
		// A header after #close without a #separator: a new block
		// written with the same separator.
		d.defaults(d.sep)
	}
	switch key {
	case "#set_separator":
		d.setSep = unescapeZeek(rest)
	case "#empty_field":
		d.empty = unescapeZeek(rest)
	case "#unset_field":
		d.unset = unescapeZeek(rest)
	case "#path":
		d.logPath = unescapeZeek(rest)
		d.dirty = true
	case "#fields":
		d.names = strings.Split(rest, d.sep)
		for i, n := range d.names {
			if strings.IndexByte(n, '\\') >= 0 {
				d.names[i] = unescapeZeek(n)
			}
		}
		d.types = nil
		d.dirty = true
	case "#types":
		types := strings.Split(rest, d.sep)
		d.dirty = true
		if len(types) != len(d.names) {
			d.types = nil
			return d.errf("#types has " + strconv.Itoa(len(types)) + " entries, #fields has " +
				strconv.Itoa(len(d.names)))
		}
		d.types = types
	}
	// #open and comments need nothing.
	return nil
}

// compile builds the column layout from the current header.
func (d *tsvDecoder) compile() {
	d.dirty = false
	if len(d.names) == 0 {
		d.cols, d.lt = nil, nil
		return
	}
	path := d.logPath
	if path == "" {
		path = inferNames(d.names)
	}
	d.lt = newType(path)
	d.cols = make([]column, len(d.names))
	for i, n := range d.names {
		c := &d.cols[i]
		c.name = n
		c.act = d.lt.rule(n)
		c.isTS = n == "ts"
		if d.types == nil {
			if c.isTS {
				c.typ = tTime
			}
			continue
		}
		t := d.types[i]
		if open := strings.IndexByte(t, '['); open > 0 && strings.HasSuffix(t, "]") {
			switch t[:open] {
			case "set", "vector", "table":
				c.container = true
				switch parseColType(t[open+1 : len(t)-1]) {
				case tCount, tInt, tPort, tInterval, tTime, tDouble:
					c.elemNum = true
				}
				continue
			}
		}
		c.typ = parseColType(t)
	}
}

// record decodes one data line.
func (d *tsvDecoder) record(ev *event.Event, b []byte) error {
	if d.dirty {
		d.compile()
	}
	if d.cols == nil {
		return d.errf("data line before #fields header")
	}
	line := string(b)
	ev.Kind = d.lt.kind
	ev.Seq = d.lr.Line()
	sc := &d.sc
	*sc = scratch{}
	cols := d.cols
	sep := d.sep
	i, start := 0, 0
	for {
		// Find the end of the field and whether it holds an escape in
		// one pass: fields are short, so a plain loop beats IndexByte.
		end, esc := -1, false
		if len(sep) == 1 {
			sc := sep[0]
			for j := start; j < len(line); j++ {
				c := line[j]
				if c == sc {
					end = j - start
					break
				}
				if c == '\\' {
					esc = true
				}
			}
		} else {
			end = strings.Index(line[start:], sep)
			esc = true
		}
		v := line[start:]
		if end >= 0 {
			v = line[start : start+end]
		}
		if i >= len(cols) {
			n := len(cols) + 1 + strings.Count(line[start:], sep)
			return d.errf(strconv.Itoa(n) + " fields, #fields has " + strconv.Itoa(len(cols)))
		}
		if err := d.field(ev, &cols[i], v, esc); err != nil {
			return err
		}
		i++
		if end < 0 {
			break
		}
		start += end + len(sep)
	}
	if i != len(cols) {
		return d.errf(strconv.Itoa(i) + " fields, #fields has " + strconv.Itoa(len(cols)))
	}
	sc.finish(ev)
	return nil
}

// field decodes one value of a data line.
func (d *tsvDecoder) field(ev *event.Event, c *column, v string, esc bool) error {
	if v == d.unset {
		if c.isTS {
			return d.errf("unset ts")
		}
		return nil
	}
	if c.container {
		if v == d.empty {
			v = "[]"
		} else {
			v = d.array(v, c.elemNum)
		}
		ev.AddRaw(c.name, v)
		d.sc.apply(ev, c.act, v, 0, false)
		return nil
	}
	if v == d.empty {
		if c.isTS {
			return d.errf("empty ts")
		}
		ev.AddRaw(c.name, "")
		return nil
	}
	var num int64
	hasNum := false
	switch c.typ {
	case tCount, tPort:
		u, ok := parseUint(v)
		if !ok || (c.typ == tPort && u > math.MaxUint16) {
			return d.badValue(c, v)
		}
		if u <= math.MaxInt64 {
			num, hasNum = int64(u), true
		}
	case tInt:
		n, ok := parseInt(v)
		if !ok {
			return d.badValue(c, v)
		}
		num, hasNum = n, true
	case tInterval:
		n, ok := parseSeconds(v)
		if !ok {
			return d.badValue(c, v)
		}
		num, hasNum = n, true
	case tTime:
		if c.isTS {
			t, ok := parseTime(v)
			if !ok {
				return d.errf("bad ts " + event.Quote(v))
			}
			ev.Time = t
		}
	default:
		if esc && strings.IndexByte(v, '\\') >= 0 {
			v = d.unescape(v)
		}
	}
	ev.AddRaw(c.name, v)
	d.sc.apply(ev, c.act, v, num, hasNum)
	return nil
}

func (d *tsvDecoder) badValue(c *column, v string) error {
	var t string
	switch c.typ {
	case tCount:
		t = "count"
	case tPort:
		t = "port"
	case tInt:
		t = "int"
	default:
		t = "interval"
	}
	return d.errf("bad " + t + " in " + event.Quote(c.name) + ": " + event.Quote(v))
}

// unescape decodes Zeek's \xHH escapes.
func (d *tsvDecoder) unescape(v string) string {
	d.buf = appendUnescaped(d.buf[:0], v)
	return string(d.buf)
}

// array turns a set or vector value into JSON array text.
func (d *tsvDecoder) array(v string, numeric bool) string {
	b := append(d.buf[:0], '[')
	for k := 0; ; k++ {
		e := v
		end := -1
		if d.setSep != "" {
			end = strings.Index(v, d.setSep)
		}
		if end >= 0 {
			e = v[:end]
		}
		if k > 0 {
			b = append(b, ',')
		}
		if numeric && isJSONNumber(e) {
			b = append(b, e...)
		} else {
			d.ebuf = appendUnescaped(d.ebuf[:0], e)
			b = appendJSONString(b, d.ebuf)
		}
		if end < 0 {
			break
		}
		v = v[end+len(d.setSep):]
	}
	b = append(b, ']')
	d.buf = b
	return string(b)
}

// isJSONNumber reports whether s is a number as JSON writes them.
func isJSONNumber(s string) bool {
	p := jsonscan.Scanner{Src: s}
	_, err := p.Number()
	return err == nil && p.Pos == len(s)
}

// appendUnescaped appends v with Zeek's \xHH escapes decoded; a backslash
// not followed by x and two hex digits is kept as it is.
func appendUnescaped(b []byte, v string) []byte {
	for {
		i := strings.IndexByte(v, '\\')
		if i < 0 {
			return append(b, v...)
		}
		b = append(b, v[:i]...)
		v = v[i:]
		if len(v) >= 4 && v[1] == 'x' {
			hi, ok1 := hexVal(v[2])
			lo, ok2 := hexVal(v[3])
			if ok1 && ok2 {
				b = append(b, hi<<4|lo)
				v = v[4:]
				continue
			}
		}
		b = append(b, '\\')
		v = v[1:]
	}
}

// unescapeZeek decodes Zeek's \xHH escapes in header values.
func unescapeZeek(v string) string {
	if strings.IndexByte(v, '\\') < 0 {
		return v
	}
	return string(appendUnescaped(nil, v))
}
