package zeek

import (
	"bytes"
	"errors"
	"io"
	"strings"

	"github.com/firebreak-ir/firebreak/internal/decode"
	"github.com/firebreak-ir/firebreak/internal/decode/jsonscan"
	"github.com/firebreak-ir/firebreak/internal/event"
)

// jsonLine holds what the scanner noted in one line besides the fields.
type jsonLine struct {
	ts, wts          string
	hasTS, hasWTS    bool
	tsStr, wtsStr    bool // the time was a JSON string (ISO 8601)
	path, host       string
	hasPath, hasHost bool
}

// object reads the JSON object at p.Pos into ev.Raw, flattening nested objects
// with dots and leaving out null values.
func (p *scanner) object(ev *event.Event, prefix string, depth int, ln *jsonLine) error {
	if p.Pos >= len(p.Src) || p.Src[p.Pos] != '{' {
		return p.SyntaxErr("'{'")
	}
	p.Pos++
	p.WS()
	if p.Pos < len(p.Src) && p.Src[p.Pos] == '}' {
		p.Pos++
		return nil
	}
	for {
		if p.Pos >= len(p.Src) || p.Src[p.Pos] != '"' {
			return p.SyntaxErr("a key")
		}
		key, err := p.Str()
		if err != nil {
			return err
		}
		p.WS()
		if p.Pos >= len(p.Src) || p.Src[p.Pos] != ':' {
			return p.SyntaxErr("':'")
		}
		p.Pos++
		p.WS()
		if p.Pos >= len(p.Src) {
			return jsonscan.ErrEnd
		}
		name := key
		if prefix != "" {
			name = prefix + "." + key
		}
		var v string
		quoted := false
		switch c := p.Src[p.Pos]; c {
		case '"':
			v, err = p.Str()
			quoted = true
		case '{':
			if depth >= maxDepth {
				return jsonscan.ErrDepth
			}
			if err := p.object(ev, name, depth+1, ln); err != nil {
				return err
			}
			goto next
		case '[':
			start := p.Pos
			var space bool
			space, err = p.Skip(depth + 1)
			v = p.Src[start:p.Pos]
			if space {
				v = jsonscan.Compact(v)
			}
		case 't', 'f', 'n':
			v, err = p.Literal()
			if v == "null" {
				goto next
			}
		default:
			v, err = p.Number()
		}
		if err != nil {
			return err
		}
		ev.AddRaw(name, v)
		if depth == 0 && name != "" && (name[0] == '_' || name == "ts") {
			switch name {
			case "ts":
				ln.ts, ln.tsStr, ln.hasTS = v, quoted, true
			case "_path":
				ln.path, ln.hasPath = v, true
			case "_system_name":
				ln.host, ln.hasHost = v, true
			case "_write_ts":
				ln.wts, ln.wtsStr, ln.hasWTS = v, quoted, true
			}
		}
	next:
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
			return nil
		default:
			return p.SyntaxErr("',' or '}'")
		}
	}
}

// parseLine reads one line holding a JSON object into ev.Raw.
func (p *scanner) parseLine(line string, ev *event.Event, ln *jsonLine) error {
	p.Reset(line)
	p.WS()
	if err := p.object(ev, "", 0, ln); err != nil {
		return err
	}
	p.WS()
	if p.Pos != len(p.Src) {
		return p.SyntaxErr("end of line")
	}
	return nil
}

// maxTypes bounds the per-decoder cache of log types met under _path, so
// that hostile input naming a new path on every line cannot grow memory.
const maxTypes = 64

// jsonDecoder reads Zeek's JSON log format: one object per line.
type jsonDecoder struct {
	lr    *decode.LineReader
	path  string
	p     scanner
	sc    scratch
	types map[string]*logType

	// A cache of the field names met, in the order lines hold them, with
	// their inference bits and their actions for the log type clt. Lines
	// of one log share an order (optional fields left out), so a cursor
	// walking this list finds most names with one or two comparisons
	// instead of a map lookup.
	clt    *logType
	cnames []string
	cbits  []uint64
	cacts  []action
	idx    []int32 // cache position of each field of the current line, -1 if none
}

func openJSON(r io.Reader, path string) (decode.Decoder, error) {
	return &jsonDecoder{lr: decode.NewLineReader(r, path), path: path,
		types: make(map[string]*logType)}, nil
}

func (d *jsonDecoder) errf(reason string) error {
	return &decode.RecordError{Path: d.path, Line: d.lr.Line(), Offset: -1, Reason: reason}
}

// Next implements decode.Decoder.
func (d *jsonDecoder) Next(ev *event.Event) error {
	for {
		b, err := d.lr.Next()
		if err != nil {
			return err
		}
		if d.lr.Line() == 1 {
			b = bytes.TrimPrefix(b, bom)
		}
		if isBlank(b) {
			continue
		}
		return d.record(ev, string(b))
	}
}

func isBlank(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\t' && c != '\r' {
			return false
		}
	}
	return true
}

func (d *jsonDecoder) record(ev *event.Event, line string) error {
	var ln jsonLine
	if err := d.p.parseLine(line, ev, &ln); err != nil {
		return d.errf(jsonReason(err))
	}
	ev.Seq = d.lr.Line()
	d.lookup(ev.Raw)
	var lt *logType
	if ln.hasPath {
		lt = d.typeOf(ln.path)
	} else {
		var bits uint64
		for k, i := range d.idx {
			if i >= 0 {
				bits |= d.cbits[i]
			} else {
				bits |= fieldBit(ev.Raw[k].Name)
			}
		}
		lt = d.typeOf(inferPath(bits))
	}
	ev.Kind = lt.kind
	if ln.hasHost {
		ev.Host = ln.host
	}
	switch {
	case ln.hasTS:
		t, ok := parseJSONTime(ln.ts, ln.tsStr)
		if !ok {
			return d.errf("bad ts " + event.Quote(ln.ts))
		}
		ev.Time = t
	case ln.hasWTS:
		if t, ok := parseJSONTime(ln.wts, ln.wtsStr); ok {
			ev.Time = t
		}
	}
	if lt != d.clt {
		d.clt = lt
		for i, n := range d.cnames {
			d.cacts[i] = lt.rule(n)
		}
	}
	sc := &d.sc
	*sc = scratch{}
	for k, i := range d.idx {
		f := &ev.Raw[k]
		var a action
		if i >= 0 {
			a = d.cacts[i]
		} else {
			a = lt.rule(f.Name)
		}
		sc.apply(ev, a, f.Value, 0, false)
	}
	sc.finish(ev)
	return nil
}

const (
	cacheWindow = 8   // cache entries looked at past the cursor
	cacheMax    = 256 // names the cache holds at most
)

// lookup finds the cache position of every field of the line in d.idx,
// adding names not met before while the cache has room.
func (d *jsonDecoder) lookup(raw []event.Field) {
	d.idx = d.idx[:0]
	j := 0
	for k := range raw {
		name := raw[k].Name
		found := int32(-1)
		for i := j; i < len(d.cnames) && i < j+cacheWindow; i++ {
			if d.cnames[i] == name {
				found = int32(i)
				break
			}
		}
		switch {
		case found >= 0:
			j = int(found) + 1
		case len(d.cnames) < cacheMax:
			var a action
			if d.clt != nil {
				a = d.clt.rule(name)
			}
			d.cnames = insertAt(d.cnames, j, strings.Clone(name))
			d.cbits = insertAt(d.cbits, j, fieldBit(name))
			d.cacts = insertAt(d.cacts, j, a)
			for i := range d.idx {
				if d.idx[i] >= int32(j) {
					d.idx[i]++
				}
			}
			found = int32(j)
			j++
		}
		d.idx = append(d.idx, found)
	}
}

func insertAt[T any](s []T, i int, v T) []T {
	var zero T
	s = append(s, zero)
	copy(s[i+1:], s[i:])
	s[i] = v
	return s
}

// typeOf returns the log type for a _path, caching a bounded number.
func (d *jsonDecoder) typeOf(path string) *logType {
	if lt, ok := d.types[path]; ok {
		return lt
	}
	lt := newType(path)
	if len(d.types) < maxTypes {
		d.types[strings.Clone(path)] = lt
	}
	return lt
}

// parseJSONTime reads ts as Zeek's JSON writer puts it: epoch seconds as a
// number, or ISO 8601 text (LogAscii::json_timestamps); some pipelines also
// quote the epoch number.
func parseJSONTime(v string, quoted bool) (int64, bool) {
	if !quoted {
		if ns, err := event.ParseEpoch(v); err == nil {
			return ns, true
		}
		return parseSeconds(v)
	}
	return parseTime(v)
}

func jsonReason(err error) string {
	var msg string
	switch {
	case errors.Is(err, jsonscan.ErrEnd):
		msg = "bad JSON: unexpected end of line"
	default:
		msg = err.Error()
		if !strings.HasPrefix(msg, "bad JSON") {
			msg = "bad JSON: " + msg
		}
	}
	return msg
}
