package ioc

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/firebreak-ir/firebreak/internal/event"
)

// Schema of the indicator and detection tables, created beside the events
// in the investigation's DuckDB store. An indicator is one row per (type,
// value, source); importing it again merges into that row.
const schemaSQL = `
CREATE SEQUENCE IF NOT EXISTS ioc_id_seq;
CREATE TABLE IF NOT EXISTS iocs (
	id BIGINT PRIMARY KEY DEFAULT nextval('ioc_id_seq'),
	type VARCHAR NOT NULL,
	value VARCHAR NOT NULL,
	source VARCHAR NOT NULL,
	original VARCHAR,
	confidence INTEGER NOT NULL DEFAULT 0,
	tlp VARCHAR NOT NULL DEFAULT '',
	tags VARCHAR NOT NULL DEFAULT '[]',
	campaign VARCHAR NOT NULL DEFAULT '',
	first_seen TIMESTAMP,
	last_seen TIMESTAMP,
	expires TIMESTAMP,
	context VARCHAR NOT NULL DEFAULT '',
	verdict VARCHAR NOT NULL DEFAULT '',
	reason VARCHAR NOT NULL DEFAULT '',
	added TIMESTAMP NOT NULL,
	updated TIMESTAMP NOT NULL,
	UNIQUE (type, value, source)
);
CREATE TABLE IF NOT EXISTS detections (
	detected_at TIMESTAMP NOT NULL,
	origin VARCHAR NOT NULL,
	ts TIMESTAMP_NS NOT NULL,
	ioc_id BIGINT,
	ioc_type VARCHAR NOT NULL,
	ioc_value VARCHAR NOT NULL,
	field VARCHAR NOT NULL,
	matched VARCHAR NOT NULL,
	kind VARCHAR,
	host VARCHAR,
	internal_host VARCHAR,
	import_id BIGINT,
	seq BIGINT,
	verdict VARCHAR NOT NULL DEFAULT '',
	tlp VARCHAR NOT NULL DEFAULT ''
);
`

// EnsureSchema creates the iocs and detections tables if they do not exist.
func EnsureSchema(ctx context.Context, db *sql.DB) error {
	for stmt := range strings.SplitSeq(schemaSQL, ";\n") {
		if strings.TrimSpace(stmt) == "" {
			continue
		}
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("create indicator tables: %w", err)
		}
	}
	return nil
}

// SaveResult counts what Save did.
type SaveResult struct {
	Added, Updated int
}

// Save stores indicators, merging with rows of the same type, value and
// source: first seen is the earliest, last seen and expiry the latest,
// confidence the highest, TLP the strictest, tags the union, and the
// verdict and context the newest.
func Save(ctx context.Context, db *sql.DB, inds []Indicator) (SaveResult, error) {
	var res SaveResult
	if err := EnsureSchema(ctx, db); err != nil {
		return res, err
	}
	// Merge duplicates here: one statement may not update a row twice.
	type key struct{ t, v, s string }
	pos := map[key]int{}
	var rows []Indicator
	for _, in := range inds {
		k := key{string(in.Type), in.Value, in.Source}
		if i, ok := pos[k]; ok {
			rows[i] = merge(rows[i], in)
			continue
		}
		pos[k] = len(rows)
		rows = append(rows, in)
	}
	if len(rows) == 0 {
		return res, nil
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return res, fmt.Errorf("save indicators: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE fb_ioc_stage AS SELECT type, value, source, original, confidence, tlp, tags, campaign,
		first_seen, last_seen, expires, context, verdict, reason FROM iocs LIMIT 0`); err != nil {
		return res, fmt.Errorf("save indicators: %w", err)
	}
	defer func() { _, _ = conn.ExecContext(context.WithoutCancel(ctx), `DROP TABLE IF EXISTS fb_ioc_stage`) }()
	const cols = 14
	const batch = 500
	for start := 0; start < len(rows); start += batch {
		end := min(start+batch, len(rows))
		var b strings.Builder
		b.WriteString(`INSERT INTO fb_ioc_stage VALUES `)
		args := make([]any, 0, (end-start)*cols)
		for i, in := range rows[start:end] {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString("(?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
			tags, _ := json.Marshal(nonNil(in.Tags))
			args = append(args, string(in.Type), in.Value, in.Source, in.Original, in.Confidence, string(in.TLP), string(tags),
				in.Campaign, nullTime(in.FirstSeen), nullTime(in.LastSeen), nullTime(in.Expires), in.Context, string(in.Verdict), in.Reason)
		}
		if _, err := conn.ExecContext(ctx, b.String(), args...); err != nil {
			return res, fmt.Errorf("save indicators: stage: %w", err)
		}
	}
	var existing int
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM fb_ioc_stage s JOIN iocs i USING (type, value, source)`).Scan(&existing); err != nil {
		return res, fmt.Errorf("save indicators: %w", err)
	}
	now := time.Now().UTC()
	_, err = conn.ExecContext(ctx, `INSERT INTO iocs (type, value, source, original, confidence, tlp, tags, campaign, first_seen, last_seen, expires, context, verdict, reason, added, updated)
		SELECT type, value, source, original, confidence, tlp, tags, campaign, first_seen, last_seen, expires, context, verdict, reason, ?, ? FROM fb_ioc_stage
		ON CONFLICT (type, value, source) DO UPDATE SET
			original = excluded.original,
			confidence = greatest(iocs.confidence, excluded.confidence),
			tlp = CASE WHEN list_position(['', 'CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'], excluded.tlp)
				> list_position(['', 'CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'], iocs.tlp) THEN excluded.tlp ELSE iocs.tlp END,
			tags = to_json(list_distinct(list_concat(CAST(iocs.tags AS JSON)::VARCHAR[], CAST(excluded.tags AS JSON)::VARCHAR[])))::VARCHAR,
			campaign = CASE WHEN excluded.campaign <> '' THEN excluded.campaign ELSE iocs.campaign END,
			first_seen = least(iocs.first_seen, excluded.first_seen),
			last_seen = greatest(iocs.last_seen, excluded.last_seen),
			expires = CASE WHEN iocs.expires IS NULL OR excluded.expires IS NULL THEN NULL ELSE greatest(iocs.expires, excluded.expires) END,
			context = CASE WHEN excluded.context <> '' THEN excluded.context ELSE iocs.context END,
			verdict = excluded.verdict,
			reason = excluded.reason,
			updated = excluded.updated`, now, now)
	if err != nil {
		return res, fmt.Errorf("save indicators: %w", err)
	}
	res.Updated = existing
	res.Added = len(rows) - existing
	return res, nil
}

func merge(a, b Indicator) Indicator {
	a.TLP = a.TLP.Stricter(b.TLP)
	a.Confidence = max(a.Confidence, b.Confidence)
	a.Tags = append(a.Tags, b.Tags...)
	if !b.FirstSeen.IsZero() && (a.FirstSeen.IsZero() || b.FirstSeen.Before(a.FirstSeen)) {
		a.FirstSeen = b.FirstSeen
	}
	if b.LastSeen.After(a.LastSeen) {
		a.LastSeen = b.LastSeen
	}
	if a.Expires.IsZero() || b.Expires.IsZero() {
		a.Expires = time.Time{}
	} else if b.Expires.After(a.Expires) {
		a.Expires = b.Expires
	}
	if a.Campaign == "" {
		a.Campaign = b.Campaign
	}
	if rank(b.Verdict) > rank(a.Verdict) {
		a.Verdict, a.Reason = b.Verdict, b.Reason
	}
	return a
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

// Filter selects stored indicators. Zero values select everything that has
// not expired and was not refused.
type Filter struct {
	Types          []Type
	Source         string
	Campaign       string
	Value          string // substring of the value
	IncludeExpired bool
	IncludeRefused bool
	Now            time.Time // for expiry; zero means now
}

// Load reads stored indicators, oldest first.
func Load(ctx context.Context, db *sql.DB, f Filter) ([]Indicator, error) {
	if err := EnsureSchema(ctx, db); err != nil {
		return nil, err
	}
	q := `SELECT id, type, value, source, coalesce(original, ''), confidence, tlp, tags, campaign, first_seen, last_seen, expires, context, verdict, reason FROM iocs WHERE true`
	var args []any
	if len(f.Types) > 0 {
		ph := make([]string, len(f.Types))
		for i, t := range f.Types {
			ph[i] = "?"
			args = append(args, string(t))
		}
		q += ` AND type IN (` + strings.Join(ph, ",") + `)`
	}
	if f.Source != "" {
		q += ` AND source = ?`
		args = append(args, f.Source)
	}
	if f.Campaign != "" {
		q += ` AND campaign = ?`
		args = append(args, f.Campaign)
	}
	if f.Value != "" {
		q += ` AND contains(value, ?)`
		args = append(args, strings.ToLower(f.Value))
	}
	if !f.IncludeExpired {
		now := f.Now
		if now.IsZero() {
			now = time.Now()
		}
		q += ` AND (expires IS NULL OR expires > ?)`
		args = append(args, now.UTC())
	}
	if !f.IncludeRefused {
		q += ` AND verdict <> 'refuse'`
	}
	q += ` ORDER BY id`
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("load indicators: %w", err)
	}
	defer rows.Close()
	var out []Indicator
	for rows.Next() {
		var in Indicator
		var typ, tlp, tags, verdict string
		var first, last, exp sql.NullTime
		if err := rows.Scan(&in.ID, &typ, &in.Value, &in.Source, &in.Original, &in.Confidence, &tlp, &tags, &in.Campaign,
			&first, &last, &exp, &in.Context, &verdict, &in.Reason); err != nil {
			return nil, fmt.Errorf("load indicators: %w", err)
		}
		in.Type, in.TLP, in.Verdict = Type(typ), TLP(tlp), Verdict(verdict)
		_ = json.Unmarshal([]byte(tags), &in.Tags)
		if len(in.Tags) == 0 {
			in.Tags = nil
		}
		in.FirstSeen, in.LastSeen, in.Expires = first.Time, last.Time, exp.Time
		out = append(out, in)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load indicators: %w", err)
	}
	return out, nil
}

// Expire deletes the indicators whose expiry is at or before now, and, when
// unseen > 0, those not seen (last seen, else added) within unseen before
// now. It returns how many were deleted.
func Expire(ctx context.Context, db *sql.DB, now time.Time, unseen time.Duration) (int64, error) {
	if err := EnsureSchema(ctx, db); err != nil {
		return 0, err
	}
	q := `DELETE FROM iocs WHERE (expires IS NOT NULL AND expires <= ?)`
	args := []any{now.UTC()}
	if unseen > 0 {
		q += ` OR coalesce(last_seen, added) < ?`
		args = append(args, now.Add(-unseen).UTC())
	}
	res, err := db.ExecContext(ctx, q, args...)
	if err != nil {
		return 0, fmt.Errorf("expire indicators: %w", err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}

// Detection is one indicator hit on one stored or arriving event.
type Detection struct {
	Origin       string // "live" (ingest) or "sweep"
	Time         int64  // event time, ns since the epoch
	IndicatorID  int64
	Type         Type
	Value        string // the indicator's value
	Field        string // ECS name of the field that matched
	Matched      string // the field's value
	Kind         string
	Host         string
	InternalHost string
	ImportID     int64
	Seq          int64
	Verdict      Verdict
	TLP          TLP
}

// NewDetection describes hit h on event ev of import importID.
func NewDetection(ev *event.Event, importID int64, h Hit, origin string) Detection {
	return Detection{
		Origin:       origin,
		Time:         ev.Time,
		IndicatorID:  h.Indicator.ID,
		Type:         h.Indicator.Type,
		Value:        h.Indicator.Value,
		Field:        h.Field.String(),
		Matched:      h.Value,
		Kind:         ev.Kind,
		Host:         ev.Host,
		InternalHost: InternalHost(ev, h.Field),
		ImportID:     importID,
		Seq:          ev.Seq,
		Verdict:      h.Indicator.Verdict,
		TLP:          h.Indicator.TLP,
	}
}

// DetectionWriter buffers detections and writes them in batches. Add is
// cheap; Flush writes what was added in one transaction. It is not safe for
// concurrent use.
type DetectionWriter struct {
	db  *sql.DB
	buf []Detection
}

// NewDetectionWriter returns a writer to db's detections table.
func NewDetectionWriter(db *sql.DB) *DetectionWriter { return &DetectionWriter{db: db} }

// Add buffers a detection.
func (w *DetectionWriter) Add(d Detection) { w.buf = append(w.buf, d) }

// Pending returns the number of buffered detections.
func (w *DetectionWriter) Pending() int { return len(w.buf) }

// Flush writes the buffered detections.
func (w *DetectionWriter) Flush(ctx context.Context) error {
	if len(w.buf) == 0 {
		return nil
	}
	if err := WriteDetections(ctx, w.db, w.buf); err != nil {
		return err
	}
	w.buf = w.buf[:0]
	return nil
}

// WriteDetections stores detections in one transaction.
func WriteDetections(ctx context.Context, db *sql.DB, ds []Detection) error {
	if len(ds) == 0 {
		return nil
	}
	if err := EnsureSchema(ctx, db); err != nil {
		return err
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("write detections: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	now := time.Now().UTC()
	const batch = 500
	for start := 0; start < len(ds); start += batch {
		end := min(start+batch, len(ds))
		var b strings.Builder
		b.WriteString(`INSERT INTO detections VALUES `)
		var args []any
		for i, d := range ds[start:end] {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString("(?,?,make_timestamp_ns(?),?,?,?,?,?,?,?,?,?,?,?,?)")
			var id any
			if d.IndicatorID != 0 {
				id = d.IndicatorID
			}
			args = append(args, now, d.Origin, d.Time, id, string(d.Type), d.Value, d.Field, d.Matched, d.Kind, d.Host,
				d.InternalHost, d.ImportID, d.Seq, string(d.Verdict), string(d.TLP))
		}
		if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("write detections: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("write detections: %w", err)
	}
	return nil
}
