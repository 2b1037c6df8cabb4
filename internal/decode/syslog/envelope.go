package syslog

import (
	"strings"

	"github.com/firebreak-ir/firebreak/internal/decode/netfield"
	"github.com/firebreak-ir/firebreak/internal/event"
)

// envelope is the syslog header of one line, and the message it carries.
type envelope struct {
	pri      string // "" when the line has none
	version  string // "1" for RFC 5424
	ts       string // the timestamp as written
	time     int64  // nanoseconds, when hasTime
	hasTime  bool
	host     string
	app      string
	procid   string
	msgid    string
	sd       string // RFC 5424 structured data, "" or "-" when none
	msg      string
	yearless bool // an RFC 3164 timestamp: the year was inferred
}

// parseEnvelope splits a line into its syslog header and message. Lines
// without a header (a firewall's own log file) come back with msg = line.
// Timestamps without a zone are read in loc; timestamps without a year
// are dated by y.
func parseEnvelope(line string, env *envelope, loc zoneFunc, y *yearGuess) {
	*env = envelope{}
	s := line
	if len(s) > 2 && s[0] == '<' {
		if i := strings.IndexByte(s[:min(len(s), 6)], '>'); i > 1 {
			if _, ok := netfield.ParseUint(s[1:i]); ok {
				env.pri = s[1:i]
				s = s[i+1:]
			}
		}
	}
	// RFC 5424: VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP
	// MSGID SP STRUCTURED-DATA [SP MSG]
	if len(s) > 2 && s[0] >= '1' && s[0] <= '9' && s[1] == ' ' && env.pri != "" {
		env.version = s[:1]
		rest := s[2:]
		var f [5]string
		for k := range f {
			var ok bool
			f[k], rest, ok = strings.Cut(rest, " ")
			if !ok && k < 4 {
				env.version = ""
				goto legacy
			}
		}
		env.ts, env.host, env.app, env.procid, env.msgid = nilv(f[0]), nilv(f[1]), nilv(f[2]), nilv(f[3]), nilv(f[4])
		if env.ts != "" {
			if ns, _, ok := netfield.ParseISO(env.ts); ok {
				env.time, env.hasTime = ns, true
			}
		}
		sd, msg := splitSD(rest)
		env.sd = sd
		msg = strings.TrimPrefix(msg, "\xef\xbb\xbf")
		env.msg = msg
		return
	}
legacy:
	// RFC 3164 and the forms files and relays write: a timestamp
	// ("Nov 20 10:00:00", "Nov  2 10:00:00.123", "Nov 20 2025 10:00:00",
	// or ISO 8601), then maybe a host, then maybe TAG[PID]:.
	if ts, rest, ns, hadYear, ok := bsdTime(s, loc, y); ok {
		env.ts, env.time, env.hasTime, env.yearless = ts, ns, true, !hadYear
		s = rest
	} else if ts, rest, ok := strings.Cut(s, " "); ok && len(ts) >= 19 && ts[4] == '-' {
		if ns, zoned, ok := netfield.ParseISO(ts); ok {
			if !zoned {
				ns = loc(ns)
			}
			env.ts, env.time, env.hasTime = ts, ns, true
			s = rest
		}
	}
	if !env.hasTime {
		// No header beyond the priority: the rest is the message (a
		// firewall's own line, relayed as it is).
		env.msg = s
		if env.pri == "" {
			env.msg = line
		}
		return
	}
	s = strings.TrimLeft(s, " ")
	// The host, unless the next word is already the tag or the message.
	if w, rest, ok := strings.Cut(s, " "); ok && w != "" && !strings.HasSuffix(w, ":") && w[0] != '%' &&
		!strings.Contains(w, "=") && !strings.HasSuffix(w, "]") && !strings.HasPrefix(w, "CEF:") {
		env.host = w
		s = rest
	}
	// TAG[PID]: or %ASA-6-302013:
	if w, rest, ok := strings.Cut(s, " "); ok && strings.HasSuffix(w, ":") && len(w) > 1 && w[0] != '%' {
		tag := w[:len(w)-1]
		if i := strings.IndexByte(tag, '['); i > 0 && strings.HasSuffix(tag, "]") {
			env.app, env.procid = tag[:i], tag[i+1:len(tag)-1]
		} else {
			env.app = tag
		}
		s = rest
	}
	env.msg = s
}

func nilv(s string) string {
	if s == "-" {
		return ""
	}
	return s
}

// splitSD cuts the structured data off the start of s ("-" or
// [id param="v"...]...), returning it and the message after it.
func splitSD(s string) (sd, msg string) {
	if strings.HasPrefix(s, "-") {
		return "-", strings.TrimPrefix(s[1:], " ")
	}
	i := 0
	for i < len(s) && s[i] == '[' {
		in := false
		j := i + 1
		for ; j < len(s); j++ {
			c := s[j]
			if in {
				if c == '\\' {
					j++
				} else if c == '"' {
					in = false
				}
				continue
			}
			if c == '"' {
				in = true
			} else if c == ']' {
				break
			}
		}
		if j >= len(s) {
			return s, "" // unterminated: keep it all as structured data
		}
		i = j + 1
	}
	return s[:i], strings.TrimPrefix(s[i:], " ")
}

// eachSDParam calls fn with each element id, parameter name and unescaped
// value of RFC 5424 structured data.
func eachSDParam(sd string, fn func(id, name, value string)) {
	for len(sd) > 0 && sd[0] == '[' {
		sd = sd[1:]
		end := strings.IndexAny(sd, " ]")
		if end < 0 {
			return
		}
		id := sd[:end]
		sd = sd[end:]
		for {
			sd = strings.TrimLeft(sd, " ")
			if sd == "" {
				return
			}
			if sd[0] == ']' {
				sd = sd[1:]
				break
			}
			eq := strings.IndexByte(sd, '=')
			if eq < 0 || eq+1 >= len(sd) || sd[eq+1] != '"' {
				return
			}
			name := sd[:eq]
			v, rest, ok := quoted(sd[eq+1:], `"\]`)
			if !ok {
				return
			}
			fn(id, name, v)
			sd = rest
		}
	}
}

// quoted reads a double-quoted value at the start of s in which a backslash
// escapes any of the characters in esc, returning the value and what
// follows the closing quote.
func quoted(s, esc string) (v, rest string, ok bool) {
	if s == "" || s[0] != '"' {
		return "", s, false
	}
	var b []byte
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"':
			if b == nil {
				return s[1:i], s[i+1:], true
			}
			return string(b), s[i+1:], true
		case c == '\\' && i+1 < len(s) && strings.IndexByte(esc, s[i+1]) >= 0:
			if b == nil {
				b = append(b, s[1:i]...)
			}
			i++
			b = append(b, s[i])
		default:
			if b != nil {
				b = append(b, c)
			}
		}
	}
	return "", s, false
}

// zoneFunc turns a zoneless wall-clock time, read as if it were UTC, into
// the real instant.
type zoneFunc func(wall int64) int64

// yearGuess dates timestamps that have no year (RFC 3164). The first is
// put in the latest year that does not place it more than a month after
// the reference time (the time of the import, normally); after that the
// year follows the log: a timestamp that falls more than half a year
// before the previous one is taken to have crossed New Year.
type yearGuess struct {
	ref       int64 // reference time, ns
	year      int64
	lastMonth int64
	lastDay   int64 // day of year, as month*32+day
	set       bool
}

func (y *yearGuess) yearOf(month, day int64) int64 {
	md := month*32 + day
	if !y.set {
		refYear, refMonth := civilYearMonth(y.ref)
		y.year = refYear
		if month > refMonth+1 {
			y.year--
		}
		y.set = true
	} else if md < y.lastDay && y.lastMonth-month >= 6 {
		y.year++
	} else if md > y.lastDay && month-y.lastMonth >= 6 {
		// A line from before New Year after one from the new year
		// (relays deliver out of order): it belongs to the year before,
		// without moving the guess back.
		return y.year - 1
	}
	y.lastDay, y.lastMonth = md, month
	return y.year
}

// civilYearMonth returns the UTC year and month of ns.
func civilYearMonth(ns int64) (int64, int64) {
	days := ns / 86400e9
	if ns < 0 && ns%86400e9 != 0 {
		days--
	}
	// Inverse of DaysFromCivil.
	z := days + 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	m := mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return y, m
}

// bsdTime reads an RFC 3164 timestamp at the start of s: "Mmm dd
// hh:mm:ss" with optional fractional seconds, or with a year after the
// day as Cisco writes it ("Nov 20 2025 10:00:00"), and an optional ':'
// after it. It returns the text, the rest of s and the time.
func bsdTime(s string, loc zoneFunc, y *yearGuess) (ts, rest string, ns int64, hadYear, ok bool) {
	if len(s) < 15 || s[3] != ' ' {
		return "", s, 0, false, false
	}
	month := netfield.Month(s[:3])
	if month == 0 {
		return "", s, 0, false, false
	}
	i := 4
	if s[i] == ' ' {
		i++
	}
	day, j := num(s, i, 2)
	if j == i || day < 1 || day > 31 || j >= len(s) || s[j] != ' ' {
		return "", s, 0, false, false
	}
	i = j + 1
	year := int64(-1)
	if yr, k := num(s, i, 4); k-i == 4 && k < len(s) && s[k] == ' ' {
		year, i = yr, k+1
	}
	if len(s)-i < 8 || s[i+2] != ':' || s[i+5] != ':' {
		return "", s, 0, false, false
	}
	hh, a := num(s, i, 2)
	mm, b := num(s, i+3, 2)
	ss, c := num(s, i+6, 2)
	if a != i+2 || b != i+5 || c != i+8 || hh > 23 || mm > 59 || ss > 60 {
		return "", s, 0, false, false
	}
	i += 8
	var frac int64
	if i < len(s) && s[i] == '.' {
		k := i + 1
		n := 0
		for ; k < len(s) && s[k] >= '0' && s[k] <= '9'; k++ {
			if n < 9 {
				frac = frac*10 + int64(s[k]-'0')
				n++
			}
		}
		if n > 0 {
			for ; n < 9; n++ {
				frac *= 10
			}
			i = k
		}
	}
	ts = s[:i]
	if i < len(s) && s[i] == ':' {
		i++
	}
	if i < len(s) && s[i] != ' ' {
		return "", s, 0, false, false
	}
	hadYear = year >= 0
	if !hadYear {
		year = y.yearOf(month, day)
	}
	wall := (netfield.DaysFromCivil(year, month, day)*86400+hh*3600+mm*60+ss)*1e9 + frac
	return ts, s[i:], loc(wall), hadYear, true
}

// num reads up to n decimal digits of s from i.
func num(s string, i, n int) (int64, int) {
	var v int64
	j := i
	for j < len(s) && j-i < n && s[j] >= '0' && s[j] <= '9' {
		v = v*10 + int64(s[j]-'0')
		j++
	}
	return v, j
}

// addEnvelope keeps the header fields among the original fields.
func addEnvelope(ev *event.Event, env *envelope) {
	if env.pri != "" {
		ev.AddRaw("pri", env.pri)
	}
	if env.version != "" {
		ev.AddRaw("version", env.version)
	}
	if env.ts != "" {
		ev.AddRaw("timestamp", env.ts)
	}
	if env.host != "" {
		ev.AddRaw("hostname", env.host)
	}
	if env.app != "" {
		ev.AddRaw("app_name", env.app)
	}
	if env.procid != "" {
		ev.AddRaw("procid", env.procid)
	}
	if env.msgid != "" {
		ev.AddRaw("msgid", env.msgid)
	}
	if env.sd != "" && env.sd != "-" {
		eachSDParam(env.sd, func(id, name, value string) {
			ev.AddRaw("sd."+id+"."+name, value)
		})
	}
}
