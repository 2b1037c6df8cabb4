package ioc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

// MISPOptions tune MISP import.
type MISPOptions struct {
	// AllAttributes also imports attributes whose to_ids flag is off
	// (context rather than detection data); they are flagged.
	AllAttributes bool
}

// flexBool reads true, false, 1, 0, "1", "0", "true", "false".
type flexBool bool

func (b *flexBool) UnmarshalJSON(p []byte) error {
	s := strings.Trim(strings.TrimSpace(string(p)), `"`)
	*b = flexBool(s == "1" || strings.EqualFold(s, "true"))
	return nil
}

// flexString reads a string or a number as text.
type flexString string

func (f *flexString) UnmarshalJSON(p []byte) error {
	if len(p) > 0 && p[0] == '"' {
		var s string
		if err := json.Unmarshal(p, &s); err != nil {
			return err
		}
		*f = flexString(s)
		return nil
	}
	if bytes.Equal(p, []byte("null")) {
		*f = ""
		return nil
	}
	*f = flexString(strings.TrimSpace(string(p)))
	return nil
}

type mispTag struct {
	Name string `json:"name"`
}

type mispAttribute struct {
	Type      string     `json:"type"`
	Category  string     `json:"category"`
	Value     string     `json:"value"`
	ToIDS     flexBool   `json:"to_ids"`
	Deleted   flexBool   `json:"deleted"`
	Comment   string     `json:"comment"`
	UUID      string     `json:"uuid"`
	Timestamp flexString `json:"timestamp"`
	FirstSeen flexString `json:"first_seen"`
	LastSeen  flexString `json:"last_seen"`
	Tag       []mispTag  `json:"Tag"`
}

type mispEvent struct {
	Info          string     `json:"info"`
	UUID          string     `json:"uuid"`
	Date          string     `json:"date"`
	Timestamp     flexString `json:"timestamp"`
	ThreatLevelID flexString `json:"threat_level_id"`
	Orgc          struct {
		Name string `json:"name"`
	} `json:"Orgc"`
	Tag       []mispTag       `json:"Tag"`
	Attribute []mispAttribute `json:"Attribute"`
	Object    []struct {
		Name      string          `json:"name"`
		Comment   string          `json:"comment"`
		Deleted   flexBool        `json:"deleted"`
		Attribute []mispAttribute `json:"Attribute"`
	} `json:"Object"`
	Galaxy []struct {
		Type          string `json:"type"`
		GalaxyCluster []struct {
			Value string `json:"value"`
			Type  string `json:"type"`
		} `json:"GalaxyCluster"`
	} `json:"Galaxy"`
}

// ReadMISP reads MISP event JSON: {"Event": …}, {"response": [{"Event": …}]},
// a list of those, or a bare event. Attributes without to_ids are skipped
// unless opt.AllAttributes; deleted ones always are.
func ReadMISP(r io.Reader, source string, opt MISPOptions) (*Import, error) {
	raw, err := io.ReadAll(io.LimitReader(r, 512<<20))
	if err != nil {
		return nil, fmt.Errorf("read misp: %w", err)
	}
	events, err := decodeMISPEvents(raw)
	if err != nil {
		return nil, fmt.Errorf("read misp: %w", err)
	}
	im := &Import{}
	for i := range events {
		mispEventIndicators(&events[i], source, opt, im)
	}
	return im, nil
}

func decodeMISPEvents(raw []byte) ([]mispEvent, error) {
	type wrapped struct {
		Event *mispEvent `json:"Event"`
	}
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return nil, fmt.Errorf("empty input")
	}
	if raw[0] == '[' {
		var list []wrapped
		if err := json.Unmarshal(raw, &list); err != nil {
			return nil, err
		}
		var out []mispEvent
		for _, w := range list {
			if w.Event != nil {
				out = append(out, *w.Event)
			}
		}
		return out, nil
	}
	var top struct {
		Event     *mispEvent      `json:"Event"`
		Response  []wrapped       `json:"response"`
		Attribute json.RawMessage `json:"Attribute"`
	}
	if err := json.Unmarshal(raw, &top); err != nil {
		return nil, err
	}
	switch {
	case top.Event != nil:
		return []mispEvent{*top.Event}, nil
	case top.Response != nil:
		var out []mispEvent
		for _, w := range top.Response {
			if w.Event != nil {
				out = append(out, *w.Event)
			}
		}
		return out, nil
	case top.Attribute != nil:
		var ev mispEvent
		if err := json.Unmarshal(raw, &ev); err != nil {
			return nil, err
		}
		return []mispEvent{ev}, nil
	}
	return nil, fmt.Errorf("no MISP event (want Event, response or Attribute)")
}

func mispEventIndicators(ev *mispEvent, source string, opt MISPOptions, im *Import) {
	src := source
	if ev.Orgc.Name != "" {
		src = ev.Orgc.Name
	}
	tlp, tags, campaign := mispTags(ev.Tag)
	for _, g := range ev.Galaxy {
		for _, c := range g.GalaxyCluster {
			if campaign == "" && (g.Type == "threat-actor" || g.Type == "campaign" || g.Type == "intrusion-set") {
				campaign = c.Value
			}
		}
	}
	if campaign == "" {
		campaign = ev.Info
	}
	conf := 0
	switch string(ev.ThreatLevelID) {
	case "1":
		conf = 85
	case "2":
		conf = 70
	case "3":
		conf = 50
	}
	evTime := parseTime(ev.Date)
	do := func(a *mispAttribute, object string) {
		if a.Deleted {
			return
		}
		if !bool(a.ToIDS) && !opt.AllAttributes {
			im.skip("%s %s: to_ids is off", a.Type, clip(a.Value))
			return
		}
		atlp, atags, _ := mispTags(a.Tag)
		ins, err := mispAttributeIndicators(a.Type, a.Value)
		if err != nil {
			im.skip("%s %s: %v", a.Type, clip(a.Value), err)
			return
		}
		for _, in := range ins {
			in.Source = src
			in.TLP = tlp.Stricter(atlp)
			in.Tags = append(append(append([]string{}, tags...), atags...), "misp:"+a.Category)
			in.Campaign = campaign
			in.Confidence = conf
			in.FirstSeen = mispTime(a.FirstSeen)
			if in.FirstSeen.IsZero() {
				in.FirstSeen = evTime
			}
			in.LastSeen = mispTime(a.LastSeen)
			if in.LastSeen.IsZero() {
				in.LastSeen = mispTime(a.Timestamp)
			}
			var parts []string
			if in.Context != "" {
				parts = append(parts, in.Context)
			}
			if object != "" {
				parts = append(parts, "object "+object)
			}
			if a.Comment != "" {
				parts = append(parts, a.Comment)
			}
			in.Context = clipN(strings.Join(parts, "; "), 200)
			if !bool(a.ToIDS) {
				in.Verdict, in.Reason = VerdictFlag, "MISP to_ids is off: context, not detection data"
			}
			im.Indicators = append(im.Indicators, in)
		}
	}
	for i := range ev.Attribute {
		do(&ev.Attribute[i], "")
	}
	for _, o := range ev.Object {
		if o.Deleted {
			continue
		}
		name := o.Name
		if o.Comment != "" {
			name += ": " + o.Comment
		}
		for i := range o.Attribute {
			do(&o.Attribute[i], name)
		}
	}
}

// mispTags reads TLP, plain tags and a threat actor or campaign from MISP
// tags.
func mispTags(tags []mispTag) (TLP, []string, string) {
	var tlp TLP
	var out []string
	campaign := ""
	for _, t := range tags {
		n := strings.TrimSpace(t.Name)
		l := strings.ToLower(n)
		switch {
		case strings.HasPrefix(l, "tlp:"):
			if v, err := ParseTLP(n); err == nil {
				tlp = tlp.Stricter(v)
			}
		case strings.HasPrefix(l, "misp-galaxy:threat-actor=") || strings.HasPrefix(l, "misp-galaxy:campaign="):
			_, v, _ := strings.Cut(n, "=")
			campaign = strings.Trim(v, `"`)
			out = append(out, n)
		case n != "":
			out = append(out, n)
		}
	}
	return tlp, out, campaign
}

func mispTime(s flexString) time.Time {
	v := strings.TrimSpace(string(s))
	if v == "" {
		return time.Time{}
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil && n > 0 {
		return time.Unix(n, 0).UTC()
	}
	return parseTime(v)
}

// mispAttributeIndicators maps a MISP attribute type and value, composite
// types included, to indicators.
func mispAttributeIndicators(typ, value string) ([]Indicator, error) {
	value = strings.TrimSpace(value)
	one := func(t Type, v string, ctx string) ([]Indicator, error) {
		in, err := New(t, v)
		if err != nil {
			return nil, err
		}
		in.Context = ctx
		return []Indicator{in}, nil
	}
	ip := func(v, ctx string) ([]Indicator, error) {
		t, err := Detect(v)
		if err != nil {
			return nil, err
		}
		if t != IPv4 && t != IPv6 && t != CIDR {
			return nil, fmt.Errorf("not an IP address or prefix")
		}
		return one(t, v, ctx)
	}
	left, right, composite := strings.Cut(value, "|")
	switch typ {
	case "ip-dst", "ip-src":
		return ip(value, "")
	case "ip-dst|port", "ip-src|port":
		if !composite {
			return nil, fmt.Errorf("want ip|port")
		}
		return ip(left, "port "+right)
	case "domain", "hostname":
		return one(Domain, value, "")
	case "hostname|port":
		if !composite {
			return nil, fmt.Errorf("want hostname|port")
		}
		return one(Domain, left, "port "+right)
	case "domain|ip":
		if !composite {
			return nil, fmt.Errorf("want domain|ip")
		}
		d, err := one(Domain, left, "resolves to "+right)
		if err != nil {
			return nil, err
		}
		if i, err := ip(right, "address of "+left); err == nil {
			d = append(d, i...)
		}
		return d, nil
	case "url":
		return one(URL, value, "")
	case "md5", "sha1", "sha256":
		t, _ := ParseType(typ)
		return one(t, value, "")
	case "filename|md5", "filename|sha1", "filename|sha256":
		if !composite {
			return nil, fmt.Errorf("want filename|hash")
		}
		t, _ := ParseType(strings.TrimPrefix(typ, "filename|"))
		h, err := one(t, right, "file name "+left)
		if err != nil {
			return nil, err
		}
		if f, err := one(Filename, left, "file with "+string(t)+" "+strings.ToLower(right)); err == nil {
			h = append(h, f...)
		}
		return h, nil
	case "filename":
		return one(Filename, value, "")
	case "email", "email-src", "email-dst", "email-reply-to", "whois-registrant-email":
		return one(Email, value, "")
	case "user-agent":
		return one(UserAgent, value, "")
	}
	return nil, fmt.Errorf("attribute type %q is not matched by firebreak", typ)
}

// ReadMISPFeed reads a MISP feed directory: manifest.json naming the events
// and one <uuid>.json file per event. Without a manifest every .json file
// is read. Event names from the manifest are checked to be plain UUIDs, so
// a hostile manifest cannot name files outside the feed.
func ReadMISPFeed(fsys fs.FS, source string, opt MISPOptions) (*Import, error) {
	var files []string
	man, err := fs.ReadFile(fsys, "manifest.json")
	switch {
	case err == nil:
		var m map[string]json.RawMessage
		if err := json.Unmarshal(man, &m); err != nil {
			return nil, fmt.Errorf("read misp feed manifest: %w", err)
		}
		for id := range m {
			if !isUUIDish(id) {
				return nil, fmt.Errorf("read misp feed manifest: bad event name %q", clip(id))
			}
			files = append(files, id+".json")
		}
	default:
		ents, err := fs.ReadDir(fsys, ".")
		if err != nil {
			return nil, fmt.Errorf("read misp feed: %w", err)
		}
		for _, e := range ents {
			if !e.IsDir() && path.Ext(e.Name()) == ".json" && e.Name() != "manifest.json" {
				files = append(files, e.Name())
			}
		}
	}
	sort.Strings(files)
	im := &Import{}
	for _, f := range files {
		fh, err := fsys.Open(f)
		if err != nil {
			im.skip("%s: %v", f, err)
			continue
		}
		one, err := ReadMISP(fh, source, opt)
		_ = fh.Close()
		if err != nil {
			im.skip("%s: %v", f, err)
			continue
		}
		im.Indicators = append(im.Indicators, one.Indicators...)
		im.Skipped = append(im.Skipped, one.Skipped...)
	}
	return im, nil
}

func isUUIDish(s string) bool {
	if len(s) < 8 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' || c == '-') {
			return false
		}
	}
	return true
}
