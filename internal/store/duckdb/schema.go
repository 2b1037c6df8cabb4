package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"github.com/firebreak-ir/firebreak/internal/event"
	"github.com/firebreak-ir/firebreak/internal/jsontext"
)

// SchemaVersion is the schema this build writes. Opening an older database
// runs the migrations from its version up; a newer one is refused.
const SchemaVersion = 3

// migrations[i] brings a database from version i to version i+1.
var migrations = [SchemaVersion]func(ctx context.Context, tx *sql.Tx) error{
	migrate0to1,
	migrate1to2,
	migrate2to3,
}

// migrate2to3 adds the layout registry (see layout.go); the events table
// gains its layout column when columns are reconciled after migrations.
// Rows written before keep their original fields as JSON objects with no
// layout, which readers still understand.
func migrate2to3(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, `CREATE TABLE layouts (id BIGINT PRIMARY KEY, names VARCHAR[] NOT NULL)`)
	return err
}

// migrate1to2 adds the batch log: one row per committed batch, written in
// the batch's own transaction. Batches of one import may be committed from
// several connections at once, and rows appended by concurrent
// transactions never conflict, where updates of one counter would.
func migrate1to2(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, `CREATE TABLE batches (import_id BIGINT NOT NULL, events BIGINT NOT NULL, committed TIMESTAMP NOT NULL)`)
	return err
}

func migrate0to1(ctx context.Context, tx *sql.Tx) error {
	stmts := []string{
		`CREATE TABLE imports (
			id BIGINT PRIMARY KEY,
			path VARCHAR NOT NULL,
			size BIGINT NOT NULL,
			sha256 VARCHAR NOT NULL,
			format VARCHAR NOT NULL,
			status VARCHAR NOT NULL,
			events BIGINT NOT NULL,
			rejected BIGINT NOT NULL,
			batches BIGINT NOT NULL,
			started TIMESTAMP NOT NULL,
			finished TIMESTAMP)`,
		`CREATE TABLE events (` + eventColumnsDDL() + `)`,
	}
	for _, q := range stmts {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

// Fixed leading columns of the events table, before the normalised fields.
var fixedColumns = []struct{ name, typ string }{
	{"ts", "TIMESTAMP_NS"},
	{"kind", "VARCHAR"},
	{"host", "VARCHAR"},
	{"import_id", "BIGINT"},
	{"seq", "BIGINT"},
}

// eventColumns lists every column of the events table in appender order:
// fixed columns, hot text fields, hot integer fields, ext (the other
// normalised fields as a JSON object keyed by ECS name), layout and raw
// (the original field values as a JSON array in the order of the layout's
// names, or a JSON object of names and values when layout is NULL).
func eventColumns() []struct{ name, typ string } {
	cols := append([]struct{ name, typ string }{}, fixedColumns...)
	for _, f := range hotStr() {
		cols = append(cols, struct{ name, typ string }{f.Info().Column, "VARCHAR"})
	}
	for _, f := range hotInt() {
		cols = append(cols, struct{ name, typ string }{f.Info().Column, "BIGINT"})
	}
	return append(cols, struct{ name, typ string }{"ext", "VARCHAR"}, struct{ name, typ string }{"layout", "BIGINT"},
		struct{ name, typ string }{"raw", "VARCHAR"})
}

// hotStr and hotInt list the fields with columns of their own, in order.
func hotStr() []event.StrField {
	var out []event.StrField
	for f := range event.NumStr {
		if event.StrField(f).Info().Hot {
			out = append(out, event.StrField(f))
		}
	}
	return out
}

func hotInt() []event.IntField {
	var out []event.IntField
	for f := range event.NumInt {
		if event.IntField(f).Info().Hot {
			out = append(out, event.IntField(f))
		}
	}
	return out
}

// appendExtJSON writes the set normalised fields without a column of their
// own as a JSON object keyed by ECS name; integers as JSON numbers. It
// returns b unchanged (empty) when none is set.
func appendExtJSON(b []byte, ev *event.Event) []byte {
	start := len(b)
	sep := byte('{')
	for f := range event.NumStr {
		sf := event.StrField(f)
		if sf.Info().Hot {
			continue
		}
		if v := ev.Str(sf); v != "" {
			b = append(b, sep)
			b = jsontext.AppendString(b, sf.Info().Name)
			b = append(b, ':')
			b = jsontext.AppendString(b, v)
			sep = ','
		}
	}
	for f := range event.NumInt {
		nf := event.IntField(f)
		if nf.Info().Hot {
			continue
		}
		if v, ok := ev.Int(nf); ok {
			b = append(b, sep)
			b = jsontext.AppendString(b, nf.Info().Name)
			b = append(b, ':')
			b = strconv.AppendInt(b, v, 10)
			sep = ','
		}
	}
	if len(b) == start {
		return b
	}
	return append(b, '}')
}

func eventColumnsDDL() string {
	var b []byte
	for i, c := range eventColumns() {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(b, quoteIdent(c.name)...)
		b = append(b, ' ')
		b = append(b, c.typ...)
	}
	return string(b)
}

// migrate creates or upgrades the schema. After the numbered migrations it
// adds a column for any normalised field this build knows and the database
// lacks, so adding a field to the event package needs no hand-written
// migration. The events table is rebuilt in column order if needed, because
// the appender writes columns by position.
func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)`); err != nil {
		return fmt.Errorf("create meta: %w", err)
	}
	version := 0
	var v string
	err := s.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'schema_version'`).Scan(&v)
	switch {
	case err == sql.ErrNoRows:
	case err != nil:
		return fmt.Errorf("read schema version: %w", err)
	default:
		version, err = strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("bad schema version %q", v)
		}
	}
	if version > SchemaVersion {
		return fmt.Errorf("database schema version %d is newer than this build's %d: upgrade firebreak", version, SchemaVersion)
	}
	for ; version < SchemaVersion; version++ {
		tx, err := s.db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if err := migrations[version](ctx, tx); err != nil {
			_ = tx.Rollback()
			return fmt.Errorf("migrate schema %d to %d: %w", version, version+1, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)`, strconv.Itoa(version+1)); err != nil {
			_ = tx.Rollback()
			return fmt.Errorf("migrate schema %d to %d: %w", version, version+1, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("migrate schema %d to %d: %w", version, version+1, err)
		}
	}
	return s.addMissingColumns(ctx)
}

func (s *Store) addMissingColumns(ctx context.Context) error {
	rows, err := s.db.QueryContext(ctx, `SELECT column_name FROM duckdb_columns() WHERE table_name = 'events' ORDER BY column_index`)
	if err != nil {
		return fmt.Errorf("read columns: %w", err)
	}
	var have []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return err
		}
		have = append(have, n)
	}
	rows.Close()
	want := eventColumns()
	same := len(have) == len(want)
	for i := 0; same && i < len(want); i++ {
		same = have[i] == want[i].name
	}
	if same {
		return nil
	}
	// Rebuild with the wanted layout, carrying over the columns that exist.
	present := map[string]bool{}
	for _, n := range have {
		present[n] = true
	}
	var sel []byte
	for i, c := range want {
		if i > 0 {
			sel = append(sel, ", "...)
		}
		if present[c.name] {
			sel = append(sel, quoteIdent(c.name)...)
		} else {
			sel = append(sel, "CAST(NULL AS "+c.typ+") AS "+quoteIdent(c.name)...)
		}
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	for _, q := range []string{
		`CREATE TABLE events_new (` + eventColumnsDDL() + `)`,
		`INSERT INTO events_new SELECT ` + string(sel) + ` FROM events`,
		`DROP TABLE events`,
		`ALTER TABLE events_new RENAME TO events`,
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("add columns: %w", err)
		}
	}
	return tx.Commit()
}
