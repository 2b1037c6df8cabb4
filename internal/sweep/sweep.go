// Package sweep is the retro-hunt: given indicators, it finds every stored
// event that holds one and says, per indicator, which internal hosts touched
// it, when first and last, how often and in which sources, and per host
// which indicators it touched.
//
// It exists because a notice about a C2 server asks about the past months,
// not the next event: the answer must come from history, in seconds, and be
// exact. Substring search over raw logs (grep, rg) cannot tell 1.2.3.4 from
// 11.2.3.45 and gives lines, not hosts. The sweep runs inside DuckDB as
// joins of the indicator values with the columns that hold addresses, names
// and hashes: exact equality for addresses and hashes, per-prefix-length
// integer joins for IPv4 ranges, and for names, URLs, file names and user
// agents a pass over the distinct stored values with the same Matcher that
// runs live in ingest (subdomain suffixes, canonical URLs, basenames), so
// live detection and retro-hunt agree.
package sweep

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net/netip"
	"sort"
	"strconv"
	"strings"
	"time"

	duck "github.com/duckdb/duckdb-go/v2"

	"github.com/firebreak-ir/firebreak/internal/ioc"
)

// Options bound a sweep.
type Options struct {
	// From and To bound event time (ns since the epoch, To exclusive); zero
	// means unbounded.
	From, To int64
	// Examples is the number of example events kept per indicator
	// (default 3).
	Examples int
	// IncludeRefused sweeps indicators the guards refused too.
	IncludeRefused bool
}

// HostHit is what one internal host did with one indicator.
type HostHit struct {
	Host   string    `json:"host,omitempty"`
	First  time.Time `json:"first"`
	Last   time.Time `json:"last"`
	Count  int64     `json:"count,omitempty"`  // events
	Kinds  []string  `json:"kinds,omitempty"`  // source kinds, sorted
	Fields []string  `json:"fields,omitempty"` // fields that matched, sorted
}

// Example is one event that holds an indicator, with what leads back to
// its evidence (import and position in the file).
type Example struct {
	Time     time.Time `json:"time"`
	Kind     string    `json:"kind,omitempty"`
	Host     string    `json:"host,omitempty"` // the internal host
	ImportID int64     `json:"import_id,omitempty"`
	Seq      int64     `json:"seq,omitempty"`
	Field    string    `json:"field,omitempty"`
	Matched  string    `json:"matched,omitempty"`
}

// IndicatorResult is one indicator that was found.
type IndicatorResult struct {
	Indicator ioc.Indicator `json:"indicator"`
	Hosts     []HostHit     `json:"hosts,omitempty"` // by first seen
	Events    int64         `json:"events,omitempty"`
	First     time.Time     `json:"first"`
	Last      time.Time     `json:"last"`
	Kinds     []string      `json:"kinds,omitempty"`
	Examples  []Example     `json:"examples,omitempty"`
}

// HostIndicator is one indicator a host touched.
type HostIndicator struct {
	Type   ioc.Type  `json:"type,omitempty"`
	Value  string    `json:"value,omitempty"`
	First  time.Time `json:"first"`
	Last   time.Time `json:"last"`
	Count  int64     `json:"count,omitempty"`
	Never  bool      `json:"never,omitempty"` // on the never-block list: evidence, never to be blocked
	Reason string    `json:"reason,omitempty"`
}

// HostResult is one internal host that touched indicators.
type HostResult struct {
	Host       string          `json:"host,omitempty"`
	First      time.Time       `json:"first"`
	Last       time.Time       `json:"last"`
	Count      int64           `json:"count,omitempty"`
	Indicators []HostIndicator `json:"indicators,omitempty"`
}

// Result is the outcome of a sweep.
type Result struct {
	Indicators []IndicatorResult `json:"indicators"` // indicators with hits, by first seen
	Hosts      []HostResult      `json:"hosts"`      // hosts with hits, by first seen
	Swept      int               `json:"swept"`      // indicators swept
	Skipped    []ioc.Indicator   `json:"skipped"`    // refused by the guards, not swept
	Elapsed    time.Duration     `json:"elapsed_ns"`
	Steps      []Step            `json:"steps,omitempty"` // where the time went
}

// Step is one stage of a sweep and its duration.
type Step struct {
	Name    string        `json:"name"`
	Elapsed time.Duration `json:"elapsed_ns"`
}

// Hits reports whether anything was found.
func (r *Result) Hits() bool { return len(r.Indicators) > 0 }

// Run sweeps the events in db for inds.
func Run(ctx context.Context, db *sql.DB, inds []ioc.Indicator, opt Options) (*Result, error) {
	start := time.Now()
	if opt.Examples <= 0 {
		opt.Examples = 3
	}
	res := &Result{}
	var use []ioc.Indicator
	for _, in := range inds {
		if in.Verdict == ioc.VerdictRefuse && !opt.IncludeRefused {
			res.Skipped = append(res.Skipped, in)
			continue
		}
		use = append(use, in)
	}
	res.Swept = len(use)
	if len(use) == 0 {
		res.Elapsed = time.Since(start)
		return res, nil
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("sweep: %w", err)
	}
	defer conn.Close()
	s := &sweeper{conn: conn, inds: use, opt: opt, last: start}
	s.m = ioc.NewMatcher(use, true)
	s.step("matcher")
	defer s.dropTemp()
	if err := s.run(ctx); err != nil {
		return nil, fmt.Errorf("sweep: %w", err)
	}
	if err := s.collect(ctx, res); err != nil {
		return nil, fmt.Errorf("sweep: %w", err)
	}
	s.step("collect")
	res.Steps = s.steps
	res.Elapsed = time.Since(start)
	return res, nil
}

type sweeper struct {
	steps []Step
	last  time.Time
	conn  *sql.Conn
	inds  []ioc.Indicator
	opt   Options
	m     *ioc.Matcher
}

// Columns searched, and for each the expression naming the internal host
// of an event that matched in it (see ioc.InternalHost).
const (
	hostOfDst  = `coalesce(e.source_ip, e.host)`
	hostOfSrc  = `coalesce(e.destination_ip, e.host)`
	hostOfFile = `CASE WHEN starts_with(e.kind, 'zeek.') THEN coalesce(e.destination_ip, e.host) ELSE coalesce(e.host, e.source_ip) END`
	hostOfUser = `coalesce(e.host, e.source_ip)`
)

type column struct {
	field string // ECS name reported
	expr  string // SQL over events e
	host  string
}

func (s *sweeper) timeCond() string {
	var c []string
	if s.opt.From != 0 {
		c = append(c, "e.ts >= make_timestamp_ns("+strconv.FormatInt(s.opt.From, 10)+")")
	}
	if s.opt.To != 0 {
		c = append(c, "e.ts < make_timestamp_ns("+strconv.FormatInt(s.opt.To, 10)+")")
	}
	if len(c) == 0 {
		return "true"
	}
	return strings.Join(c, " AND ")
}

// step records the time since the previous step under name.
func (s *sweeper) step(name string) {
	now := time.Now()
	s.steps = append(s.steps, Step{Name: name, Elapsed: now.Sub(s.last)})
	s.last = now
}

func (s *sweeper) exec(ctx context.Context, q string) error {
	if _, err := s.conn.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("%w\n%s", err, q)
	}
	return nil
}

func (s *sweeper) dropTemp() {
	ctx := context.Background()
	for _, t := range []string{"fb_sw_ip", "fb_sw_hash", "fb_sw_cidr4", "fb_sw_val", "fb_sw_hit", "fb_sw_oct", "fb_sw_cand"} {
		_, _ = s.conn.ExecContext(ctx, "DROP TABLE IF EXISTS temp."+t)
	}
}

func (s *sweeper) run(ctx context.Context) error {
	for _, q := range []string{
		`CREATE OR REPLACE TEMP TABLE fb_sw_ip (idx INTEGER, value VARCHAR)`,
		`CREATE OR REPLACE TEMP TABLE fb_sw_hash (idx INTEGER, value VARCHAR)`,
		`CREATE OR REPLACE TEMP TABLE fb_sw_cidr4 (idx INTEGER, bits INTEGER, net UBIGINT)`,
		`CREATE OR REPLACE TEMP TABLE fb_sw_val (idx INTEGER, col INTEGER, value VARCHAR)`,
		`CREATE OR REPLACE TEMP TABLE fb_sw_hit (idx INTEGER, field VARCHAR, ihost VARCHAR, ts TIMESTAMP_NS, kind VARCHAR, import_id BIGINT, seq BIGINT, matched VARCHAR)`,
	} {
		if err := s.exec(ctx, q); err != nil {
			return err
		}
	}
	var ips, hashes, cidr4 [][]any
	cidrBits := map[int]bool{}
	has6CIDR := false
	for i, in := range s.inds {
		switch in.Type {
		case ioc.IPv4, ioc.IPv6:
			ips = append(ips, []any{int32(i), in.Value})
		case ioc.MD5, ioc.SHA1, ioc.SHA256:
			hashes = append(hashes, []any{int32(i), in.Value})
		case ioc.CIDR:
			p, err := netip.ParsePrefix(in.Value)
			if err != nil {
				continue
			}
			if p.Addr().Is4() {
				b := p.Addr().As4()
				n := uint64(b[0])<<24 | uint64(b[1])<<16 | uint64(b[2])<<8 | uint64(b[3])
				cidr4 = append(cidr4, []any{int32(i), int32(p.Bits()), n >> (32 - p.Bits())})
				cidrBits[p.Bits()] = true
			} else {
				has6CIDR = true
			}
		}
	}
	if err := s.load(ctx, "fb_sw_ip", ips); err != nil {
		return err
	}
	if err := s.load(ctx, "fb_sw_hash", hashes); err != nil {
		return err
	}
	if err := s.load(ctx, "fb_sw_cidr4", cidr4); err != nil {
		return err
	}
	s.step("load indicators")
	tc := s.timeCond()
	hit := func(idx, field, host, from, join, matched string) string {
		return `INSERT INTO fb_sw_hit SELECT ` + idx + `, '` + field + `', ` + host + `, e.ts, e.kind, e.import_id, e.seq, ` + matched +
			` FROM events e ` + from + ` ` + join + ` AND ` + tc
	}
	ipCols := []column{
		{"destination.ip", "e.destination_ip", hostOfDst},
		{"source.ip", "e.source_ip", hostOfSrc},
	}
	if len(ips) > 0 {
		for _, c := range ipCols {
			if err := s.exec(ctx, hit("i.idx", c.field, c.host, "JOIN fb_sw_ip i", "ON "+c.expr+" = i.value WHERE true", c.expr)); err != nil {
				return err
			}
			s.step("join " + c.field)
		}
	}
	if len(hashes) > 0 {
		for _, c := range []column{
			{"file.hash.md5", "e.file_hash_md5", hostOfFile},
			{"file.hash.sha1", "e.file_hash_sha1", hostOfFile},
			{"file.hash.sha256", "e.file_hash_sha256", hostOfFile},
		} {
			if err := s.exec(ctx, hit("i.idx", c.field, c.host, "JOIN fb_sw_hash i", "ON "+c.expr+" = i.value WHERE true", c.expr)); err != nil {
				return err
			}
		}
	}
	// IPv4 prefixes: the rows whose first octet some prefix covers are
	// taken once per column, with the address as an integer; then one
	// equi-join per prefix length in use, on the address shifted down to
	// the prefix.
	if len(cidr4) > 0 {
		bits := make([]int, 0, len(cidrBits))
		for b := range cidrBits {
			bits = append(bits, b)
		}
		sort.Ints(bits)
		// Prefilter keys: the first two octets when every prefix is at
		// least a /12 (at most 16 keys each), else the first octet.
		two := bits[0] >= 12
		keys := map[string]bool{}
		for _, r := range cidr4 {
			b, net := int(r[1].(int32)), r[2].(uint64)
			shift, width := 24, 8
			if two {
				shift, width = 16, 16
			}
			lo := net << (32 - b) >> shift
			for k := lo; k < lo+1<<max(0, width-b) && k < 1<<width; k++ {
				if two {
					keys[strconv.FormatUint(k>>8, 10)+"."+strconv.FormatUint(k&255, 10)] = true
				} else {
					keys[strconv.FormatUint(k, 10)] = true
				}
			}
		}
		var orows [][]any
		for k := range keys {
			orows = append(orows, []any{k})
		}
		if err := s.exec(ctx, `CREATE OR REPLACE TEMP TABLE fb_sw_oct (o VARCHAR)`); err != nil {
			return err
		}
		if err := s.load(ctx, "fb_sw_oct", orows); err != nil {
			return err
		}
		for _, c := range ipCols {
			oct := func(k int) string {
				return `(TRY_CAST(split_part(` + c.expr + `, '.', ` + strconv.Itoa(k) + `) AS UBIGINT) << ` + strconv.Itoa(32-8*k) + `)`
			}
			num := `(` + oct(1) + ` | ` + oct(2) + ` | ` + oct(3) + ` | ` + oct(4) + `)`
			keyExpr := `split_part(` + c.expr + `, '.', 1)`
			if two {
				keyExpr = `regexp_extract(` + c.expr + `, '^\d+\.\d+')`
			}
			if err := s.exec(ctx, `CREATE OR REPLACE TEMP TABLE fb_sw_cand AS SELECT e.ts, e.kind, e.import_id, e.seq, `+c.host+` AS ihost, `+c.expr+` AS ip, `+num+` AS n
				FROM events e WHERE `+keyExpr+` IN (SELECT o FROM fb_sw_oct) AND `+tc); err != nil {
				return err
			}
			s.step("candidates " + c.field)
			for _, b := range bits {
				q := `INSERT INTO fb_sw_hit SELECT i.idx, '` + c.field + `', c.ihost, c.ts, c.kind, c.import_id, c.seq, c.ip FROM fb_sw_cand c
					JOIN (SELECT idx, net FROM fb_sw_cidr4 WHERE bits = ` + strconv.Itoa(b) + `) i ON (c.n >> ` + strconv.Itoa(32-b) + `) = i.net`
				if err := s.exec(ctx, q); err != nil {
					return err
				}
				s.step(fmt.Sprintf("join %s /%d", c.field, b))
			}
		}
	}
	// Everything matched in Go over distinct values, then joined back.
	type goCol struct {
		column
		where string // extra filter that makes the scan cheap
		match func(v string, fn func([]int32))
	}
	var gcs []goCol
	if has6CIDR {
		for _, c := range ipCols {
			gcs = append(gcs, goCol{c, c.expr + ` LIKE '%:%'`, s.m.MatchCIDR})
		}
	}
	if s.m.Has(ioc.IPv4) || s.m.Has(ioc.CIDR) {
		ans := `json_extract_string(e.ext, '$."dns.answers.data"')`
		gcs = append(gcs, goCol{column{"dns.answers.data", ans, hostOfDst}, `e.dns_question_name IS NOT NULL`, func(v string, fn func([]int32)) {
			seen := map[int32]bool{}
			for a := range strings.SplitSeq(v, ",") {
				a = strings.TrimSpace(a)
				if _, err := netip.ParseAddr(a); err != nil {
					continue
				}
				s.m.MatchIP(a, func(ids []int32) {
					var out []int32
					for _, id := range ids {
						if !seen[id] {
							seen[id] = true
							out = append(out, id)
						}
					}
					if len(out) > 0 {
						fn(out)
					}
				})
			}
		}})
	}
	if s.m.Has(ioc.Domain) {
		for _, c := range []column{
			{"dns.question.name", "e.dns_question_name", hostOfDst},
			{"url.domain", "e.url_domain", hostOfDst},
			{"tls.server_name", "e.tls_server_name", hostOfDst},
			{"destination.domain", "e.destination_domain", hostOfDst},
		} {
			gcs = append(gcs, goCol{c, "", s.m.MatchDomain})
		}
	}
	if s.m.Has(ioc.URL) {
		gcs = append(gcs, goCol{column{"url.full", "e.url_full", hostOfDst}, "", s.m.MatchURL})
	}
	if s.m.Has(ioc.UserAgent) {
		gcs = append(gcs, goCol{column{"user_agent.original", "e.user_agent_original", hostOfDst}, "", s.m.MatchUserAgent})
	}
	if s.m.Has(ioc.Filename) {
		for _, c := range []column{
			{"file.path", "e.file_path", hostOfFile},
			{"file.name", `json_extract_string(e.ext, '$."file.name"')`, hostOfFile},
			{"process.executable", "e.process_executable", hostOfFile},
		} {
			gcs = append(gcs, goCol{c, "", s.m.MatchFile})
		}
	}
	if s.m.Has(ioc.Email) {
		gcs = append(gcs, goCol{column{"user.name", "e.user_name", hostOfUser}, `contains(e.user_name, '@')`, s.m.MatchEmail})
	}
	for ci, c := range gcs {
		where := c.expr + " IS NOT NULL AND " + tc
		if c.where != "" {
			where += " AND " + c.where
		}
		rows, err := s.conn.QueryContext(ctx, `SELECT DISTINCT `+c.expr+` FROM events e WHERE `+where)
		if err != nil {
			return fmt.Errorf("distinct %s: %w", c.field, err)
		}
		var vals [][]any
		for rows.Next() {
			var v string
			if err := rows.Scan(&v); err != nil {
				rows.Close()
				return err
			}
			c.match(v, func(ids []int32) {
				for _, id := range ids {
					vals = append(vals, []any{id, int32(ci), v})
				}
			})
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("distinct %s: %w", c.field, err)
		}
		s.step("distinct " + c.field)
		if len(vals) == 0 {
			continue
		}
		if err := s.load(ctx, "fb_sw_val", vals); err != nil {
			return err
		}
		q := hit("v.idx", c.field, c.host, "JOIN (SELECT idx, value FROM fb_sw_val WHERE col = "+strconv.Itoa(ci)+") v",
			"ON "+c.expr+" = v.value WHERE true", c.expr)
		if c.where != "" {
			q += " AND " + c.where
		}
		if err := s.exec(ctx, q); err != nil {
			return err
		}
		s.step("join " + c.field)
	}
	return nil
}

// load bulk-inserts rows into a temporary table through DuckDB's appender.
func (s *sweeper) load(ctx context.Context, table string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	return s.conn.Raw(func(dc any) error {
		c, ok := dc.(driver.Conn)
		if !ok {
			return errors.New("unexpected driver connection")
		}
		app, err := duck.NewAppender(c, "temp", "main", table)
		if err != nil {
			return fmt.Errorf("append to %s: %w", table, err)
		}
		for _, r := range rows {
			vals := make([]driver.Value, len(r))
			for i, v := range r {
				vals[i] = v
			}
			if err := app.AppendRow(vals...); err != nil {
				_ = app.Close()
				return fmt.Errorf("append to %s: %w", table, err)
			}
		}
		if err := app.Close(); err != nil {
			return fmt.Errorf("append to %s: %w", table, err)
		}
		return ctx.Err()
	})
}

func (s *sweeper) collect(ctx context.Context, res *Result) error {
	// Per indicator and host. An event matched in two fields (a DNS name
	// and its answer) counts once.
	rows, err := s.conn.QueryContext(ctx, `SELECT idx, coalesce(ihost, ''), min(ts), max(ts), count(DISTINCT (import_id, seq)),
		list_sort(list_distinct(list(kind))), list_sort(list_distinct(list(field)))
		FROM fb_sw_hit GROUP BY ALL ORDER BY idx, min(ts), 2`)
	if err != nil {
		return err
	}
	byIdx := map[int]*IndicatorResult{}
	var order []int
	for rows.Next() {
		var idx int
		var h HostHit
		var kinds, fields duck.Composite[[]string]
		if err := rows.Scan(&idx, &h.Host, &h.First, &h.Last, &h.Count, &kinds, &fields); err != nil {
			rows.Close()
			return err
		}
		h.First, h.Last = h.First.UTC(), h.Last.UTC()
		h.Kinds, h.Fields = kinds.Get(), fields.Get()
		r := byIdx[idx]
		if r == nil {
			r = &IndicatorResult{Indicator: s.inds[idx]}
			byIdx[idx] = r
			order = append(order, idx)
		}
		r.Hosts = append(r.Hosts, h)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	// Examples: the earliest events per indicator.
	rows, err = s.conn.QueryContext(ctx, `SELECT idx, ts, kind, coalesce(ihost, ''), import_id, seq, field, matched FROM (
		SELECT *, row_number() OVER (PARTITION BY idx ORDER BY ts, import_id, seq) AS rn FROM fb_sw_hit) WHERE rn <= ?
		ORDER BY idx, ts, import_id, seq`, s.opt.Examples)
	if err != nil {
		return err
	}
	for rows.Next() {
		var idx int
		var ex Example
		var imp, seq sql.NullInt64
		var kind, matched sql.NullString
		if err := rows.Scan(&idx, &ex.Time, &kind, &ex.Host, &imp, &seq, &ex.Field, &matched); err != nil {
			rows.Close()
			return err
		}
		ex.Time = ex.Time.UTC()
		ex.Kind, ex.ImportID, ex.Seq, ex.Matched = kind.String, imp.Int64, seq.Int64, matched.String
		if r := byIdx[idx]; r != nil {
			r.Examples = append(r.Examples, ex)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	hosts := map[string]*HostResult{}
	for _, idx := range order {
		r := byIdx[idx]
		kinds := map[string]bool{}
		for _, h := range r.Hosts {
			r.Events += h.Count
			if r.First.IsZero() || h.First.Before(r.First) {
				r.First = h.First
			}
			if h.Last.After(r.Last) {
				r.Last = h.Last
			}
			for _, k := range h.Kinds {
				kinds[k] = true
			}
			hr := hosts[h.Host]
			if hr == nil {
				hr = &HostResult{Host: h.Host}
				hosts[h.Host] = hr
			}
			hr.Count += h.Count
			if hr.First.IsZero() || h.First.Before(hr.First) {
				hr.First = h.First
			}
			if h.Last.After(hr.Last) {
				hr.Last = h.Last
			}
			hr.Indicators = append(hr.Indicators, HostIndicator{Type: r.Indicator.Type, Value: r.Indicator.Value, First: h.First, Last: h.Last,
				Count: h.Count, Never: r.Indicator.Verdict == ioc.VerdictNeverBlock, Reason: r.Indicator.Reason})
		}
		for k := range kinds {
			r.Kinds = append(r.Kinds, k)
		}
		sort.Strings(r.Kinds)
		res.Indicators = append(res.Indicators, *r)
	}
	sort.SliceStable(res.Indicators, func(i, j int) bool {
		a, b := res.Indicators[i], res.Indicators[j]
		if !a.First.Equal(b.First) {
			return a.First.Before(b.First)
		}
		return a.Indicator.Key() < b.Indicator.Key()
	})
	for _, h := range hosts {
		sort.SliceStable(h.Indicators, func(i, j int) bool { return h.Indicators[i].First.Before(h.Indicators[j].First) })
		res.Hosts = append(res.Hosts, *h)
	}
	sort.Slice(res.Hosts, func(i, j int) bool {
		a, b := res.Hosts[i], res.Hosts[j]
		if !a.First.Equal(b.First) {
			return a.First.Before(b.First)
		}
		return a.Host < b.Host
	})
	return nil
}
