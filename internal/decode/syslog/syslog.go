// Package syslog decodes syslog files and streams: the RFC 3164 and RFC
// 5424 envelopes, and inside them the firewall logs that responders are
// handed most often when a network has no sensor: Linux netfilter LOG lines
// (iptables, nftables, firewalld and UFW), FortiGate key=value lines, Palo
// Alto traffic and threat CSV records, Cisco ASA connection and access-list
// messages (and Firepower FTD connection events), and ArcSight CEF records.
//
// Those firewalls are the only record of who talked to a command-and-control
// address in many incidents, so their lines are normalised to the same
// fields as Zeek's connection logs (source.ip, destination.port,
// network.transport, source.bytes, event.action, rule.name, …) and the
// original fields are kept in order under their native names (the header
// fields as pri, timestamp, hostname, app_name, procid, msgid and
// sd.<id>.<param>, then the firewall's own names: SRC, DPT, srcip,
// sentbyte, the PAN-OS column names, …). Each line is one Event of kind
// "netfilter", "fortigate.<type>", "paloalto.<type>", "cisco.asa" or, for
// any other message, "syslog". ArcSight CEF records, over syslog or one
// per line in a file, are parsed by package cef (kind "cef").
//
// RFC 3164 timestamps have neither year nor zone. Zoneless times are read
// in Options.Location (UTC by default). The year of the first such line is
// the latest that does not put it more than a month after Options.Now (the
// time of the import); after that it follows the file, moving on at New
// Year when the months wrap round.
package syslog

import (
	"bytes"
	"io"
	"strings"
	"time"

	"github.com/firebreak-ir/firebreak/internal/decode"
	"github.com/firebreak-ir/firebreak/internal/decode/cef"
	"github.com/firebreak-ir/firebreak/internal/decode/netfield"
	"github.com/firebreak-ir/firebreak/internal/event"
)

// Format is syslog, with or without its envelope, in files or as relays
// write it.
var Format = decode.Format{
	Name:   "syslog",
	Detect: detect,
	Open: func(r io.Reader, path string) (decode.Decoder, error) {
		return NewDecoder(r, path, Options{}), nil
	},
}

// Options set how timestamps without a year or zone are read.
type Options struct {
	// Now is the reference time for years missing from timestamps; zero
	// means the time of the call to NewDecoder.
	Now time.Time
	// Location is the zone of timestamps that do not give one; nil means
	// UTC.
	Location *time.Location
}

// Decoder decodes syslog lines.
type Decoder struct {
	lr    *decode.LineReader
	path  string
	loc   *time.Location
	year  yearGuess
	env   envelope
	asa   asaState
	words []string
}

// NewDecoder returns a decoder reading syslog lines from r; path names r
// in errors.
func NewDecoder(r io.Reader, path string, opt Options) *Decoder {
	now := opt.Now
	if now.IsZero() {
		now = time.Now()
	}
	loc := opt.Location
	if loc == nil {
		loc = time.UTC
	}
	return &Decoder{lr: decode.NewLineReader(r, path), path: path, loc: loc,
		year: yearGuess{ref: now.In(loc).UnixNano() + zoneOffset(now.In(loc))}}
}

func zoneOffset(t time.Time) int64 {
	_, off := t.Zone()
	return int64(off) * 1e9
}

// wall turns a wall-clock time in d.loc, given as if it were UTC, into the
// instant.
func (d *Decoder) wall(ns int64) int64 {
	if d.loc == time.UTC {
		return ns
	}
	sec := ns / 1e9
	t := time.Unix(sec, ns-sec*1e9).UTC()
	l := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), d.loc)
	return l.UnixNano()
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
		if len(bytes.TrimLeft(b, " \t")) == 0 {
			continue
		}
		return d.record(ev, string(b))
	}
}

func (d *Decoder) record(ev *event.Event, line string) error {
	env := &d.env
	parseEnvelope(line, env, d.wall, &d.year)
	ev.Seq = d.lr.Line()
	addEnvelope(ev, env)
	ev.Host = env.host
	msg := env.msg
	var t int64
	hasTime := false
	switch {
	case cef.Index(msg) >= 0:
		i := cef.Index(msg)
		if i > 0 {
			ev.AddRaw("prefix", strings.TrimSpace(msg[:i]))
		}
		var err error
		t, hasTime, err = cef.Parse(ev, msg[i:], d.wall)
		if err != nil {
			return d.errf(err.Error() + ": " + event.Quote(msg[i:]))
		}
	case isASA(msg):
		d.words = d.asa.asa(ev, msg, d.words)
	case isNetfilter(msg):
		netfilter(ev, msg)
	case isFortiGate(msg):
		var dev string
		var ok bool
		t, dev, hasTime, ok = fortigate(ev, msg, d.wall)
		if !ok {
			return d.errf("unterminated quoted value in " + event.Quote(msg))
		}
		if ev.Host == "" {
			ev.Host = dev
		}
	case panType(msg) != "":
		var reason string
		t, hasTime, d.words, reason = paloalto(ev, msg, d.words, d.wall)
		if reason != "" {
			return d.errf(reason)
		}
	default:
		if env.pri == "" && !env.hasTime {
			return d.errf("not a syslog line: " + event.Quote(line))
		}
		ev.Kind = "syslog"
		ev.AddRaw("message", msg)
		ev.SetStr(event.Message, msg)
		if env.app != "" {
			ev.SetStr(event.ServiceName, env.app)
		}
	}
	switch {
	case env.hasTime:
		// The envelope dates the record, unless its year was guessed and
		// the record gives its own time.
		ev.Time = env.time
		if hasTime && env.yearless {
			ev.Time = t
		}
	case hasTime:
		ev.Time = t
	default:
		return d.errf("no timestamp in " + event.Quote(line))
	}
	return nil
}

// detect recognises a first line that starts with a syslog priority or
// timestamp, or is a firewall line that files hold without an envelope.
func detect(head []byte) bool {
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	var line []byte
	for len(head) > 0 {
		l, rest, _ := bytes.Cut(head, []byte{'\n'})
		l = bytes.TrimRight(l, " \t\r")
		if len(l) > 0 {
			line = l
			break
		}
		head = rest
	}
	if len(line) == 0 || line[0] == '{' || line[0] == '#' {
		return false // JSON, Zeek, W3C
	}
	s := string(line)
	var env envelope
	y := yearGuess{ref: time.Now().UnixNano()}
	parseEnvelope(s, &env, func(ns int64) int64 { return ns }, &y)
	if env.pri != "" {
		p, _ := netfield.ParseUint(env.pri)
		return p < 192 && (env.hasTime || env.version != "" || isFortiGate(env.msg) || panType(env.msg) != "" ||
			isASA(env.msg) || cef.Index(env.msg) >= 0)
	}
	if env.hasTime {
		// A bare timestamp must be followed by something: a host and a
		// message.
		return env.msg != "" && (env.host != "" || env.app != "" || isASA(env.msg))
	}
	return isFortiGate(s) || panType(s) != "" || isNetfilter(s) && strings.HasPrefix(s, "[") || cef.Index(s) == 0
}

// WithOptions returns the syslog format read with opt, for a time zone or
// reference time given on the command line.
func WithOptions(opt Options) decode.Format {
	return decode.Format{
		Name:   "syslog",
		Detect: detect,
		Open: func(r io.Reader, path string) (decode.Decoder, error) {
			return NewDecoder(r, path, opt), nil
		},
	}
}
