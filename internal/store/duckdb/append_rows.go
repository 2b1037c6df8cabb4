//go:build !duckdb_arrow

package duckdb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"time"

	duck "github.com/duckdb/duckdb-go/v2"

	"github.com/firebreak-ir/firebreak/internal/event"
)

// appender writes through DuckDB's row appender: portable, but each value
// crosses into C on its own, so it is several times slower than the Arrow
// path.
type appender struct {
	ctx      context.Context
	store    *Store
	lc       layoutCache
	importID int64
	conn     *sql.Conn
	app      *duck.Appender
	inTx     bool
	pending  int64
	row      []driver.Value
	raw      []byte
	hotS     []event.StrField
	hotI     []event.IntField
}

func newAppender(ctx context.Context, s *Store, importID int64, conn *sql.Conn, _ int64) *appender {
	return &appender{ctx: ctx, store: s, importID: importID, conn: conn, row: make([]driver.Value, len(eventColumns())), hotS: s.hotS, hotI: s.hotI}
}

func (a *appender) begin() error {
	if _, err := a.conn.ExecContext(a.ctx, "BEGIN TRANSACTION"); err != nil {
		return fmt.Errorf("begin batch: %w", err)
	}
	a.inTx = true
	return rawConn(a.ctx, a.conn, func(dc driver.Conn) error {
		app, err := duck.NewAppenderFromConn(dc, "", "events")
		if err != nil {
			return fmt.Errorf("begin batch: %w", err)
		}
		a.app = app
		return nil
	})
}

// Append adds ev to the current batch.
func (a *appender) Append(ev *event.Event) error {
	if !a.inTx {
		if err := a.begin(); err != nil {
			return err
		}
	}
	r := a.row
	r[0] = time.Unix(0, ev.Time).UTC()
	r[1] = ev.Kind
	r[2] = nullable(ev.Host)
	r[3] = a.importID
	r[4] = ev.Seq
	i := len(fixedColumns)
	for _, f := range a.hotS {
		r[i] = nullable(ev.Str(f))
		i++
	}
	for _, f := range a.hotI {
		if v, ok := ev.Int(f); ok {
			r[i] = v
		} else {
			r[i] = nil
		}
		i++
	}
	a.raw = appendExtJSON(a.raw[:0], ev)
	r[i] = nullable(string(a.raw))
	i++
	layout, ok, buf, err := a.store.rawColumns(a.ctx, &a.lc, ev.Raw, a.raw[:0])
	if err != nil {
		return err
	}
	a.raw = buf
	if ok {
		r[i] = layout
	} else {
		r[i] = nil
	}
	r[i+1] = string(a.raw)
	if err := a.app.AppendRow(r...); err != nil {
		return fmt.Errorf("append event %d: %w", ev.Seq, err)
	}
	a.pending++
	return nil
}

// Commit flushes and commits the current batch, and counts it in the import
// registry in the same transaction.
func (a *appender) Commit() error {
	if !a.inTx {
		return nil
	}
	err := a.app.Close()
	a.app = nil
	if err != nil {
		return fmt.Errorf("flush batch: %w", err)
	}
	return commitBatch(a.ctx, a.conn, a.importID, &a.pending, &a.inTx)
}

// Close rolls back an uncommitted batch and releases the connection.
func (a *appender) Close() error {
	if a.app != nil {
		_ = a.app.Close()
		a.app = nil
	}
	return closeBatch(a.conn, &a.inTx)
}

func nullable(s string) driver.Value {
	if s == "" {
		return nil
	}
	return s
}
