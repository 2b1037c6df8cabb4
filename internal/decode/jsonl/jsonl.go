// Package jsonl decodes JSON lines: one JSON object per line.
//
// JSON lines are what most tools export when they have no format of their
// own, and what Windows events most often arrive as when nobody kept the
// EVTX files: Winlogbeat/Elastic documents, and the Event.System/Event.EventData
// shape that EVTX-to-JSON converters write. This package gives those Windows
// documents the same original fields as a native EVTX record (the contract of
// package winlog) so that Sigma rules written against Image, CommandLine or
// EventID match them, and normalises them through winlog.Normalise. Any other
// object is flattened into dotted field names, with its time, kind, host and
// ECS-named fields picked out.
//
// Lines are parsed by a small parser that keeps key order and reuses its
// buffers; a line costs one string allocation for all its fields.
package jsonl

import (
	"bytes"
	"fmt"
	"io"

	"github.com/firebreak-ir/firebreak/internal/decode"
	"github.com/firebreak-ir/firebreak/internal/event"
)

// Windows is the format of Windows events exported as JSON lines, in the
// Winlogbeat/ECS shape or the Event.System/Event.EventData shape.
var Windows = decode.Format{
	Name:   "winlog-json",
	Detect: detectWindows,
	Open:   open,
}

// Generic is the format of any JSON lines whose first line is an object.
// Windows documents met in such a file are still decoded as Windows events.
var Generic = decode.Format{
	Name:   "jsonl",
	Detect: detectGeneric,
	Open:   open,
}

func open(r io.Reader, path string) (decode.Decoder, error) {
	return NewDecoder(r, path), nil
}

// Decoder decodes JSON lines. Each line is decoded on its own: Windows
// documents and other objects may be mixed.
type Decoder struct {
	lr    *decode.LineReader
	path  string
	first bool // the next line is the first (it may carry a BOM)
	p     parser

	// Fields of the line being built: names and values are spans of out,
	// or constant names. One string is made of out per line.
	out  []byte
	pend []pending
	name []byte // dotted name being built while flattening
}

// pending is one field of the line being built.
type pending struct {
	cname          string // the name, when fromConst
	nameOff, nameN int32  // the name in out, otherwise
	valOff, valN   int32  // the value in out
	fromConst      bool
}

// NewDecoder returns a decoder reading JSON lines from r; path names r in
// errors.
func NewDecoder(r io.Reader, path string) *Decoder {
	return &Decoder{lr: decode.NewLineReader(r, path), path: path, first: true}
}

var bom = []byte{0xef, 0xbb, 0xbf}

// Next decodes the next non-blank line into ev.
func (d *Decoder) Next(ev *event.Event) error {
	for {
		line, err := d.lr.Next()
		if err != nil {
			return err // io.EOF, a *decode.RecordError for an over-long line, or a read error
		}
		if d.first {
			d.first = false
			line = bytes.TrimPrefix(line, bom)
		}
		line = trimSpace(line)
		if len(line) == 0 {
			continue
		}
		ev.Seq = d.lr.Line()
		if !d.p.parse(line) {
			return d.recordError(line)
		}
		d.out, d.pend = d.out[:0], d.pend[:0]
		switch shape(&d.p) {
		case shapeWinlogbeat:
			d.winlogbeat(ev)
		case shapeEvent:
			d.eventShape(ev)
		default:
			d.generic(ev)
		}
		return nil
	}
}

func (d *Decoder) recordError(line []byte) error {
	at := min(max(d.p.errAt, 0), len(line))
	from := max(at-16, 0)
	return &decode.RecordError{
		Path:   d.path,
		Line:   d.lr.Line(),
		Offset: -1,
		Reason: fmt.Sprintf("invalid JSON line: %s at column %d near %s",
			d.p.err, at+1, event.Quote(string(line[from:min(at+16, len(line))]))),
	}
}

// emit adds a field with a constant name whose value is the text of node idx.
func (d *Decoder) emit(name string, idx int32) {
	off := int32(len(d.out))
	d.out = d.p.appendText(d.out, idx)
	d.pend = append(d.pend, pending{cname: name, fromConst: true, valOff: off, valN: int32(len(d.out)) - off})
}

// emitText adds a field with a constant name and the given value.
func (d *Decoder) emitText(name string, val []byte) {
	off := int32(len(d.out))
	d.out = append(d.out, val...)
	d.pend = append(d.pend, pending{cname: name, fromConst: true, valOff: off, valN: int32(len(val))})
}

// emitNamed adds a field whose name is given as bytes and whose value is the
// text of node idx.
func (d *Decoder) emitNamed(name []byte, idx int32) {
	noff := int32(len(d.out))
	d.out = append(d.out, name...)
	voff := int32(len(d.out))
	d.out = d.p.appendText(d.out, idx)
	d.pend = append(d.pend, pending{nameOff: noff, nameN: int32(len(name)), valOff: voff, valN: int32(len(d.out)) - voff})
}

// flushString turns the pending fields into ev.Raw with one string
// allocation, and returns that string.
func (d *Decoder) flushString(ev *event.Event) string {
	s := string(d.out)
	for _, f := range d.pend {
		name := f.cname
		if !f.fromConst {
			name = s[f.nameOff : f.nameOff+f.nameN]
		}
		ev.AddRaw(name, s[f.valOff:f.valOff+f.valN])
	}
	return s
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t' || b[0] == '\r') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}

// The shapes a line can have.
const (
	shapeGeneric = iota
	shapeWinlogbeat
	shapeEvent
)

// shape tells a Windows document from any other object, by content.
func shape(p *parser) int {
	if wl := p.child(0, "winlog"); wl >= 0 && p.nodes[wl].kind == kObj {
		if p.child(wl, "event_id") >= 0 || p.child(wl, "channel") >= 0 || p.child(wl, "provider_name") >= 0 {
			return shapeWinlogbeat
		}
	}
	if eventRoot(p) >= 0 {
		return shapeEvent
	}
	return shapeGeneric
}

// eventRoot returns the node that holds System (and EventData): the Event
// member, or the root object itself when it has System at top level.
func eventRoot(p *parser) int32 {
	if e := p.child(0, "Event"); e >= 0 && isSystem(p, p.child(e, "System")) {
		return e
	}
	if isSystem(p, p.child(0, "System")) {
		return 0
	}
	return -1
}

func isSystem(p *parser, sys int32) bool {
	return sys >= 0 && p.nodes[sys].kind == kObj &&
		(p.child(sys, "EventID") >= 0 || p.child(sys, "Provider") >= 0 || p.child(sys, "Channel") >= 0)
}

// Detection.

// firstLine returns the first non-blank line of head and whether it is
// complete (not cut by the end of head).
func firstLine(head []byte) ([]byte, bool) {
	head = bytes.TrimPrefix(head, bom)
	for len(head) > 0 {
		line, rest, found := bytes.Cut(head, []byte{'\n'})
		line = trimSpace(line)
		if len(line) > 0 {
			return line, found || len(head) < decode.HeadSize
		}
		if !found {
			break
		}
		head = rest
	}
	return nil, false
}

func detectWindows(head []byte) bool {
	line, complete := firstLine(head)
	if len(line) == 0 || line[0] != '{' {
		return false
	}
	if complete {
		var p parser
		return p.parse(line) && shape(&p) != shapeGeneric
	}
	// A first line longer than the head: judge by the names it shows.
	return bytes.Contains(line, []byte(`"winlog":`)) && bytes.Contains(line, []byte(`"event_id"`)) ||
		bytes.Contains(line, []byte(`"System":`)) && bytes.Contains(line, []byte(`"EventID"`))
}

func detectGeneric(head []byte) bool {
	line, complete := firstLine(head)
	if len(line) == 0 || line[0] != '{' {
		return false
	}
	if !complete {
		return true
	}
	var p parser
	return p.parse(line)
}
