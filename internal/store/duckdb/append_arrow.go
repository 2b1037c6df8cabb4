//go:build duckdb_arrow

package duckdb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	duck "github.com/duckdb/duckdb-go/v2"

	"github.com/firebreak-ir/firebreak/internal/event"
)

// arrowChunk is how many rows are built in Go before DuckDB takes them.
const arrowChunk = 8 * 1024

// appender builds Arrow record batches in Go memory and hands each to DuckDB
// as a view that one INSERT … SELECT copies into the events table. Nothing
// crosses into C per value, which makes this path several times faster than
// the row appender.
type appender struct {
	ctx      context.Context
	store    *Store
	lc       layoutCache
	importID int64
	conn     *sql.Conn
	arrow    *duck.Arrow
	inTx     bool
	pending  int64
	rows     int
	id       int64 // unique among the store's appenders
	n        int64 // views registered, for unique names

	schema *arrow.Schema
	b      *array.RecordBuilder
	ts     *array.TimestampBuilder
	strs   []*array.StringBuilder // kind, host, then text fields
	ints   []*array.Int64Builder  // import_id, seq, then integer fields
	ext    *array.StringBuilder
	layout *array.Int64Builder
	raw    *array.StringBuilder
	rawBuf []byte
	hotS   []event.StrField
	hotI   []event.IntField

	// DuckDB copies one record batch in while the next is built: work is
	// sent to the flusher goroutine, whose result comes back on done.
	work chan arrow.RecordBatch
	done chan error
	busy bool
}

func newAppender(ctx context.Context, s *Store, importID int64, conn *sql.Conn, id int64) *appender {
	return &appender{ctx: ctx, store: s, importID: importID, conn: conn, id: id}
}

func arrowSchema() *arrow.Schema {
	var fields []arrow.Field
	for _, c := range eventColumns() {
		var t arrow.DataType
		switch c.typ {
		case "TIMESTAMP_NS":
			t = &arrow.TimestampType{Unit: arrow.Nanosecond}
		case "BIGINT":
			t = arrow.PrimitiveTypes.Int64
		default:
			t = arrow.BinaryTypes.String
		}
		fields = append(fields, arrow.Field{Name: c.name, Type: t, Nullable: true})
	}
	return arrow.NewSchema(fields, nil)
}

func (a *appender) init() error {
	err := rawConn(a.ctx, a.conn, func(dc driver.Conn) error {
		ar, err := duck.NewArrowFromConn(dc)
		if err != nil {
			return err
		}
		a.arrow = ar
		return nil
	})
	if err != nil {
		return fmt.Errorf("appender: %w", err)
	}
	a.schema = arrowSchema()
	a.b = array.NewRecordBuilder(memory.NewGoAllocator(), a.schema)
	a.b.Reserve(arrowChunk)
	// Column order follows eventColumns: ts, kind, host, import_id, seq,
	// text fields, integer fields, ext, layout, raw.
	a.ts = a.b.Field(0).(*array.TimestampBuilder)
	a.strs = []*array.StringBuilder{a.b.Field(1).(*array.StringBuilder), a.b.Field(2).(*array.StringBuilder)}
	a.ints = []*array.Int64Builder{a.b.Field(3).(*array.Int64Builder), a.b.Field(4).(*array.Int64Builder)}
	a.hotS, a.hotI = a.store.hotS, a.store.hotI
	i := len(fixedColumns)
	for range a.hotS {
		a.strs = append(a.strs, a.b.Field(i).(*array.StringBuilder))
		i++
	}
	for range a.hotI {
		a.ints = append(a.ints, a.b.Field(i).(*array.Int64Builder))
		i++
	}
	a.ext = a.b.Field(i).(*array.StringBuilder)
	a.layout = a.b.Field(i + 1).(*array.Int64Builder)
	a.raw = a.b.Field(i + 2).(*array.StringBuilder)
	a.work = make(chan arrow.RecordBatch)
	a.done = make(chan error, 1)
	go a.flusher()
	return nil
}

// flusher inserts record batches into the events table, one at a time, on
// the appender's connection.
func (a *appender) flusher() {
	for rec := range a.work {
		a.done <- a.insert(rec)
		rec.Release()
	}
}

// wait returns the result of the batch being inserted, if any.
func (a *appender) wait() error {
	if !a.busy {
		return nil
	}
	a.busy = false
	return <-a.done
}

func (a *appender) begin() error {
	if a.b == nil {
		if err := a.init(); err != nil {
			return err
		}
	}
	if _, err := a.conn.ExecContext(a.ctx, "BEGIN TRANSACTION"); err != nil {
		return fmt.Errorf("begin batch: %w", err)
	}
	a.inTx = true
	return nil
}

func appendStr(b *array.StringBuilder, s string) {
	if s == "" {
		b.AppendNull()
		return
	}
	b.Append(s)
}

// Append adds ev to the current batch.
func (a *appender) Append(ev *event.Event) error {
	if !a.inTx {
		if err := a.begin(); err != nil {
			return err
		}
	}
	a.ts.Append(arrow.Timestamp(ev.Time))
	a.strs[0].Append(ev.Kind)
	appendStr(a.strs[1], ev.Host)
	a.ints[0].Append(a.importID)
	a.ints[1].Append(ev.Seq)
	for k, f := range a.hotS {
		appendStr(a.strs[2+k], ev.Str(f))
	}
	for k, f := range a.hotI {
		if v, ok := ev.Int(f); ok {
			a.ints[2+k].Append(v)
		} else {
			a.ints[2+k].AppendNull()
		}
	}
	a.rawBuf = appendExtJSON(a.rawBuf[:0], ev)
	if len(a.rawBuf) == 0 {
		a.ext.AppendNull()
	} else {
		a.ext.BinaryBuilder.Append(a.rawBuf)
	}
	layout, ok, buf, err := a.store.rawColumns(a.ctx, &a.lc, ev.Raw, a.rawBuf[:0])
	if err != nil {
		return err
	}
	a.rawBuf = buf
	if ok {
		a.layout.Append(layout)
	} else {
		a.layout.AppendNull()
	}
	a.raw.BinaryBuilder.Append(a.rawBuf)
	a.rows++
	a.pending++
	if a.rows >= arrowChunk {
		return a.flush()
	}
	return nil
}

// flush hands the rows built so far to the flusher, after the previous
// batch has gone in.
func (a *appender) flush() error {
	if err := a.wait(); err != nil {
		return err
	}
	if a.rows == 0 {
		return nil
	}
	rec := a.b.NewRecordBatch()
	a.rows = 0
	a.b.Reserve(arrowChunk)
	a.busy = true
	a.work <- rec
	return nil
}

// insert copies one record batch into the events table inside the open
// transaction.
func (a *appender) insert(rec arrow.RecordBatch) error {
	reader, err := array.NewRecordReader(a.schema, []arrow.RecordBatch{rec})
	if err != nil {
		return fmt.Errorf("append batch: %w", err)
	}
	defer reader.Release()
	a.n++
	name := "fb_append_" + strconv.FormatInt(a.id, 10) + "_" + strconv.FormatInt(a.n, 10)
	release, err := a.arrow.RegisterView(reader, name)
	if err != nil {
		return fmt.Errorf("append batch: %w", err)
	}
	defer release()
	if _, err := a.conn.ExecContext(a.ctx, "INSERT INTO events SELECT * FROM "+quoteIdent(name)); err != nil {
		return fmt.Errorf("append batch: %w", err)
	}
	if _, err := a.conn.ExecContext(a.ctx, "DROP VIEW "+quoteIdent(name)); err != nil {
		return fmt.Errorf("append batch: %w", err)
	}
	return nil
}

// Commit writes the remaining rows and commits the batch, counting it in
// the import registry in the same transaction.
func (a *appender) Commit() error {
	if !a.inTx {
		return nil
	}
	if err := a.flush(); err != nil {
		return err
	}
	if err := a.wait(); err != nil {
		return err
	}
	return commitBatch(a.ctx, a.conn, a.importID, &a.pending, &a.inTx)
}

// Close abandons uncommitted rows and releases the connection.
func (a *appender) Close() error {
	if a.b != nil {
		_ = a.wait()
		close(a.work)
		a.b.Release()
		a.b = nil
	}
	return closeBatch(a.conn, &a.inTx)
}
