//go:build duckdb_arrow

package duckdb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"strconv"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	duck "github.com/duckdb/duckdb-go/v2"

	"github.com/firebreak-ir/firebreak/internal/event"
)

// arrowChunk is how many rows are built in Go before DuckDB takes them.
const arrowChunk = 16 * 1024

// appender builds Arrow record batches in Go memory and streams them into
// one INSERT … SELECT per committed batch: DuckDB reads the stream while Go
// builds the next record, and nothing crosses into C per value. Memory is
// bounded by the records in flight (the one being built, one queued, the
// one DuckDB reads), whatever the batch size.
type appender struct {
	ctx      context.Context
	importID int64
	conn     *sql.Conn
	arrow    *duck.Arrow
	inTx     bool
	pending  int64
	rows     int
	n        int64 // views registered, for unique names

	schema *arrow.Schema
	b      *array.RecordBuilder
	ts     *array.TimestampBuilder
	strs   []*array.StringBuilder // kind, host, then hot text fields
	ints   []*array.Int64Builder  // import_id, seq, then hot integer fields
	ext    *array.StringBuilder
	raw    *array.StringBuilder
	buf    []byte
	hotS   []event.StrField
	hotI   []event.IntField

	stream *streamReader // the open INSERT's input, nil when none
	done   chan error    // the open INSERT's result
}

func newAppender(ctx context.Context, importID int64, conn *sql.Conn) *appender {
	return &appender{ctx: ctx, importID: importID, conn: conn}
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
	// hot text fields, hot integer fields, ext, raw.
	a.ts = a.b.Field(0).(*array.TimestampBuilder)
	a.strs = []*array.StringBuilder{a.b.Field(1).(*array.StringBuilder), a.b.Field(2).(*array.StringBuilder)}
	a.ints = []*array.Int64Builder{a.b.Field(3).(*array.Int64Builder), a.b.Field(4).(*array.Int64Builder)}
	a.hotS, a.hotI = hotStr(), hotInt()
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
	a.raw = a.b.Field(i + 1).(*array.StringBuilder)
	return nil
}

// begin opens a transaction and an INSERT that reads from a stream of
// record batches until the batch is committed.
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
	a.n++
	name := "fb_append_" + strconv.FormatInt(a.importID, 10) + "_" + strconv.FormatInt(a.n, 10)
	stream := newStreamReader(a.schema)
	release, err := a.arrow.RegisterView(stream, name)
	if err != nil {
		return fmt.Errorf("begin batch: %w", err)
	}
	a.stream = stream
	a.done = make(chan error, 1)
	go func() {
		_, err := a.conn.ExecContext(a.ctx, "INSERT INTO events SELECT * FROM "+quoteIdent(name))
		if err == nil {
			_, err = a.conn.ExecContext(a.ctx, "DROP VIEW "+quoteIdent(name))
		}
		// Whatever happened, stop accepting records and free those
		// still queued, so that a sender never waits forever.
		stream.abort()
		release()
		a.done <- err
	}()
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
	a.buf = appendExtJSON(a.buf[:0], ev)
	if len(a.buf) == 0 {
		a.ext.AppendNull()
	} else {
		a.ext.BinaryBuilder.Append(a.buf)
	}
	a.buf = AppendRawJSON(a.buf[:0], ev.Raw)
	a.raw.BinaryBuilder.Append(a.buf)
	a.rows++
	a.pending++
	if a.rows >= arrowChunk {
		return a.flush()
	}
	return nil
}

// flush passes the rows built so far to the open INSERT.
func (a *appender) flush() error {
	if a.rows == 0 {
		return nil
	}
	rec := a.b.NewRecordBatch()
	a.rows = 0
	a.b.Reserve(arrowChunk)
	if !a.stream.send(rec) {
		// The INSERT has ended early: its error says why.
		return a.finish()
	}
	return nil
}

// finish ends the stream and waits for the INSERT.
func (a *appender) finish() error {
	if a.stream == nil {
		return nil
	}
	a.stream.close()
	err := <-a.done
	a.stream = nil
	if err != nil {
		return fmt.Errorf("append batch: %w", err)
	}
	return nil
}

// Commit writes the remaining rows, waits for the INSERT and commits the
// batch, counting it in the import registry in the same transaction.
func (a *appender) Commit() error {
	if !a.inTx {
		return nil
	}
	if err := a.flush(); err != nil {
		return err
	}
	if err := a.finish(); err != nil {
		return err
	}
	return commitBatch(a.ctx, a.conn, a.importID, &a.pending, &a.inTx)
}

// Close abandons uncommitted rows and releases the connection.
func (a *appender) Close() error {
	if a.stream != nil {
		a.stream.abort()
		_ = a.finish()
	}
	if a.b != nil {
		a.b.Release()
		a.b = nil
	}
	return closeBatch(a.conn, &a.inTx)
}

// streamReader is an array.RecordReader fed from Go while DuckDB reads it:
// Next blocks until a record is sent or the stream is closed.
type streamReader struct {
	refs    atomic.Int64
	schema  *arrow.Schema
	ch      chan arrow.RecordBatch
	stop    chan struct{}
	stopped atomic.Bool
	cur     arrow.RecordBatch
}

func newStreamReader(schema *arrow.Schema) *streamReader {
	r := &streamReader{schema: schema, ch: make(chan arrow.RecordBatch, 1), stop: make(chan struct{})}
	r.refs.Store(1)
	return r
}

// send queues rec for DuckDB, taking ownership of it. It reports false when
// the reader was aborted.
func (r *streamReader) send(rec arrow.RecordBatch) bool {
	select {
	case r.ch <- rec:
		return true
	case <-r.stop:
		rec.Release()
		return false
	}
}

// close marks the end of the stream after the queued records.
func (r *streamReader) close() { close(r.ch) }

// abort stops the stream at once, for errors and cancellation.
func (r *streamReader) abort() {
	if r.stopped.CompareAndSwap(false, true) {
		close(r.stop)
	}
}

func (r *streamReader) Retain() { r.refs.Add(1) }

func (r *streamReader) Release() {
	if r.refs.Add(-1) == 0 && r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
}

func (r *streamReader) Schema() *arrow.Schema { return r.schema }

func (r *streamReader) Next() bool {
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
	select {
	case rec, ok := <-r.ch:
		if !ok {
			return false
		}
		r.cur = rec
		return true
	case <-r.stop:
		return false
	}
}

func (r *streamReader) RecordBatch() arrow.RecordBatch { return r.cur }

// Record is the deprecated name of RecordBatch, required by the interface.
func (r *streamReader) Record() arrow.RecordBatch { return r.cur }

func (r *streamReader) Err() error { return nil }
