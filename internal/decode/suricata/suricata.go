// Package suricata decodes Suricata's EVE JSON log (eve.json), one JSON
// object per line.
//
// Suricata is the IDS most often running beside (or instead of) Zeek on the
// sensors firebreak reads, and its alerts, flows and protocol records must
// land in the same normalised fields as Zeek's, so that one indicator sweep
// or Sigma rule finds a connection whichever sensor saw it. Every line
// becomes one Event of kind "suricata.<event_type>" (suricata.alert,
// suricata.flow, suricata.dns, …); nested objects are flattened into dotted
// original names ("alert.signature", "flow.bytes_toserver") kept in input
// order, arrays kept as JSON text. The alert, flow, netflow, dns (v1
// per-answer, v2 and v3 grouped layouts), http, tls, fileinfo, smb, ssh and
// anomaly records are normalised; other event types keep their original
// fields with the common connection fields normalised. Engine statistics
// ("stats") are not events and are skipped.
package suricata

import (
	"bytes"
	"io"
	"strings"

	"github.com/firebreak-ir/firebreak/internal/decode"
	"github.com/firebreak-ir/firebreak/internal/event"
)

// EVE is Suricata's EVE JSON log format.
var EVE = decode.Format{
	Name:   "suricata-eve",
	Detect: detect,
	Open:   open,
}

var bom = []byte("\xef\xbb\xbf")

// detect recognises a first line that is a JSON object with Suricata's
// timestamp and event_type members at top level.
func detect(head []byte) bool {
	head = bytes.TrimPrefix(head, bom)
	full := len(head) >= decode.HeadSize-len(bom)
	var line []byte
	complete := true
	for len(head) > 0 {
		l, rest, found := bytes.Cut(head, []byte{'\n'})
		l = bytes.TrimSpace(l)
		if len(l) > 0 {
			line, complete = l, found || !full
			break
		}
		head = rest
	}
	if len(line) == 0 || line[0] != '{' {
		return false
	}
	if !complete {
		return bytes.Contains(line, []byte(`"timestamp":`)) && bytes.Contains(line, []byte(`"event_type":`))
	}
	var p flattener
	var c topCheck
	if p.line(string(line), &c) != nil {
		return false
	}
	return c.ts && c.et
}

type topCheck struct{ ts, et bool }

func (c *topCheck) member(name []byte, value string) {
	switch string(name) {
	case "timestamp":
		c.ts = true
	case "event_type":
		c.et = value != ""
	}
}

func open(r io.Reader, path string) (decode.Decoder, error) {
	return &decoder{lr: decode.NewLineReader(r, path), path: path,
		names: make(map[string]nameInfo), kinds: make(map[string]string), seqs: make(map[string][]nameInfo)}, nil
}

// Bounds on the per-decoder caches, so that hostile input naming a new
// member or event type on every line cannot grow memory.
const (
	maxNames = 2048
	maxKinds = 64
	maxSeq   = 512 // members of a line remembered as its type's order
)

// nameInfo is a dotted member name met before, kept as one string, with
// what normalisation does with it.
type nameInfo struct {
	name string
	act  action
}

type decoder struct {
	lr    *decode.LineReader
	path  string
	p     flattener
	names map[string]nameInfo
	kinds map[string]string

	ev   *event.Event
	acts []action // the action of each original field of the line
	sc   scratch

	// Lines of one event type list their members in the same order: the
	// names of the last line of each type are followed with a cursor, so
	// that most members are found with one comparison instead of a map
	// lookup.
	seqs map[string][]nameInfo
	seq  []nameInfo // the sequence followed
	pos  int
	cur  []nameInfo // the names of this line
}

func (d *decoder) errf(reason string) error {
	return &decode.RecordError{Path: d.path, Line: d.lr.Line(), Offset: -1, Reason: reason}
}

// member implements sink: it keeps the field and notes its action.
func (d *decoder) member(name []byte, value string) {
	var ni nameInfo
	ok := false
	if d.pos < len(d.seq) && d.seq[d.pos].name == string(name) {
		ni, ok = d.seq[d.pos], true
		d.pos++
	} else {
		ni, ok = d.names[string(name)]
	}
	if !ok {
		ni = nameInfo{name: string(name), act: rules[string(name)]}
		if bytes.HasPrefix(name, []byte("dns.grouped.")) {
			ni.act = special(opDNSGrouped)
		}
		if len(d.names) < maxNames {
			d.names[ni.name] = ni
		}
	}
	d.ev.AddRaw(ni.name, value)
	d.acts = append(d.acts, ni.act)
	d.cur = append(d.cur, ni)
	if ni.act.op == opType {
		if seq, ok := d.seqs[value]; ok {
			d.seq, d.pos = seq, len(d.cur)
		}
	}
}

// remember keeps the names of the line just read as the sequence of its
// event type.
func (d *decoder) remember(eventType string) {
	if len(d.cur) > maxSeq {
		return
	}
	seq, ok := d.seqs[eventType]
	if !ok {
		if len(d.seqs) >= maxKinds {
			return
		}
		eventType = strings.Clone(eventType)
	}
	seq = append(seq[:0], d.cur...)
	d.seqs[eventType] = seq
	d.seq = seq
}

// Next implements decode.Decoder.
func (d *decoder) Next(ev *event.Event) error {
	for {
		b, err := d.lr.Next()
		if err != nil {
			return err
		}
		if d.lr.Line() == 1 {
			b = bytes.TrimPrefix(b, bom)
		}
		b = bytes.TrimSpace(b)
		if len(b) == 0 {
			continue
		}
		d.ev, d.acts, d.cur, d.pos = ev, d.acts[:0], d.cur[:0], 0
		if err := d.p.line(string(b), d); err != nil {
			d.ev = nil
			return d.errf("bad EVE JSON: " + reason(err))
		}
		d.ev = nil
		skip, err := d.record(ev)
		if err != nil {
			return err
		}
		if skip {
			ev.Reset()
			continue
		}
		return nil
	}
}

// record normalises the fields just read. It reports skip for records
// that are not events (engine statistics).
func (d *decoder) record(ev *event.Event) (skip bool, err error) {
	sc := &d.sc
	*sc = scratch{}
	for k, a := range d.acts {
		if a.op != opNone {
			sc.apply(ev, a, ev.Raw[k].Value)
		}
	}
	if sc.eventType == "stats" {
		return true, nil
	}
	d.remember(sc.eventType)
	if !sc.hasTime {
		return false, d.errf("no timestamp")
	}
	t, ok := parseTime(sc.ts)
	if !ok {
		return false, d.errf("bad timestamp " + event.Quote(sc.ts))
	}
	ev.Time = t
	ev.Seq = d.lr.Line()
	ev.Kind = d.kind(sc.eventType)
	sc.finish(ev)
	return false, nil
}

// kind returns "suricata.<event_type>", caching a bounded number.
func (d *decoder) kind(t string) string {
	if t == "" {
		return "suricata"
	}
	if k, ok := d.kinds[t]; ok {
		return k
	}
	k := "suricata." + strings.ToLower(t)
	if len(d.kinds) < maxKinds {
		d.kinds[strings.Clone(t)] = k
	}
	return k
}
