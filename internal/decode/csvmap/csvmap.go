// Package csvmap decodes CSV files with a header row, mapping their columns
// to normalised fields: the exports responders actually receive when there
// is no log format at all, such as NetFlow/IPFIX records from nfdump
// ("nfdump -o csv"), connection tables exported from appliances and
// spreadsheets made by another team.
//
// The mapping comes from the command line or a small file (ParseMapping),
// or, when none is given, from the header itself: columns with the names
// such exports usually use (src_ip, "Source Address", sa, dport, …) are
// recognised (Auto). Every row becomes one Event of kind "csv" ("netflow"
// for nfdump's columns, or the kind the mapping names) whose original
// fields are the columns, in order, under their header names, empty
// values left out.
package csvmap

import (
	"bytes"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/firebreak-ir/firebreak/internal/decode"
	"github.com/firebreak-ir/firebreak/internal/decode/netfield"
	"github.com/firebreak-ir/firebreak/internal/event"
)

// Format is CSV with a header row whose columns the automatic mapping
// recognises (a time and an address at least).
var Format = decode.Format{
	Name:   "csv",
	Detect: detect,
	Open: func(r io.Reader, path string) (decode.Decoder, error) {
		return NewDecoder(r, path, nil, nil), nil
	},
}

func detect(head []byte) bool {
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	line, _, found := bytes.Cut(head, []byte{'\n'})
	if !found {
		return false
	}
	line = bytes.TrimRight(line, "\r")
	for _, comma := range []byte{',', ';', '\t'} {
		hdr, ok := netfield.SplitCSV(string(line), comma, nil)
		if !ok || len(hdr) < 3 || !plausibleHeader(hdr) {
			continue
		}
		if _, ok := Auto(hdr); ok {
			return true
		}
	}
	return false
}

// plausibleHeader reports whether every name is short text with a letter,
// not a value.
func plausibleHeader(hdr []string) bool {
	for _, h := range hdr {
		h = strings.TrimSpace(h)
		if h == "" || len(h) > 64 {
			return false
		}
		letter := false
		for i := 0; i < len(h); i++ {
			c := h[i]
			if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
				letter = true
			}
			if c < 0x20 || c == '{' || c == '}' {
				return false
			}
		}
		if !letter {
			return false
		}
	}
	return true
}

// column is what the decoder does with one column.
type column struct {
	name string
	str  event.StrField
	num  event.IntField
	kind uint8 // colRaw, colStr, colInt, colDuration, colTime, colHost
}

const (
	colRaw = iota
	colStr
	colInt
	colDuration
	colTime
	colHost
)

// Decoder decodes CSV rows.
type Decoder struct {
	lr      *decode.LineReader
	path    string
	mapping *Mapping
	loc     *time.Location
	cols    []column
	comma   byte
	kind    string
	vals    []string
	rec     []byte
	trailer bool // past nfdump's "Summary" line
}

// NewDecoder returns a decoder reading CSV from r with the given mapping;
// nil means the automatic mapping of the header. Times without a zone are
// read in loc (nil: UTC).
func NewDecoder(r io.Reader, path string, m *Mapping, loc *time.Location) *Decoder {
	if loc == nil {
		loc = time.UTC
	}
	return &Decoder{lr: decode.NewLineReader(r, path), path: path, mapping: m, loc: loc}
}

func (d *Decoder) errf(reason string) error {
	return &decode.RecordError{Path: d.path, Line: d.lr.Line(), Offset: -1, Reason: reason}
}

// header sets the columns from the header row.
func (d *Decoder) header(line string) error {
	m := d.mapping
	if m != nil && m.Comma != 0 {
		d.comma = m.Comma
	} else {
		d.comma = ','
		if strings.Count(line, ";") > strings.Count(line, ",") {
			d.comma = ';'
		}
		if strings.Count(line, "\t") > strings.Count(line, string(d.comma)) {
			d.comma = '\t'
		}
	}
	hdr, ok := netfield.SplitCSV(line, d.comma, nil)
	if !ok {
		return d.errf("unterminated quote in the header")
	}
	if m == nil {
		auto, ok := Auto(hdr)
		if !ok {
			return d.errf("header names no time and address columns: " + event.Quote(line))
		}
		m = &auto
	}
	byName := map[string]int{}
	d.cols = d.cols[:0]
	for i, h := range hdr {
		h = strings.TrimSpace(h)
		d.cols = append(d.cols, column{name: h})
		if _, dup := byName[h]; !dup {
			byName[h] = i
		}
	}
	find := func(name string) (int, bool) {
		i, ok := byName[name]
		return i, ok
	}
	i, ok := find(m.Time)
	if !ok {
		return d.errf("no column " + event.Quote(m.Time) + " for the time")
	}
	d.cols[i].kind = colTime
	if m.Host != "" {
		if i, ok := find(m.Host); ok {
			d.cols[i].kind = colHost
		}
	}
	for field, col := range m.Fields {
		i, ok := find(col)
		if !ok {
			return d.errf("no column " + event.Quote(col) + " for " + field)
		}
		s, n, isInt, _ := event.Lookup(field)
		switch {
		case field == "event.duration":
			d.cols[i].kind = colDuration
		case isInt:
			d.cols[i].kind, d.cols[i].num = colInt, n
		default:
			d.cols[i].kind, d.cols[i].str = colStr, s
		}
	}
	d.mapping = m
	d.kind = m.Kind
	if d.kind == "" {
		d.kind = "csv"
	}
	return nil
}

// Next implements decode.Decoder.
func (d *Decoder) Next(ev *event.Event) error {
	for {
		b, err := d.lr.Next()
		if err != nil {
			return err
		}
		if d.lr.Line() == 1 {
			b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
		}
		if len(bytes.TrimSpace(b)) == 0 {
			continue
		}
		if d.cols == nil {
			if err := d.header(string(b)); err != nil {
				d.cols = []column{} // report once, then every row is refused
				return err
			}
			continue
		}
		if len(d.cols) == 0 {
			return d.errf("row without a usable header")
		}
		if d.trailer {
			continue
		}
		if d.kind == "netflow" && string(bytes.TrimSpace(b)) == "Summary" {
			d.trailer = true // nfdump's totals follow: not flows
			continue
		}
		first := d.lr.Line()
		// A quoted field may run over several lines.
		d.rec = append(d.rec[:0], b...)
		line := string(d.rec)
		vals, ok := netfield.SplitCSV(line, d.comma, d.vals[:0])
		for !ok && len(d.rec) < decode.MaxLine {
			more, err := d.lr.Next()
			if err != nil {
				break
			}
			d.rec = append(append(d.rec, '\n'), more...)
			line = string(d.rec)
			vals, ok = netfield.SplitCSV(line, d.comma, d.vals[:0])
		}
		d.vals = vals
		if !ok {
			return &decode.RecordError{Path: d.path, Line: first, Offset: -1,
				Reason: "unterminated quote in " + event.Quote(line)}
		}
		ev.Seq = first
		return d.row(ev, vals, line)
	}
}

func (d *Decoder) row(ev *event.Event, vals []string, line string) error {
	if len(vals) > len(d.cols) {
		return d.errf(strconv.Itoa(len(vals)) + " values for " + strconv.Itoa(len(d.cols)) + " columns: " + event.Quote(line))
	}
	ev.Kind = d.kind
	hasTime := false
	for i, v := range vals {
		v = strings.TrimSpace(v)
		if v == "" {
			continue
		}
		c := &d.cols[i]
		ev.AddRaw(c.name, v)
		switch c.kind {
		case colTime:
			ns, ok := d.parseTime(v)
			if !ok {
				return d.errf("bad time " + event.Quote(v))
			}
			ev.Time, hasTime = ns, true
		case colHost:
			ev.Host = v
		case colStr:
			if c.str == event.NetworkTransport {
				v = netfield.Transport(v)
			}
			ev.SetStr(c.str, v)
		case colInt:
			if n, ok := netfield.ParseInt(v); ok {
				ev.SetInt(c.num, n)
			} else if n, ok := scaled(v); ok {
				ev.SetInt(c.num, n)
			}
		case colDuration:
			if ns, err := event.ParseEpoch(v); err == nil {
				ev.SetInt(event.EventDuration, ns)
			}
		}
	}
	if !hasTime {
		return d.errf("no time in " + event.Quote(line))
	}
	return nil
}

// scaled reads counts as nfdump prints them when large: "1.2 M", "3.4 G".
func scaled(v string) (int64, bool) {
	num, unit, _ := strings.Cut(v, " ")
	mult := int64(1)
	switch unit {
	case "K":
		mult = 1e3
	case "M":
		mult = 1e6
	case "G":
		mult = 1e9
	case "":
	default:
		return 0, false
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return 0, false
	}
	return int64(f * float64(mult)), true
}

func (d *Decoder) parseTime(v string) (int64, bool) {
	switch d.mapping.TimeFormat {
	case "":
	case "epoch":
		ns, err := event.ParseEpoch(v)
		return ns, err == nil
	case "epoch_ms", "epoch_us":
		n, ok := netfield.ParseUint(v)
		if d.mapping.TimeFormat == "epoch_ms" {
			return n * 1e6, ok
		}
		return n * 1e3, ok
	default:
		t, err := time.ParseInLocation(d.mapping.TimeFormat, v, d.loc)
		return t.UnixNano(), err == nil
	}
	if n, ok := netfield.ParseUint(v); ok {
		switch {
		case len(v) >= 18:
			return n, true
		case len(v) >= 15:
			return n * 1e3, true
		case len(v) >= 12:
			return n * 1e6, true
		}
		return n * 1e9, true
	}
	if ns, err := event.ParseEpoch(v); err == nil && strings.IndexByte(v, '.') > 8 {
		return ns, true
	}
	iso := v
	if len(v) >= 10 && v[4] == '/' && v[7] == '/' {
		iso = v[:4] + "-" + v[5:7] + "-" + v[8:]
	}
	ns, zoned, ok := netfield.ParseISO(iso)
	if !ok {
		return 0, false
	}
	if !zoned && d.loc != time.UTC {
		t := time.Unix(0, ns).UTC()
		ns = time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), d.loc).UnixNano()
	}
	return ns, true
}

// WithMapping returns the CSV format read with the mapping m (times
// without a zone read in loc, nil for UTC), for a mapping given on the
// command line: it recognises a file whose header has every column m
// names.
func WithMapping(m Mapping, loc *time.Location) decode.Format {
	return decode.Format{
		Name: "csv",
		Detect: func(head []byte) bool {
			head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
			line, _, found := bytes.Cut(head, []byte{'\n'})
			if !found {
				return false
			}
			comma := m.Comma
			if comma == 0 {
				comma = ','
			}
			hdr, ok := netfield.SplitCSV(string(bytes.TrimRight(line, "\r")), comma, nil)
			if !ok {
				return false
			}
			has := map[string]bool{}
			for _, h := range hdr {
				has[strings.TrimSpace(h)] = true
			}
			if !has[m.Time] {
				return false
			}
			for _, col := range m.Fields {
				if !has[col] {
					return false
				}
			}
			return true
		},
		Open: func(r io.Reader, path string) (decode.Decoder, error) {
			mm := m
			return NewDecoder(r, path, &mm, loc), nil
		},
	}
}
