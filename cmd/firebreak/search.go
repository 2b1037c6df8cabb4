package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/firebreak-ir/firebreak/internal/event"
	"github.com/firebreak-ir/firebreak/internal/store"
	"github.com/firebreak-ir/firebreak/internal/store/duckdb"
)

// queryFlags are the selection flags shared by search and stats.
type queryFlags struct {
	from, to, tz string
	kinds, hosts listFlag
}

func (q *queryFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&q.from, "from", "", "only events at or after `time` (2026-11-20, 2026-11-20T13:00, RFC 3339, or -24h / -7d before now)")
	fs.StringVar(&q.to, "to", "", "only events before `time` (same forms as --from)")
	fs.StringVar(&q.tz, "tz", "UTC", "time `zone` for --from/--to without a zone and for table output (UTC, Local, Asia/Tokyo)")
	fs.Var(&q.kinds, "kind", "only these source `kinds`, comma-separated or repeated (zeek.conn, sysmon, …)")
	fs.Var(&q.hosts, "host", "only events observed by these `hosts`")
}

func (q *queryFlags) build(now time.Time, conds []string) (store.Query, *time.Location, error) {
	loc, err := time.LoadLocation(q.tz)
	if err != nil {
		return store.Query{}, nil, fmt.Errorf("--tz: %w", err)
	}
	sq := store.Query{Kinds: q.kinds, Hosts: q.hosts}
	if q.from != "" {
		t, err := parseWhen(q.from, now, loc)
		if err != nil {
			return sq, nil, fmt.Errorf("--from: %w", err)
		}
		sq.From = t.UnixNano()
	}
	if q.to != "" {
		t, err := parseWhen(q.to, now, loc)
		if err != nil {
			return sq, nil, fmt.Errorf("--to: %w", err)
		}
		sq.To = t.UnixNano()
	}
	for _, c := range conds {
		cond, err := parseCond(c)
		if err != nil {
			return sq, nil, err
		}
		sq.Conds = append(sq.Conds, cond)
	}
	return sq, loc, nil
}

// parseWhen reads an absolute time (zone optional, loc assumed) or a
// duration before now such as -24h or -7d.
func parseWhen(s string, now time.Time, loc *time.Location) (time.Time, error) {
	if strings.HasPrefix(s, "-") {
		body := s[1:]
		if strings.HasSuffix(body, "d") {
			n, err := strconv.Atoi(strings.TrimSuffix(body, "d"))
			if err != nil {
				return time.Time{}, fmt.Errorf("bad relative time %q", s)
			}
			return now.Add(-time.Duration(n) * 24 * time.Hour), nil
		}
		d, err := time.ParseDuration(body)
		if err != nil {
			return time.Time{}, fmt.Errorf("bad relative time %q", s)
		}
		return now.Add(-d), nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999", "2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("unrecognised time %q (use 2026-11-20, 2026-11-20T13:00, RFC 3339 or -24h)", s)
}

// parseCond reads field=value, field!=value, field~text, field>n, field<n.
// An IP field compared with = to a CIDR prefix matches addresses inside it.
func parseCond(s string) (store.Cond, error) {
	i := strings.IndexAny(s, "=!~<>")
	if i <= 0 {
		return store.Cond{}, fmt.Errorf("bad condition %q: want field=value, field!=value, field~text, field>n or field<n", s)
	}
	field, rest := s[:i], s[i:]
	var op store.Op
	switch {
	case strings.HasPrefix(rest, "!="):
		op, rest = store.OpNe, rest[2:]
	case rest[0] == '=':
		op, rest = store.OpEq, rest[1:]
	case rest[0] == '~':
		op, rest = store.OpContains, rest[1:]
	case rest[0] == '>':
		op, rest = store.OpGt, rest[1:]
	case rest[0] == '<':
		op, rest = store.OpLt, rest[1:]
	default:
		return store.Cond{}, fmt.Errorf("bad condition %q", s)
	}
	if op == store.OpEq && strings.Contains(rest, "/") && isIPField(field) {
		op = store.OpCIDR
	}
	return store.Cond{Field: field, Op: op, Value: rest}, nil
}

func isIPField(name string) bool {
	if name == "ip" {
		return true
	}
	s, _, isInt, ok := event.Lookup(name)
	return ok && !isInt && s.Info().Kind == event.KindIP
}

func runSearch(ctx context.Context, a *app, args []string) int {
	fs, data := newFlags(a, "search [flags] [CONDITION...]", `
Find stored events. Conditions are ANDed: field=value, field!=value,
field~text (contains, any case), field>n, field<n. Fields are normalised
names (source.ip, destination.port, dns.question.name, url.full, user.name,
process.command_line, …), "ip" for either end of a connection, or the native
name of an original field (uid, query, CommandLine, …). An IP field given a
prefix (source.ip=10.0.0.0/8) matches addresses inside it. Output is a table,
or one JSON object per line with --json, or CSV with --csv.`, `
  firebreak search --data case42 destination.ip=203.0.113.9
  firebreak search --data case42 ip=10.1.0.0/16 destination.port=445 --from 2026-11-20 --to 2026-11-21
  firebreak search --data case42 --kind zeek.dns dns.question.name~evil --json
  firebreak search --data case42 --from -24h --tz Asia/Tokyo --csv --fields source.ip,destination.ip,destination.bytes`)
	var qf queryFlags
	qf.register(fs)
	limit := fs.Int("limit", 1000, "at most `n` events (0: no limit)")
	asJSON := fs.Bool("json", false, "one JSON object per event")
	asCSV := fs.Bool("csv", false, "CSV with a header row")
	fields := fs.String("fields", "", "comma-separated `fields` for table and CSV output (normalised or native names)")
	desc := fs.Bool("desc", false, "newest first")
	if code := parse(a, fs, args); code >= 0 {
		return code
	}
	if *asJSON && *asCSV {
		fmt.Fprintln(a.stderr, "firebreak search: --json and --csv cannot be combined")
		return exitUsage
	}
	q, loc, err := qf.build(time.Now(), fs.Args())
	if err != nil {
		fmt.Fprintf(a.stderr, "firebreak search: %v\n", err)
		return exitUsage
	}
	q.Limit = *limit
	q.Desc = *desc
	st, err := duckdb.Open(ctx, *data, duckdb.Options{MustExist: true})
	if err != nil {
		return fail(a, err)
	}
	defer st.Close()

	w := bufio.NewWriterSize(a.stdout, 64<<10)
	defer w.Flush()
	var cols []string
	if *fields != "" {
		cols = strings.Split(*fields, ",")
	}
	var out func(*event.Event) error
	switch {
	case *asJSON:
		out = func(ev *event.Event) error { return writeEventJSON(w, ev) }
	case *asCSV:
		cw := csv.NewWriter(w)
		if cols == nil {
			cols = defaultCSVColumns()
		}
		if err := cw.Write(append([]string{"time", "kind", "host"}, cols...)); err != nil {
			return fail(a, err)
		}
		rec := make([]string, len(cols)+3)
		out = func(ev *event.Event) error {
			rec[0] = time.Unix(0, ev.Time).UTC().Format(time.RFC3339Nano)
			rec[1], rec[2] = ev.Kind, ev.Host
			for i, c := range cols {
				rec[i+3] = fieldValue(ev, c)
			}
			return cw.Write(rec)
		}
		defer cw.Flush()
	default:
		out = func(ev *event.Event) error {
			ts := time.Unix(0, ev.Time).In(loc).Format("2006-01-02T15:04:05.000Z07:00")
			var s string
			if cols != nil {
				parts := make([]string, 0, len(cols))
				for _, c := range cols {
					parts = append(parts, c+"="+fieldValue(ev, c))
				}
				s = strings.Join(parts, " ")
			} else {
				s = summary(ev)
			}
			_, err := fmt.Fprintf(w, "%s  %-14s %-16s %s\n", ts, safe(ev.Kind), safe(ev.Host), safe(s))
			return err
		}
	}
	n := 0
	err = st.Search(ctx, q, func(ev *event.Event) error {
		n++
		return out(ev)
	})
	if err != nil {
		return fail(a, err)
	}
	if !*asJSON && !*asCSV && n == *limit && *limit > 0 {
		w.Flush()
		fmt.Fprintf(a.stderr, "(stopped at --limit %d)\n", *limit)
	}
	return exitOK
}

func defaultCSVColumns() []string {
	var cols []string
	for f := range event.NumStr {
		cols = append(cols, event.StrField(f).String())
	}
	for f := range event.NumInt {
		cols = append(cols, event.IntField(f).String())
	}
	return cols
}

// fieldValue returns a normalised field by name, or an original field.
func fieldValue(ev *event.Event, name string) string {
	if s, i, isInt, ok := event.Lookup(name); ok {
		if isInt {
			if v, set := ev.Int(i); set {
				return strconv.FormatInt(v, 10)
			}
			return ""
		}
		return ev.Str(s)
	}
	v, _ := ev.RawValue(name)
	return v
}

// summary gives the fields a responder looks at first, on one line.
func summary(ev *event.Event) string {
	var b strings.Builder
	add := func(s string) {
		if s == "" {
			return
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s)
	}
	endpoint := func(ipf event.StrField, portf event.IntField) string {
		ip := ev.Str(ipf)
		if ip == "" {
			return ""
		}
		if strings.Contains(ip, ":") {
			ip = "[" + ip + "]"
		}
		if p, ok := ev.Int(portf); ok {
			return ip + ":" + strconv.FormatInt(p, 10)
		}
		return ip
	}
	src, dst := endpoint(event.SourceIP, event.SourcePort), endpoint(event.DestinationIP, event.DestinationPort)
	if src != "" || dst != "" {
		s := src + " -> " + dst
		if t := ev.Str(event.NetworkTransport); t != "" {
			s += "/" + t
		}
		add(s)
	}
	for _, f := range []event.StrField{event.NetworkProtocol, event.ConnState, event.DNSQuestionName, event.DNSAnswers,
		event.HTTPRequestMethod, event.URLFull, event.TLSServerName, event.UserName, event.ProcessCommandLine,
		event.ProcessExecutable, event.FilePath, event.FileHashSHA256, event.RuleName, event.Message, event.EventCode, event.EventOutcome} {
		if v := ev.Str(f); v != "" {
			if f == event.ProcessExecutable && ev.Str(event.ProcessCommandLine) != "" {
				continue
			}
			add(shortName(f) + "=" + v)
		}
	}
	for _, f := range []event.IntField{event.SourceBytes, event.DestinationBytes, event.HTTPResponseStatusCode} {
		if v, ok := ev.Int(f); ok {
			add(shortName(f) + "=" + strconv.FormatInt(v, 10))
		}
	}
	if b.Len() == 0 {
		for i, f := range ev.Raw {
			if i == 6 {
				add("…")
				break
			}
			add(f.Name + "=" + f.Value)
		}
	}
	return b.String()
}

func shortName(f fmt.Stringer) string {
	n := f.String()
	switch n {
	case "network.protocol":
		return "proto"
	case "network.connection.state":
		return "state"
	case "dns.question.name":
		return "query"
	case "dns.answers.data":
		return "answers"
	case "http.request.method":
		return "method"
	case "url.full":
		return "url"
	case "tls.server_name":
		return "sni"
	case "user.name":
		return "user"
	case "process.command_line":
		return "cmd"
	case "process.executable":
		return "exe"
	case "file.path":
		return "file"
	case "file.hash.sha256":
		return "sha256"
	case "rule.name":
		return "rule"
	case "event.code":
		return "code"
	case "event.outcome":
		return "outcome"
	case "source.bytes":
		return "out"
	case "destination.bytes":
		return "in"
	case "http.response.status_code":
		return "status"
	}
	return n
}

// writeEventJSON writes one event as a JSON line: time, kind, host, the
// normalised fields that are set (ECS names), and the original fields.
func writeEventJSON(w io.Writer, ev *event.Event) error {
	b := make([]byte, 0, 512)
	b = append(b, `{"@timestamp":`...)
	b = strconv.AppendQuote(b, time.Unix(0, ev.Time).UTC().Format(time.RFC3339Nano))
	b = append(b, `,"kind":`...)
	b = appendJSONStr(b, ev.Kind)
	b = append(b, `,"host":`...)
	b = appendJSONStr(b, ev.Host)
	b = append(b, `,"seq":`...)
	b = strconv.AppendInt(b, ev.Seq, 10)
	for f := range event.NumStr {
		if v := ev.Str(event.StrField(f)); v != "" {
			b = append(b, ',')
			b = appendJSONStr(b, event.StrField(f).String())
			b = append(b, ':')
			b = appendJSONStr(b, v)
		}
	}
	for f := range event.NumInt {
		if v, ok := ev.Int(event.IntField(f)); ok {
			b = append(b, ',')
			b = appendJSONStr(b, event.IntField(f).String())
			b = append(b, ':')
			b = strconv.AppendInt(b, v, 10)
		}
	}
	b = append(b, `,"original":`...)
	b = duckdb.AppendRawJSON(b, ev.Raw)
	b = append(b, "}\n"...)
	_, err := w.Write(b)
	return err
}

func appendJSONStr(b []byte, s string) []byte {
	// json.Marshal escapes <, > and & too, so the output is safe to embed.
	q, _ := json.Marshal(s)
	return append(b, q...)
}

// safe makes text from a log harmless on a terminal: control characters
// (including ESC, which starts terminal escape sequences) and invalid UTF-8
// are shown as escapes instead of being written.
func safe(s string) string {
	clean := true
	for _, r := range s {
		if r == utf8.RuneError || unicode.IsControl(r) || r == 0x2028 || r == 0x2029 || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == utf8.RuneError:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case unicode.IsControl(r) || r == 0x2028 || r == 0x2029 || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069):
			if r < 0x100 {
				fmt.Fprintf(&b, `\x%02x`, r)
			} else {
				fmt.Fprintf(&b, `\u%04x`, r)
			}
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
