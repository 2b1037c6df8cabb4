package ioc

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ReadList reads a plain list: one indicator per line, its type detected
// (defanged forms and full-width characters accepted). Blank lines and
// lines starting with # or // are skipped; text after " #" is a comment,
// kept as context.
func ReadList(r io.Reader, source string) (*Import, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	im := &Import{}
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if n == 1 {
			line = strings.TrimPrefix(line, "\uFEFF")
		}
		if !utf8.ValidString(line) {
			line = DecodeCharset([]byte(line), "")
		}
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, "//") {
			continue
		}
		comment := ""
		if i := strings.Index(line, " #"); i >= 0 {
			line, comment = strings.TrimSpace(line[:i]), strings.TrimSpace(line[i+2:])
		} else if i := strings.Index(line, "\t#"); i >= 0 {
			line, comment = strings.TrimSpace(line[:i]), strings.TrimSpace(line[i+2:])
		}
		in, err := Parse(line)
		if err != nil {
			im.skip("line %d: %v", n, err)
			continue
		}
		in.Source = source
		in.Context = comment
		im.Indicators = append(im.Indicators, in)
	}
	if err := sc.Err(); err != nil {
		return im, fmt.Errorf("read list: line %d: %w", n+1, err)
	}
	return im, nil
}

// CSVMapping names the CSV columns (by header name, case-insensitive, or
// 1-based number) that hold each property. Only Value is required; without
// Type each value's type is detected.
type CSVMapping struct {
	Value, Type, Source, Confidence, TLP, Tags, Campaign, FirstSeen, LastSeen, Expires, Context string
}

// ParseCSVMapping reads "value=ioc,type=kind,tlp=marking" as a mapping.
func ParseCSVMapping(s string) (CSVMapping, error) {
	var m CSVMapping
	for kv := range strings.SplitSeq(s, ",") {
		kv = strings.TrimSpace(kv)
		if kv == "" {
			continue
		}
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return m, fmt.Errorf("csv mapping %q: want property=column", kv)
		}
		v = strings.TrimSpace(v)
		switch strings.ToLower(strings.TrimSpace(k)) {
		case "value":
			m.Value = v
		case "type":
			m.Type = v
		case "source":
			m.Source = v
		case "confidence":
			m.Confidence = v
		case "tlp":
			m.TLP = v
		case "tags":
			m.Tags = v
		case "campaign":
			m.Campaign = v
		case "first_seen", "first-seen", "firstseen":
			m.FirstSeen = v
		case "last_seen", "last-seen", "lastseen":
			m.LastSeen = v
		case "expires", "valid_until":
			m.Expires = v
		case "context", "comment", "description":
			m.Context = v
		default:
			return m, fmt.Errorf("csv mapping: unknown property %q", k)
		}
	}
	return m, nil
}

// guess fills unset columns from common header names.
func (m *CSVMapping) guess(header []string) {
	pick := func(dst *string, names ...string) {
		if *dst != "" {
			return
		}
		for _, h := range header {
			for _, n := range names {
				if strings.EqualFold(strings.TrimSpace(h), n) {
					*dst = h
					return
				}
			}
		}
	}
	pick(&m.Value, "value", "indicator", "ioc", "observable", "ioc_value", "data")
	pick(&m.Type, "type", "indicator_type", "ioc_type", "kind")
	pick(&m.Source, "source", "feed", "provider")
	pick(&m.Confidence, "confidence", "score")
	pick(&m.TLP, "tlp", "marking")
	pick(&m.Tags, "tags", "labels")
	pick(&m.Campaign, "campaign", "threat_actor", "actor", "malware", "malware_family")
	pick(&m.FirstSeen, "first_seen", "firstseen", "first seen", "first_seen_utc")
	pick(&m.LastSeen, "last_seen", "lastseen", "last seen", "last_online")
	pick(&m.Expires, "expires", "valid_until", "expiry")
	pick(&m.Context, "comment", "description", "context", "reference")
}

// ReadCSV reads indicators from CSV with a header row, taking each property
// from the column the mapping names (unset ones are guessed from header
// names). Comma, semicolon and tab separators are recognised.
func ReadCSV(r io.Reader, source string, m CSVMapping) (*Import, error) {
	br := bufio.NewReader(r)
	head, _ := br.Peek(4096)
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = true
	if line, _, _ := bytes.Cut(head, []byte("\n")); bytes.Count(line, []byte(";")) > bytes.Count(line, []byte(",")) {
		cr.Comma = ';'
	} else if bytes.Count(line, []byte("\t")) > bytes.Count(line, []byte(",")) {
		cr.Comma = '\t'
	}
	cr.Comment = '#'
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("read csv header: %w", err)
	}
	header = append([]string(nil), header...)
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\uFEFF")
	}
	m.guess(header)
	col := func(name string) (int, error) {
		if name == "" {
			return -1, nil
		}
		for i, h := range header {
			if strings.EqualFold(strings.TrimSpace(h), name) {
				return i, nil
			}
		}
		if n, err := strconv.Atoi(name); err == nil && n >= 1 && n <= len(header) {
			return n - 1, nil
		}
		return -1, fmt.Errorf("csv: no column %q (header: %s)", name, strings.Join(header, ", "))
	}
	var idx [11]int
	for i, name := range []string{m.Value, m.Type, m.Source, m.Confidence, m.TLP, m.Tags, m.Campaign, m.FirstSeen, m.LastSeen, m.Expires, m.Context} {
		if idx[i], err = col(name); err != nil {
			return nil, err
		}
	}
	if idx[0] < 0 {
		return nil, errors.New("csv: no value column: name it with a mapping such as value=indicator")
	}
	get := func(rec []string, k int) string {
		if idx[k] < 0 || idx[k] >= len(rec) {
			return ""
		}
		return strings.TrimSpace(rec[idx[k]])
	}
	im := &Import{}
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			im.skip("line %d: %v", line, err)
			continue
		}
		v := get(rec, 0)
		if v == "" {
			continue
		}
		var in Indicator
		if ts := get(rec, 1); ts != "" {
			t, terr := ParseType(ts)
			if terr != nil {
				// Types from other tools: fall back to detection.
				in, err = Parse(v)
			} else {
				in, err = New(t, Refang(v))
				in.Original = v
			}
		} else {
			in, err = Parse(v)
		}
		if err != nil {
			im.skip("line %d: %v", line, err)
			continue
		}
		in.Source = source
		if s := get(rec, 2); s != "" {
			in.Source = s
		}
		if c := get(rec, 3); c != "" {
			if n, err := strconv.Atoi(c); err == nil && n >= 0 && n <= 100 {
				in.Confidence = n
			}
		}
		if t := get(rec, 4); t != "" {
			if tl, err := ParseTLP(t); err == nil {
				in.TLP = tl
			} else {
				im.skip("line %d: %v (TLP left unset)", line, err)
			}
		}
		if tg := get(rec, 5); tg != "" {
			for t := range strings.FieldsFuncSeq(tg, func(r rune) bool { return r == ',' || r == ';' || r == '|' }) {
				if t = strings.TrimSpace(t); t != "" {
					in.Tags = append(in.Tags, t)
				}
			}
		}
		in.Campaign = get(rec, 6)
		in.FirstSeen = parseTime(get(rec, 7))
		in.LastSeen = parseTime(get(rec, 8))
		in.Expires = parseTime(get(rec, 9))
		in.Context = clip(get(rec, 10))
		im.Indicators = append(im.Indicators, in)
	}
	return im, nil
}

// Sniff tells the format of indicator input from its first bytes: "stix",
// "misp", "csv", "mail" or "list".
func Sniff(head []byte) string {
	h := bytes.TrimSpace(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")))
	if len(h) > 0 && (h[0] == '{' || h[0] == '[') {
		s := string(h)
		switch {
		case strings.Contains(s, `"Event"`) || strings.Contains(s, `"Attribute"`) || strings.Contains(s, `"response"`):
			return "misp"
		case strings.Contains(s, `"type"`) && (strings.Contains(s, `"bundle"`) || strings.Contains(s, `"spec_version"`) || strings.Contains(s, `"pattern"`)):
			return "stix"
		}
	}
	first, _, _ := bytes.Cut(h, []byte("\n"))
	lower := strings.ToLower(string(first))
	for _, hdr := range []string{"received:", "return-path:", "from:", "message-id:", "mime-version:", "date:", "subject:", "delivered-to:", "x-"} {
		if strings.HasPrefix(lower, hdr) {
			return "mail"
		}
	}
	if (strings.Count(lower, ",") >= 1 || strings.Count(lower, ";") >= 1) && (strings.Contains(lower, "value") ||
		strings.Contains(lower, "indicator") || strings.Contains(lower, "ioc") || strings.Contains(lower, "type")) {
		return "csv"
	}
	return "list"
}
