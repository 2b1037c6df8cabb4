package ioc

import (
	"errors"
	"fmt"
	"strings"
)

// This file is a parser for STIX 2.1 patterning (STIX 2.1 part 9): the
// whole grammar is read (observation expressions with AND, OR and
// FOLLOWEDBY, qualifiers, comparison expressions with AND, OR, NOT and
// parentheses, every comparison operator and literal form) so that a
// pattern is either understood or refused with the position of the error.
// Terms then picks, from the comparisons, the exact values that can be
// matched as indicators.

// Pattern is a parsed STIX pattern.
type Pattern struct {
	Root *ObsExpr
}

// ObsExpr is an observation expression: a leaf holding a comparison
// expression in brackets, or two observation expressions joined by AND, OR
// or FOLLOWEDBY. Qualifiers (WITHIN, REPEATS, START/STOP) are kept as text.
type ObsExpr struct {
	Op          string // "", "AND", "OR", "FOLLOWEDBY"
	Left, Right *ObsExpr
	Comp        *CompExpr // leaf
	Qualifiers  []string
}

// CompExpr is a comparison expression: a single comparison, or two joined
// by AND or OR.
type CompExpr struct {
	Op          string // "", "AND", "OR"
	Left, Right *CompExpr
	Test        *Comparison
}

// Comparison is one property test, such as file:hashes.'SHA-256' = '…'.
type Comparison struct {
	Object   string   // the SCO type, such as "ipv4-addr"
	Path     []string // property path; list indexes as "[0]" or "[*]"
	Negated  bool
	Operator string // =, !=, <, <=, >, >=, IN, LIKE, MATCHES, ISSUBSET, ISSUPERSET, EXISTS
	Values   []Literal
}

// Literal is a constant in a pattern.
type Literal struct {
	Kind  string // string, int, float, bool, timestamp, hex, binary
	Value string // unescaped for strings
}

// PathString writes the comparison's object path as in the pattern.
func (c *Comparison) PathString() string {
	var b strings.Builder
	b.WriteString(c.Object)
	b.WriteByte(':')
	for i, p := range c.Path {
		if strings.HasPrefix(p, "[") {
			b.WriteString(p)
			continue
		}
		if i > 0 {
			b.WriteByte('.')
		}
		if isPlainIdent(p) {
			b.WriteString(p)
		} else {
			b.WriteString("'" + strings.ReplaceAll(strings.ReplaceAll(p, `\`, `\\`), `'`, `\'`) + "'")
		}
	}
	return b.String()
}

const maxPatternDepth = 100

// ParsePattern parses a STIX 2.1 pattern.
func ParsePattern(s string) (*Pattern, error) {
	if len(s) > 1<<20 {
		return nil, errors.New("stix pattern: longer than 1 MiB")
	}
	toks, err := lexPattern(s)
	if err != nil {
		return nil, fmt.Errorf("stix pattern: %w", err)
	}
	p := &patternParser{toks: toks, src: s}
	root, err := p.obsOr(0)
	if err != nil {
		return nil, fmt.Errorf("stix pattern: %w", err)
	}
	if !p.at(tkEOF) {
		return nil, fmt.Errorf("stix pattern: unexpected %s at offset %d", p.peek().text, p.peek().pos)
	}
	return &Pattern{Root: root}, nil
}

type tokKind int

const (
	tkEOF tokKind = iota
	tkLBrack
	tkRBrack
	tkLParen
	tkRParen
	tkComma
	tkColon
	tkDot
	tkOp    // = != < <= > >=
	tkIdent // identifiers and keywords
	tkString
	tkInt
	tkFloat
	tkTimestamp
	tkHex
	tkBinary
	tkStar
)

type token struct {
	kind tokKind
	text string // for strings, the unescaped value
	pos  int
}

func lexPattern(s string) ([]token, error) {
	var toks []token
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '[':
			toks = append(toks, token{tkLBrack, "[", i})
			i++
		case c == ']':
			toks = append(toks, token{tkRBrack, "]", i})
			i++
		case c == '(':
			toks = append(toks, token{tkLParen, "(", i})
			i++
		case c == ')':
			toks = append(toks, token{tkRParen, ")", i})
			i++
		case c == ',':
			toks = append(toks, token{tkComma, ",", i})
			i++
		case c == ':':
			toks = append(toks, token{tkColon, ":", i})
			i++
		case c == '.':
			toks = append(toks, token{tkDot, ".", i})
			i++
		case c == '*':
			toks = append(toks, token{tkStar, "*", i})
			i++
		case c == '=':
			toks = append(toks, token{tkOp, "=", i})
			i++
		case c == '!' || c == '<' || c == '>':
			if i+1 < len(s) && s[i+1] == '=' {
				toks = append(toks, token{tkOp, s[i : i+2], i})
				i += 2
			} else if c == '!' {
				return nil, fmt.Errorf("unexpected '!' at offset %d", i)
			} else {
				toks = append(toks, token{tkOp, s[i : i+1], i})
				i++
			}
		case c == '\'':
			v, n, err := lexString(s, i)
			if err != nil {
				return nil, err
			}
			toks = append(toks, token{tkString, v, i})
			i = n
		case (c == 't' || c == 'h' || c == 'b') && i+1 < len(s) && s[i+1] == '\'':
			v, n, err := lexString(s, i+1)
			if err != nil {
				return nil, err
			}
			k := map[byte]tokKind{'t': tkTimestamp, 'h': tkHex, 'b': tkBinary}[c]
			toks = append(toks, token{k, v, i})
			i = n
		case c >= '0' && c <= '9' || c == '-' || c == '+':
			j := i + 1
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			k := tkInt
			if j < len(s) && s[j] == '.' && j+1 < len(s) && s[j+1] >= '0' && s[j+1] <= '9' {
				k = tkFloat
				j++
				for j < len(s) && s[j] >= '0' && s[j] <= '9' {
					j++
				}
			}
			if j == i+1 && (c == '-' || c == '+') {
				return nil, fmt.Errorf("unexpected %q at offset %d", c, i)
			}
			toks = append(toks, token{k, s[i:j], i})
			i = j
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			j := i + 1
			for j < len(s) && (s[j] == '_' || s[j] == '-' || s[j] >= 'a' && s[j] <= 'z' || s[j] >= 'A' && s[j] <= 'Z' || s[j] >= '0' && s[j] <= '9') {
				j++
			}
			toks = append(toks, token{tkIdent, s[i:j], i})
			i = j
		default:
			return nil, fmt.Errorf("unexpected %q at offset %d", c, i)
		}
	}
	return append(toks, token{tkEOF, "end of pattern", len(s)}), nil
}

// lexString reads a quoted string starting at s[i] == '\”, with \' and \\
// escapes, returning the value and the offset after the closing quote.
func lexString(s string, i int) (string, int, error) {
	var b strings.Builder
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			if j+1 >= len(s) || (s[j+1] != '\'' && s[j+1] != '\\') {
				return "", 0, fmt.Errorf("bad escape in string at offset %d", j)
			}
			b.WriteByte(s[j+1])
			j++
		case '\'':
			return b.String(), j + 1, nil
		default:
			b.WriteByte(s[j])
		}
	}
	return "", 0, fmt.Errorf("unterminated string at offset %d", i)
}

type patternParser struct {
	toks []token
	i    int
	src  string
}

func (p *patternParser) peek() token { return p.toks[p.i] }
func (p *patternParser) at(k tokKind) bool {
	return p.toks[p.i].kind == k
}
func (p *patternParser) atKeyword(kw string) bool {
	t := p.toks[p.i]
	return t.kind == tkIdent && strings.EqualFold(t.text, kw)
}
func (p *patternParser) next() token {
	t := p.toks[p.i]
	if t.kind != tkEOF {
		p.i++
	}
	return t
}
func (p *patternParser) expect(k tokKind, what string) (token, error) {
	t := p.next()
	if t.kind != k {
		return t, fmt.Errorf("want %s, got %q at offset %d", what, t.text, t.pos)
	}
	return t, nil
}

// Observation expressions: FOLLOWEDBY binds loosest, then OR, then AND
// (STIX 2.1 9.5: AND before OR before FOLLOWEDBY).
func (p *patternParser) obsOr(depth int) (*ObsExpr, error) {
	return p.obsBinary(depth, []string{"FOLLOWEDBY", "OR", "AND"})
}

func (p *patternParser) obsBinary(depth int, ops []string) (*ObsExpr, error) {
	if depth > maxPatternDepth {
		return nil, errors.New("pattern nested too deeply")
	}
	if len(ops) == 0 {
		return p.obsQualified(depth)
	}
	left, err := p.obsBinary(depth+1, ops[1:])
	if err != nil {
		return nil, err
	}
	for p.atKeyword(ops[0]) {
		p.next()
		right, err := p.obsBinary(depth+1, ops[1:])
		if err != nil {
			return nil, err
		}
		left = &ObsExpr{Op: ops[0], Left: left, Right: right}
	}
	return left, nil
}

func (p *patternParser) obsQualified(depth int) (*ObsExpr, error) {
	var e *ObsExpr
	switch {
	case p.at(tkLBrack):
		p.next()
		c, err := p.compOr(depth + 1)
		if err != nil {
			return nil, err
		}
		if _, err := p.expect(tkRBrack, "]"); err != nil {
			return nil, err
		}
		e = &ObsExpr{Comp: c}
	case p.at(tkLParen):
		p.next()
		inner, err := p.obsOr(depth + 1)
		if err != nil {
			return nil, err
		}
		if _, err := p.expect(tkRParen, ")"); err != nil {
			return nil, err
		}
		e = inner
	default:
		t := p.peek()
		return nil, fmt.Errorf("want [ or (, got %q at offset %d", t.text, t.pos)
	}
	for {
		switch {
		case p.atKeyword("WITHIN"):
			p.next()
			n := p.next()
			if n.kind != tkInt && n.kind != tkFloat {
				return nil, fmt.Errorf("WITHIN wants a number at offset %d", n.pos)
			}
			if !p.atKeyword("SECONDS") {
				return nil, fmt.Errorf("WITHIN wants SECONDS at offset %d", p.peek().pos)
			}
			p.next()
			e.Qualifiers = append(e.Qualifiers, "WITHIN "+n.text+" SECONDS")
		case p.atKeyword("REPEATS"):
			p.next()
			n, err := p.expect(tkInt, "a count")
			if err != nil {
				return nil, err
			}
			if !p.atKeyword("TIMES") {
				return nil, fmt.Errorf("REPEATS wants TIMES at offset %d", p.peek().pos)
			}
			p.next()
			e.Qualifiers = append(e.Qualifiers, "REPEATS "+n.text+" TIMES")
		case p.atKeyword("START"):
			p.next()
			a, err := p.expect(tkTimestamp, "t'timestamp'")
			if err != nil {
				return nil, err
			}
			if !p.atKeyword("STOP") {
				return nil, fmt.Errorf("START wants STOP at offset %d", p.peek().pos)
			}
			p.next()
			b, err := p.expect(tkTimestamp, "t'timestamp'")
			if err != nil {
				return nil, err
			}
			e.Qualifiers = append(e.Qualifiers, "START t'"+a.text+"' STOP t'"+b.text+"'")
		default:
			return e, nil
		}
	}
}

// Comparison expressions: OR binds looser than AND.
func (p *patternParser) compOr(depth int) (*CompExpr, error) {
	if depth > maxPatternDepth {
		return nil, errors.New("pattern nested too deeply")
	}
	left, err := p.compAnd(depth + 1)
	if err != nil {
		return nil, err
	}
	for p.atKeyword("OR") {
		p.next()
		right, err := p.compAnd(depth + 1)
		if err != nil {
			return nil, err
		}
		left = &CompExpr{Op: "OR", Left: left, Right: right}
	}
	return left, nil
}

func (p *patternParser) compAnd(depth int) (*CompExpr, error) {
	left, err := p.compPrimary(depth + 1)
	if err != nil {
		return nil, err
	}
	for p.atKeyword("AND") {
		p.next()
		right, err := p.compPrimary(depth + 1)
		if err != nil {
			return nil, err
		}
		left = &CompExpr{Op: "AND", Left: left, Right: right}
	}
	return left, nil
}

func (p *patternParser) compPrimary(depth int) (*CompExpr, error) {
	if depth > maxPatternDepth {
		return nil, errors.New("pattern nested too deeply")
	}
	if p.at(tkLParen) {
		p.next()
		c, err := p.compOr(depth + 1)
		if err != nil {
			return nil, err
		}
		if _, err := p.expect(tkRParen, ")"); err != nil {
			return nil, err
		}
		return c, nil
	}
	if p.atKeyword("EXISTS") {
		p.next()
		obj, path, err := p.objectPath()
		if err != nil {
			return nil, err
		}
		return &CompExpr{Test: &Comparison{Object: obj, Path: path, Operator: "EXISTS"}}, nil
	}
	obj, path, err := p.objectPath()
	if err != nil {
		return nil, err
	}
	c := &Comparison{Object: obj, Path: path}
	if p.atKeyword("NOT") {
		p.next()
		c.Negated = true
	}
	t := p.next()
	switch {
	case t.kind == tkOp:
		c.Operator = t.text
		lit, err := p.literal()
		if err != nil {
			return nil, err
		}
		c.Values = []Literal{lit}
	case t.kind == tkIdent && strings.EqualFold(t.text, "IN"):
		c.Operator = "IN"
		if _, err := p.expect(tkLParen, "( after IN"); err != nil {
			return nil, err
		}
		for {
			lit, err := p.literal()
			if err != nil {
				return nil, err
			}
			c.Values = append(c.Values, lit)
			if p.at(tkComma) {
				p.next()
				continue
			}
			if _, err := p.expect(tkRParen, ") or ,"); err != nil {
				return nil, err
			}
			break
		}
	case t.kind == tkIdent && (strings.EqualFold(t.text, "LIKE") || strings.EqualFold(t.text, "MATCHES") ||
		strings.EqualFold(t.text, "ISSUBSET") || strings.EqualFold(t.text, "ISSUPERSET")):
		c.Operator = strings.ToUpper(t.text)
		s, err := p.expect(tkString, "a string")
		if err != nil {
			return nil, err
		}
		c.Values = []Literal{{Kind: "string", Value: s.text}}
	default:
		return nil, fmt.Errorf("want a comparison operator, got %q at offset %d", t.text, t.pos)
	}
	return &CompExpr{Test: c}, nil
}

func (p *patternParser) objectPath() (string, []string, error) {
	t, err := p.expect(tkIdent, "an object type")
	if err != nil {
		return "", nil, err
	}
	obj := t.text
	if _, err := p.expect(tkColon, ": after the object type"); err != nil {
		return "", nil, err
	}
	var path []string
	for {
		c := p.next()
		switch c.kind {
		case tkIdent, tkString:
			path = append(path, c.text)
		default:
			return "", nil, fmt.Errorf("want a property name, got %q at offset %d", c.text, c.pos)
		}
		for p.at(tkLBrack) {
			p.next()
			idx := p.next()
			if idx.kind != tkInt && idx.kind != tkStar {
				return "", nil, fmt.Errorf("want a list index or *, got %q at offset %d", idx.text, idx.pos)
			}
			if _, err := p.expect(tkRBrack, "]"); err != nil {
				return "", nil, err
			}
			path = append(path, "["+idx.text+"]")
		}
		if !p.at(tkDot) {
			return obj, path, nil
		}
		p.next()
	}
}

func (p *patternParser) literal() (Literal, error) {
	t := p.next()
	switch t.kind {
	case tkString:
		return Literal{Kind: "string", Value: t.text}, nil
	case tkInt:
		return Literal{Kind: "int", Value: t.text}, nil
	case tkFloat:
		return Literal{Kind: "float", Value: t.text}, nil
	case tkTimestamp:
		return Literal{Kind: "timestamp", Value: t.text}, nil
	case tkHex:
		return Literal{Kind: "hex", Value: t.text}, nil
	case tkBinary:
		return Literal{Kind: "binary", Value: t.text}, nil
	case tkIdent:
		if strings.EqualFold(t.text, "true") || strings.EqualFold(t.text, "false") {
			return Literal{Kind: "bool", Value: strings.ToLower(t.text)}, nil
		}
	}
	return Literal{}, fmt.Errorf("want a constant, got %q at offset %d", t.text, t.pos)
}

func isPlainIdent(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || (i > 0 && (c >= '0' && c <= '9' || c == '-'))) {
			return false
		}
	}
	return true
}

// Term is a value a pattern requires, usable as an indicator.
type Term struct {
	Type  Type
	Value string // as written in the pattern
	Path  string // the object path it was compared with
	// With lists the other comparisons ANDed with this one, as text: the
	// pattern is narrower than the term alone.
	With []string
}

// Terms returns the exact values the pattern compares with supported
// object paths (= and IN, not negated): ipv4-addr, ipv6-addr, domain-name,
// url, file hashes and name, email-addr and the e-mail and network-traffic
// references to them, and the HTTP User-Agent header. Alternatives (OR) all
// count; of terms joined by AND the strong ones (addresses, names, hashes,
// URLs) are kept, weak ones (file names, user agents) only when no strong
// term is there, and each keeps the rest as With.
func (p *Pattern) Terms() []Term {
	var out []Term
	var obs func(e *ObsExpr)
	obs = func(e *ObsExpr) {
		if e == nil {
			return
		}
		if e.Comp != nil {
			out = append(out, compTerms(e.Comp)...)
			return
		}
		obs(e.Left)
		obs(e.Right)
	}
	obs(p.Root)
	return out
}

func compTerms(c *CompExpr) []Term {
	switch c.Op {
	case "OR":
		return append(compTerms(c.Left), compTerms(c.Right)...)
	case "AND":
		var all []Term
		var leaves []string
		collectAnd(c, &all, &leaves)
		strong := all[:0:0]
		for _, t := range all {
			if t.Type != Filename && t.Type != UserAgent {
				strong = append(strong, t)
			}
		}
		if len(strong) > 0 {
			all = strong
		}
		for i := range all {
			for _, l := range leaves {
				if !strings.Contains(l, all[i].Path) || !strings.Contains(l, all[i].Value) {
					all[i].With = append(all[i].With, l)
				}
			}
		}
		return all
	}
	return comparisonTerms(c.Test)
}

// collectAnd gathers the terms and the text of every comparison under a
// chain of ANDs; an OR below contributes its alternatives.
func collectAnd(c *CompExpr, terms *[]Term, leaves *[]string) {
	if c.Op == "AND" {
		collectAnd(c.Left, terms, leaves)
		collectAnd(c.Right, terms, leaves)
		return
	}
	*terms = append(*terms, compTerms(c)...)
	if c.Test != nil {
		*leaves = append(*leaves, c.Test.String())
	}
}

// String writes the comparison back in pattern syntax.
func (c *Comparison) String() string {
	var b strings.Builder
	if c.Operator == "EXISTS" {
		return "EXISTS " + c.PathString()
	}
	b.WriteString(c.PathString())
	if c.Negated {
		b.WriteString(" NOT")
	}
	b.WriteString(" " + c.Operator)
	lit := func(l Literal) string {
		switch l.Kind {
		case "string":
			return "'" + strings.ReplaceAll(strings.ReplaceAll(l.Value, `\`, `\\`), `'`, `\'`) + "'"
		case "timestamp":
			return "t'" + l.Value + "'"
		case "hex":
			return "h'" + l.Value + "'"
		case "binary":
			return "b'" + l.Value + "'"
		}
		return l.Value
	}
	switch {
	case c.Operator == "IN":
		parts := make([]string, len(c.Values))
		for i, v := range c.Values {
			parts[i] = lit(v)
		}
		b.WriteString(" (" + strings.Join(parts, ", ") + ")")
	case len(c.Values) > 0:
		b.WriteString(" " + lit(c.Values[0]))
	}
	return b.String()
}

func comparisonTerms(c *Comparison) []Term {
	if c == nil || c.Negated || (c.Operator != "=" && c.Operator != "IN") {
		return nil
	}
	t := pathType(c)
	if t == "" {
		return nil
	}
	var out []Term
	for _, v := range c.Values {
		if v.Kind != "string" {
			continue
		}
		tt := t
		if (t == IPv4 || t == IPv6) && strings.Contains(v.Value, "/") {
			tt = CIDR
		}
		out = append(out, Term{Type: tt, Value: v.Value, Path: c.PathString()})
	}
	return out
}

func pathType(c *Comparison) Type {
	p := strings.ToLower(strings.Join(c.Path, "."))
	switch c.Object {
	case "ipv4-addr":
		if p == "value" {
			return IPv4
		}
	case "ipv6-addr":
		if p == "value" {
			return IPv6
		}
	case "domain-name":
		if p == "value" {
			return Domain
		}
	case "url":
		if p == "value" {
			return URL
		}
	case "email-addr":
		if p == "value" {
			return Email
		}
	case "email-message":
		switch p {
		case "from_ref.value", "sender_ref.value", "to_refs.[*].value", "cc_refs.[*].value":
			return Email
		}
	case "file", "artifact":
		switch p {
		case "hashes.md5":
			return MD5
		case "hashes.sha-1", "hashes.sha1":
			return SHA1
		case "hashes.sha-256", "hashes.sha256":
			return SHA256
		case "name":
			if c.Object == "file" {
				return Filename
			}
		}
	case "network-traffic":
		switch p {
		case "dst_ref.value", "src_ref.value":
			return IPv4 // refined to IPv6 by normalisation
		case "extensions.http-request-ext.request_header.user-agent":
			return UserAgent
		}
	}
	return ""
}
