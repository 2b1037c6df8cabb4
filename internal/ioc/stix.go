package ioc

import (
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
)

// Import is the result of reading indicators from a source.
type Import struct {
	Indicators []Indicator
	// Skipped explains each entry that did not become an indicator.
	Skipped []string
}

func (im *Import) skip(format string, args ...any) {
	if len(im.Skipped) < 10000 {
		im.Skipped = append(im.Skipped, fmt.Sprintf(format, args...))
	}
}

// The TLP marking definitions that STIX 2.1 and the OASIS TLP 2.0
// extension publish under fixed identifiers.
func tlpMarkingIDs() map[string]TLP {
	return map[string]TLP{
		"marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9": TLPClear, // TLP 1.0 WHITE
		"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da": TLPGreen,
		"marking-definition--f88d31f6-486f-44da-b317-01333bde0b82": TLPAmber,
		"marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed": TLPRed,
		"marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487": TLPClear, // TLP 2.0
		"marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb": TLPGreen,
		"marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421": TLPAmber,
		"marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003": TLPAmberStrict,
		"marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1": TLPRed,
	}
}

// TLPMarkingID returns the published STIX identifier of a TLP 2.0 marking.
func TLPMarkingID(t TLP) string {
	switch t {
	case TLPClear:
		return "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"
	case TLPGreen:
		return "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"
	case TLPAmber:
		return "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"
	case TLPAmberStrict:
		return "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003"
	case TLPRed:
		return "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"
	}
	return ""
}

type stixObject struct {
	Type              string                     `json:"type"`
	ID                string                     `json:"id"`
	SpecVersion       string                     `json:"spec_version"`
	Name              string                     `json:"name"`
	Description       string                     `json:"description"`
	Pattern           string                     `json:"pattern"`
	PatternType       string                     `json:"pattern_type"`
	ValidFrom         string                     `json:"valid_from"`
	ValidUntil        string                     `json:"valid_until"`
	Created           string                     `json:"created"`
	Modified          string                     `json:"modified"`
	FirstObserved     string                     `json:"first_observed"`
	LastObserved      string                     `json:"last_observed"`
	Labels            []string                   `json:"labels"`
	IndicatorTypes    []string                   `json:"indicator_types"`
	Confidence        *int                       `json:"confidence"`
	CreatedByRef      string                     `json:"created_by_ref"`
	ObjectMarkingRefs []string                   `json:"object_marking_refs"`
	ObjectRefs        []string                   `json:"object_refs"`
	Objects           map[string]json.RawMessage `json:"objects"` // observed-data, deprecated form
	Revoked           bool                       `json:"revoked"`
	// marking-definition
	DefinitionType string          `json:"definition_type"`
	Definition     json.RawMessage `json:"definition"`
	Extensions     json.RawMessage `json:"extensions"`
	// relationship
	RelationshipType string `json:"relationship_type"`
	SourceRef        string `json:"source_ref"`
	TargetRef        string `json:"target_ref"`
	// SCOs
	Value  string            `json:"value"`
	Hashes map[string]string `json:"hashes"`
}

// ReadSTIX reads a STIX 2.1 bundle (or a single object, or a JSON array of
// objects): indicators with STIX patterns, observed-data and the SCOs they
// reference, SCOs at the top level, marking definitions (TLP by published
// identifier, by TLP 2.0 extension, or by name), identities as sources,
// campaigns and intrusion sets through "indicates" relationships. Revoked
// indicators and other pattern languages are skipped with a reason.
func ReadSTIX(r io.Reader, source string) (*Import, error) {
	raw, err := io.ReadAll(io.LimitReader(r, 512<<20))
	if err != nil {
		return nil, fmt.Errorf("read stix: %w", err)
	}
	var objs []stixObject
	var probe struct {
		Type    string       `json:"type"`
		Objects []stixObject `json:"objects"`
	}
	trimmed := strings.TrimSpace(string(raw))
	switch {
	case strings.HasPrefix(trimmed, "["):
		if err := json.Unmarshal(raw, &objs); err != nil {
			return nil, fmt.Errorf("read stix: %w", err)
		}
	default:
		if err := json.Unmarshal(raw, &probe); err != nil {
			return nil, fmt.Errorf("read stix: %w", err)
		}
		if probe.Type == "bundle" {
			objs = probe.Objects
		} else {
			var one stixObject
			if err := json.Unmarshal(raw, &one); err != nil {
				return nil, fmt.Errorf("read stix: %w", err)
			}
			if one.Type == "" {
				return nil, fmt.Errorf("read stix: not a STIX bundle or object")
			}
			objs = []stixObject{one}
		}
	}
	byID := map[string]*stixObject{}
	tlps := tlpMarkingIDs()
	names := map[string]string{} // identity/campaign id → name
	for i := range objs {
		o := &objs[i]
		byID[o.ID] = o
		switch o.Type {
		case "marking-definition":
			if t := markingTLP(o); t != "" {
				tlps[o.ID] = t
			}
		case "identity", "campaign", "intrusion-set", "threat-actor", "malware":
			names[o.ID] = o.Name
		}
	}
	campaigns := map[string]string{} // indicator id → campaign
	for i := range objs {
		o := &objs[i]
		if o.Type == "relationship" && o.RelationshipType == "indicates" {
			if t := byID[o.TargetRef]; t != nil && (t.Type == "campaign" || t.Type == "intrusion-set" || t.Type == "malware" || t.Type == "threat-actor") {
				if campaigns[o.SourceRef] == "" {
					campaigns[o.SourceRef] = t.Name
				}
			}
		}
	}
	im := &Import{}
	base := func(o *stixObject) Indicator {
		in := Indicator{Source: source, Campaign: campaigns[o.ID]}
		if n := names[o.CreatedByRef]; n != "" {
			in.Source = n
		}
		for _, ref := range o.ObjectMarkingRefs {
			in.TLP = in.TLP.Stricter(tlps[ref])
		}
		if o.Confidence != nil && *o.Confidence >= 0 && *o.Confidence <= 100 {
			in.Confidence = *o.Confidence
		}
		in.Tags = append(append(in.Tags, o.IndicatorTypes...), o.Labels...)
		return in
	}
	seenSCO := map[string]bool{}
	for i := range objs {
		o := &objs[i]
		switch o.Type {
		case "indicator":
			if o.Revoked {
				im.skip("%s: revoked", o.ID)
				continue
			}
			if o.PatternType != "" && o.PatternType != "stix" {
				im.skip("%s: pattern language %q is not STIX", o.ID, o.PatternType)
				continue
			}
			p, err := ParsePattern(o.Pattern)
			if err != nil {
				im.skip("%s: %v", o.ID, err)
				continue
			}
			terms := p.Terms()
			if len(terms) == 0 {
				im.skip("%s: no exact value to match in %s", o.ID, clip(o.Pattern))
				continue
			}
			for _, t := range terms {
				in, err := New(t.Type, t.Value)
				if err != nil {
					if dt, derr := Detect(t.Value); derr == nil {
						in, err = New(dt, t.Value)
					}
				}
				if err != nil {
					im.skip("%s: %v", o.ID, err)
					continue
				}
				b := base(o)
				in.Source, in.TLP, in.Confidence, in.Tags, in.Campaign = b.Source, b.TLP, b.Confidence, b.Tags, b.Campaign
				in.FirstSeen = parseTime(o.ValidFrom)
				in.Expires = parseTime(o.ValidUntil)
				ctx := o.Name
				if len(t.With) > 0 {
					ctx = strings.TrimSpace(ctx + " (pattern also requires " + strings.Join(t.With, " AND ") + ")")
				}
				in.Context = clip(ctx)
				im.Indicators = append(im.Indicators, in)
			}
		case "observed-data":
			b := base(o)
			first, last := parseTime(o.FirstObserved), parseTime(o.LastObserved)
			add := func(sco *stixObject) {
				for _, in := range scoIndicators(sco) {
					in.Source, in.TLP, in.Confidence, in.Tags, in.Campaign = b.Source, b.TLP, b.Confidence, b.Tags, b.Campaign
					in.FirstSeen, in.LastSeen = first, last
					in.Context = "observed-data " + o.ID
					im.Indicators = append(im.Indicators, in)
				}
			}
			for _, ref := range o.ObjectRefs {
				if sco := byID[ref]; sco != nil {
					seenSCO[ref] = true
					add(sco)
				}
			}
			for _, rawObj := range o.Objects {
				var sco stixObject
				if json.Unmarshal(rawObj, &sco) == nil {
					add(&sco)
				}
			}
		}
	}
	// SCOs not referenced by observed-data: a bundle of plain observables.
	for i := range objs {
		o := &objs[i]
		if seenSCO[o.ID] {
			continue
		}
		for _, in := range scoIndicators(o) {
			b := base(o)
			in.Source, in.TLP = b.Source, b.TLP
			in.Context = o.ID
			im.Indicators = append(im.Indicators, in)
		}
	}
	return im, nil
}

// scoIndicators turns a STIX cyber-observable into indicators.
func scoIndicators(o *stixObject) []Indicator {
	var out []Indicator
	add := func(t Type, v string) {
		if v == "" {
			return
		}
		if (t == IPv4 || t == IPv6) && strings.Contains(v, "/") {
			t = CIDR
		}
		if in, err := New(t, v); err == nil {
			out = append(out, in)
		}
	}
	switch o.Type {
	case "ipv4-addr":
		add(IPv4, o.Value)
	case "ipv6-addr":
		add(IPv6, o.Value)
	case "domain-name":
		add(Domain, o.Value)
	case "url":
		add(URL, o.Value)
	case "email-addr":
		add(Email, o.Value)
	case "file", "artifact":
		for k, v := range o.Hashes {
			switch strings.ToUpper(strings.ReplaceAll(k, "-", "")) {
			case "MD5":
				add(MD5, v)
			case "SHA1":
				add(SHA1, v)
			case "SHA256":
				add(SHA256, v)
			}
		}
		if o.Type == "file" {
			add(Filename, o.Name)
		}
	}
	return out
}

// markingTLP reads a marking definition's TLP: TLP 1.0 definition_type
// "tlp", the TLP 2.0 extension property, or a "TLP:…" name.
func markingTLP(o *stixObject) TLP {
	if o.DefinitionType == "tlp" {
		var d struct {
			TLP string `json:"tlp"`
		}
		if json.Unmarshal(o.Definition, &d) == nil {
			if t, err := ParseTLP(d.TLP); err == nil {
				return t
			}
		}
	}
	if len(o.Extensions) > 0 {
		var ext map[string]struct {
			TLP string `json:"tlp_2_0"`
		}
		if json.Unmarshal(o.Extensions, &ext) == nil {
			for _, e := range ext {
				if t, err := ParseTLP(e.TLP); err == nil && t != "" {
					return t
				}
			}
		}
	}
	if strings.HasPrefix(strings.ToUpper(o.Name), "TLP:") {
		if t, err := ParseTLP(o.Name); err == nil {
			return t
		}
	}
	return ""
}

func parseTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}

// WriteSTIX writes indicators as a STIX 2.1 bundle: one indicator object
// per indicator with a STIX pattern, TLP 2.0 marking definitions for the
// levels used, and deterministic identifiers (the same indicator always
// gets the same id). The caller decides what may be shared; see TLP.
func WriteSTIX(inds []Indicator, now time.Time) ([]byte, error) {
	ts := now.UTC().Format("2006-01-02T15:04:05.000Z")
	type obj = map[string]any
	var objects []obj
	used := map[TLP]bool{}
	for _, in := range inds {
		pat, err := stixPattern(in)
		if err != nil {
			return nil, err
		}
		o := obj{
			"type":         "indicator",
			"spec_version": "2.1",
			"id":           "indicator--" + uuid5("firebreak-indicator:"+in.Key()),
			"created":      ts,
			"modified":     ts,
			"name":         string(in.Type) + " " + in.Value,
			"pattern":      pat,
			"pattern_type": "stix",
			"valid_from":   ts,
		}
		if !in.FirstSeen.IsZero() {
			o["valid_from"] = in.FirstSeen.UTC().Format("2006-01-02T15:04:05.000Z")
		}
		if !in.Expires.IsZero() {
			o["valid_until"] = in.Expires.UTC().Format("2006-01-02T15:04:05.000Z")
		}
		if in.Confidence > 0 {
			o["confidence"] = in.Confidence
		}
		labels := append([]string{}, in.Tags...)
		if in.Verdict == VerdictNeverBlock {
			labels = append(labels, "never-block")
		}
		if in.Campaign != "" {
			o["description"] = "campaign: " + in.Campaign
		}
		if len(labels) > 0 {
			o["labels"] = labels
		}
		if id := TLPMarkingID(in.TLP); id != "" {
			o["object_marking_refs"] = []string{id}
			used[in.TLP] = true
		}
		objects = append(objects, o)
	}
	for _, t := range []TLP{TLPClear, TLPGreen, TLPAmber, TLPAmberStrict, TLPRed} {
		if !used[t] {
			continue
		}
		objects = append([]obj{{
			"type":         "marking-definition",
			"spec_version": "2.1",
			"id":           TLPMarkingID(t),
			"created":      "2022-10-01T00:00:00.000Z",
			"name":         "TLP:" + string(t),
			"extensions": obj{"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d": obj{
				"extension_type": "property-extension",
				"tlp_2_0":        strings.ToLower(string(t)),
			}},
		}}, objects...)
	}
	bundle := obj{"type": "bundle", "id": "bundle--" + uuid5(fmt.Sprintf("firebreak-bundle:%d:%d", now.UnixNano(), len(inds))), "objects": objects}
	b, err := json.MarshalIndent(bundle, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("write stix: %w", err)
	}
	return b, nil
}

func stixPattern(in Indicator) (string, error) {
	q := "'" + strings.ReplaceAll(strings.ReplaceAll(in.Value, `\`, `\\`), `'`, `\'`) + "'"
	switch in.Type {
	case IPv4:
		return "[ipv4-addr:value = " + q + "]", nil
	case IPv6:
		return "[ipv6-addr:value = " + q + "]", nil
	case CIDR:
		if strings.Contains(in.Value, ":") {
			return "[ipv6-addr:value = " + q + "]", nil
		}
		return "[ipv4-addr:value = " + q + "]", nil
	case Domain:
		return "[domain-name:value = " + q + "]", nil
	case URL:
		return "[url:value = " + q + "]", nil
	case MD5:
		return "[file:hashes.MD5 = " + q + "]", nil
	case SHA1:
		return "[file:hashes.'SHA-1' = " + q + "]", nil
	case SHA256:
		return "[file:hashes.'SHA-256' = " + q + "]", nil
	case Filename:
		return "[file:name = " + q + "]", nil
	case Email:
		return "[email-addr:value = " + q + "]", nil
	case UserAgent:
		return "[network-traffic:extensions.'http-request-ext'.request_header.'User-Agent' = " + q + "]", nil
	}
	return "", fmt.Errorf("write stix: no pattern for type %q", in.Type)
}

// uuid5 derives a name-based UUID (RFC 9562 version 5 layout) from s.
func uuid5(s string) string {
	h := sha1.Sum([]byte("firebreak\x00" + s))
	h[6] = (h[6] & 0x0f) | 0x50
	h[8] = (h[8] & 0x3f) | 0x80
	x := hex.EncodeToString(h[:16])
	return x[0:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:32]
}
