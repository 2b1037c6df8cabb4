// Package w3c decodes logs in the W3C Extended Log File Format: the
// #Fields: header names the columns of the lines that follow. IIS web and
// FTP logs and the Windows Firewall's pfirewall.log use it, and on Windows
// servers they are often the only record of a web shell's requests or of
// the connections a host made.
//
// Each line becomes one Event (kind "iis", "windows.firewall", "exchange",
// or "w3c" for other producers) whose original fields carry the header's
// names in the header's order ("cs-uri-stem", "c-ip", "src-port", …), "-"
// values left out, and whose normalised fields match Zeek's: source.ip and
// port (c-ip, src-ip), destination.ip and port (s-ip, s-port, dst-ip), url.*,
// http.*, user_agent.original ('+' read as a space, as IIS writes it),
// user.name, event.action and event.outcome (the firewall's ALLOW/DROP),
// source.bytes and destination.bytes. Directives may appear anywhere, and a
// new #Fields: line changes the columns from there on (IIS writes one each
// time the service restarts with another configuration). Times are UTC, as
// the format says, unless a "#Time Format: Local" directive (the Windows
// Firewall's) says they are local; local times are read in
// Options.Location. Exchange's message tracking and protocol logs, which
// use the same headers with comma-separated values and a date-time field,
// are read too.
package w3c

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

// Format is the W3C Extended Log File Format.
var Format = decode.Format{
	Name:   "w3c",
	Detect: detect,
	Open: func(r io.Reader, path string) (decode.Decoder, error) {
		return NewDecoder(r, path, Options{}), nil
	},
}

// Options set how local times are read.
type Options struct {
	// Location is the zone of files whose times are local; nil means UTC.
	Location *time.Location
}

// detect recognises a file that starts with W3C directives and names its
// fields.
func detect(head []byte) bool {
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	head = bytes.TrimLeft(head, "\r\n")
	for _, d := range []string{"#Software:", "#Version:", "#Fields:", "#Date:", "#Remark:", "#Start-Date:"} {
		if bytes.HasPrefix(head, []byte(d)) {
			return bytes.HasPrefix(head, []byte("#Fields:")) || bytes.Contains(head, []byte("\n#Fields:"))
		}
	}
	return false
}

// Decoder decodes a W3C extended log.
type Decoder struct {
	lr       *decode.LineReader
	path     string
	loc      *time.Location
	local    bool   // #Time Format: Local
	date     string // from #Date:, for lines with a time and no date
	software string
	names    []string
	acts     []action
	comma    bool // values separated by commas (Exchange), not spaces
	kind     string
	vals     []string
}

// NewDecoder returns a decoder reading a W3C log from r; path names r in
// errors.
func NewDecoder(r io.Reader, path string, opt Options) *Decoder {
	loc := opt.Location
	if loc == nil {
		loc = time.UTC
	}
	return &Decoder{lr: decode.NewLineReader(r, path), path: path, loc: loc, kind: "w3c"}
}

func (d *Decoder) errf(reason string) error {
	return &decode.RecordError{Path: d.path, Line: d.lr.Line(), Offset: -1, Reason: reason}
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
		b = bytes.TrimRight(b, " \t\r\x00")
		if len(b) == 0 {
			continue
		}
		if b[0] == '#' {
			d.directive(string(b))
			continue
		}
		return d.record(ev, string(b))
	}
}

// directive takes note of a header line.
func (d *Decoder) directive(line string) {
	name, val, _ := strings.Cut(line[1:], ":")
	val = strings.TrimSpace(val)
	switch strings.ToLower(name) {
	case "fields":
		d.names = d.names[:0]
		d.acts = d.acts[:0]
		// Exchange's logs separate fields with commas, as CSV.
		d.comma = strings.IndexByte(val, ',') >= 0
		names := strings.Fields(val)
		if d.comma {
			names = strings.Split(val, ",")
		}
		for _, f := range names {
			f = strings.TrimSpace(f)
			d.names = append(d.names, f)
			d.acts = append(d.acts, rules[strings.ToLower(f)])
		}
		d.kind = kindOf(d.software, d.names)
	case "software":
		d.software = val
		d.kind = kindOf(d.software, d.names)
		if strings.Contains(val, "Firewall") {
			d.local = true // pfirewall.log times are local unless said otherwise
		}
	case "date", "start-date":
		if len(val) >= 10 {
			d.date = val[:10]
		}
	case "time format":
		d.local = strings.EqualFold(val, "local")
	}
}

func kindOf(software string, names []string) string {
	switch {
	case strings.Contains(software, "Internet Information Services"):
		return "iis"
	case strings.Contains(software, "Windows Firewall"):
		return "windows.firewall"
	case strings.Contains(software, "Exchange"):
		return "exchange"
	}
	has := func(n string) bool {
		for _, x := range names {
			if x == n {
				return true
			}
		}
		return false
	}
	switch {
	case has("cs-uri-stem") && (has("s-sitename") || has("sc-win32-status")):
		return "iis"
	case has("src-ip") && has("dst-ip") && has("action"):
		return "windows.firewall"
	}
	return "w3c"
}

// split cuts a line into its values: separated by spaces or tabs, a value
// that starts with a quote runs to the closing quote ("" inside for a
// quote).
func split(s string, dst []string) ([]string, bool) {
	for {
		s = strings.TrimLeft(s, " \t")
		if s == "" {
			return dst, true
		}
		if s[0] == '"' {
			var b []byte
			i, start := 1, 1
			for {
				if i >= len(s) {
					return dst, false
				}
				if s[i] == '"' {
					if i+1 < len(s) && s[i+1] == '"' {
						b = append(b, s[start:i+1]...)
						i += 2
						start = i
						continue
					}
					break
				}
				i++
			}
			if b == nil {
				dst = append(dst, s[1:i])
			} else {
				dst = append(dst, string(append(b, s[start:i]...)))
			}
			s = s[i+1:]
			continue
		}
		i := strings.IndexAny(s, " \t")
		if i < 0 {
			return append(dst, s), true
		}
		dst = append(dst, s[:i])
		s = s[i:]
	}
}

func (d *Decoder) record(ev *event.Event, line string) error {
	if len(d.names) == 0 {
		return d.errf("line before any #Fields: directive: " + event.Quote(line))
	}
	var ok bool
	if d.comma {
		d.vals, ok = netfield.SplitCSV(line, ',', d.vals[:0])
	} else {
		d.vals, ok = split(line, d.vals[:0])
	}
	if !ok {
		return d.errf("unterminated quoted value in " + event.Quote(line))
	}
	if len(d.vals) != len(d.names) {
		return d.errf(strconv.Itoa(len(d.vals)) + " values for " + strconv.Itoa(len(d.names)) +
			" fields: " + event.Quote(line))
	}
	ev.Seq = d.lr.Line()
	ev.Kind = d.kind
	var sc scratch
	for i, v := range d.vals {
		if v == "-" || v == "" {
			continue
		}
		ev.AddRaw(d.names[i], v)
		sc.apply(ev, d.acts[i], v)
	}
	date := sc.date
	if date == "" {
		date = d.date
	}
	stamp := date + "T" + sc.time
	if sc.dateTime != "" {
		stamp = sc.dateTime
	} else if date == "" || sc.time == "" {
		return d.errf("no date and time in " + event.Quote(line))
	}
	ns, zoned, ok := netfield.ParseISO(stamp)
	if !ok {
		return d.errf("bad date or time " + event.Quote(strings.Replace(stamp, "T", " ", 1)))
	}
	if d.local && !zoned && d.loc != time.UTC {
		t := time.Unix(0, ns).UTC()
		ns = time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), d.loc).UnixNano()
	}
	ev.Time = ns
	sc.finish(ev, d.kind)
	return nil
}

// WithOptions returns the W3C format read with opt, for a time zone given
// on the command line.
func WithOptions(opt Options) decode.Format {
	return decode.Format{
		Name:   "w3c",
		Detect: detect,
		Open: func(r io.Reader, path string) (decode.Decoder, error) {
			return NewDecoder(r, path, opt), nil
		},
	}
}
