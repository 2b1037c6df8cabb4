package csvmap

import (
	"errors"
	"strings"

	"github.com/firebreak-ir/firebreak/internal/event"
)

// Mapping says which CSV column feeds which normalised field.
type Mapping struct {
	// Fields maps a normalised field name (ECS, such as "destination.ip")
	// to the header name of the column that holds it.
	Fields map[string]string
	// Time is the column holding the event time.
	Time string
	// TimeFormat is a Go time layout for Time, or "epoch" (seconds),
	// "epoch_ms", "epoch_us"; empty means any of the usual forms (epoch
	// seconds or milliseconds by size, ISO 8601, "2006/01/02 15:04:05").
	TimeFormat string
	// Kind is the kind given to events; empty means "csv".
	Kind string
	// Host is the column naming the observing host, if any.
	Host string
	// Comma is the field separator; 0 means ','.
	Comma byte
}

// ParseMapping reads a mapping written as entries "field=Column", one per
// line or separated by commas, as given on the command line or in a small
// file. Keys starting with '@' set the other members: @timestamp (the time
// column), @time_format, @kind, @host and @delimiter (",", ";", "tab", "|").
// Lines starting with '#' are comments.
func ParseMapping(text string) (Mapping, error) {
	m := Mapping{Fields: map[string]string{}}
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		for _, entry := range splitEntries(line) {
			k, v, ok := strings.Cut(entry, "=")
			k, v = strings.TrimSpace(k), strings.TrimSpace(v)
			if !ok || k == "" {
				return Mapping{}, errors.New("mapping entry " + event.Quote(entry) + " is not field=column")
			}
			switch k {
			case "@timestamp", "@time":
				m.Time = v
			case "@time_format":
				m.TimeFormat = v
			case "@kind":
				m.Kind = v
			case "@host":
				m.Host = v
			case "@delimiter":
				switch v {
				case ",", "":
					m.Comma = ','
				case ";", "|":
					m.Comma = v[0]
				case "tab", `\t`:
					m.Comma = '\t'
				default:
					return Mapping{}, errors.New("unsupported delimiter " + event.Quote(v))
				}
			default:
				if _, _, _, ok := event.Lookup(k); !ok {
					return Mapping{}, errors.New("unknown normalised field " + event.Quote(k))
				}
				m.Fields[k] = v
			}
		}
	}
	if m.Time == "" {
		return Mapping{}, errors.New("mapping names no @timestamp column")
	}
	return m, nil
}

// splitEntries splits a line of entries at commas that start a new
// "field=" entry, so that a column name may itself hold a comma only if
// it is the last entry.
func splitEntries(line string) []string {
	if strings.Count(line, "=") <= 1 {
		return []string{line}
	}
	return strings.Split(line, ",")
}

// aliases are the header names, folded (lower case, without spaces, '_',
// '-' and '.'), that the automatic mapping recognises, by field. The
// nfdump CSV names (sa, da, sp, dp, pr, ibyt, …) are among them.
var aliases = map[string][]string{
	"@timestamp":          {"timestamp", "ts", "time", "datetime", "eventtime", "starttime", "firstseen", "date", "receivetime", "generatedtime", "logtime"},
	"source.ip":           {"sourceip", "srcip", "srcaddr", "sourceaddress", "src", "sa", "clientip", "cip", "srcipaddr", "origh", "idorigh"},
	"destination.ip":      {"destinationip", "dstip", "dstaddr", "destinationaddress", "dst", "da", "destip", "serverip", "dstipaddr", "resph", "idresph"},
	"source.port":         {"sourceport", "srcport", "sport", "sp", "origp", "idorigp", "clientport"},
	"destination.port":    {"destinationport", "dstport", "dport", "dp", "destport", "respp", "idrespp", "serverport"},
	"network.transport":   {"transport", "protocol", "proto", "pr", "ipprotocol"},
	"source.bytes":        {"sourcebytes", "srcbytes", "ibyt", "bytessent", "sentbytes", "sentbyte", "origbytes", "bytesout"},
	"destination.bytes":   {"destinationbytes", "dstbytes", "obyt", "bytesreceived", "receivedbytes", "rcvdbyte", "respbytes", "bytesin"},
	"source.packets":      {"sourcepackets", "srcpackets", "ipkt", "packetssent", "sentpkt", "origpkts"},
	"destination.packets": {"destinationpackets", "dstpackets", "opkt", "packetsreceived", "rcvdpkt", "resppkts"},
	"event.duration":      {"duration", "td", "elapsed", "elapsedtime"},
	"event.action":        {"action", "act", "disposition"},
	"rule.name":           {"rule", "rulename", "policy", "policyname"},
	"user.name":           {"user", "username", "srcuser", "sourceuser"},
	"url.full":            {"url", "requesturl", "uri"},
	"dns.question.name":   {"query", "qname", "dnsquery", "questionname"},
	"tls.server_name":     {"sni", "servername"},
	"user_agent.original": {"useragent", "ua"},
}

// fold reduces a header name to the form aliases use.
func fold(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'A' && c <= 'Z':
			b = append(b, c+'a'-'A')
		case c == ' ' || c == '_' || c == '-' || c == '.' || c == '"' || c == '#':
		default:
			b = append(b, c)
		}
	}
	return string(b)
}

// Auto builds a mapping from a header by the names columns usually have.
// It reports false when the header names no time column or no address.
func Auto(header []string) (Mapping, bool) {
	m := Mapping{Fields: map[string]string{}}
	folded := make(map[string]string, len(header))
	for _, h := range header {
		f := fold(h)
		if _, dup := folded[f]; !dup {
			folded[f] = h
		}
	}
	for field, names := range aliases {
		for _, n := range names {
			if h, ok := folded[n]; ok {
				if field == "@timestamp" {
					m.Time = h
				} else {
					m.Fields[field] = h
				}
				break
			}
		}
	}
	// nfdump writes "te" (end) after "ts" (start) and "td" (duration).
	if _, ok := folded["te"]; ok && folded["ts"] != "" && folded["sa"] != "" {
		m.Kind = "netflow"
	}
	_, src := m.Fields["source.ip"]
	_, dst := m.Fields["destination.ip"]
	return m, m.Time != "" && (src || dst)
}
