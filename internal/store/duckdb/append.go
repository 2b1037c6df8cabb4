package duckdb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"time"
	"unicode/utf8"

	duck "github.com/duckdb/duckdb-go/v2"

	"github.com/firebreak-ir/firebreak/internal/event"
	"github.com/firebreak-ir/firebreak/internal/store"
)

type appender struct {
	ctx      context.Context
	importID int64
	conn     *sql.Conn
	app      *duck.Appender
	inTx     bool
	pending  int64
	row      []driver.Value
	raw      []byte
}

// Appender returns a writer for the events of an import, on a connection of
// its own so that imports of different files run in parallel.
func (s *Store) Appender(ctx context.Context, importID int64) (store.Appender, error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("appender: %w", err)
	}
	return &appender{
		ctx:      ctx,
		importID: importID,
		conn:     conn,
		row:      make([]driver.Value, len(eventColumns())),
	}, nil
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
	for f := range event.NumStr {
		r[i] = nullable(ev.Str(event.StrField(f)))
		i++
	}
	for f := range event.NumInt {
		if v, ok := ev.Int(event.IntField(f)); ok {
			r[i] = v
		} else {
			r[i] = nil
		}
		i++
	}
	a.raw = AppendRawJSON(a.raw[:0], ev.Raw)
	r[i] = string(a.raw)
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
	if err := a.app.Close(); err != nil {
		a.app = nil
		return fmt.Errorf("flush batch: %w", err)
	}
	a.app = nil
	if _, err := a.conn.ExecContext(a.ctx, `UPDATE imports SET events = events + ?, batches = batches + 1 WHERE id = ?`, a.pending, a.importID); err != nil {
		return fmt.Errorf("commit batch: %w", err)
	}
	if _, err := a.conn.ExecContext(a.ctx, "COMMIT"); err != nil {
		return fmt.Errorf("commit batch: %w", err)
	}
	a.inTx = false
	a.pending = 0
	return nil
}

// Close rolls back an uncommitted batch and releases the connection.
func (a *appender) Close() error {
	if a.app != nil {
		_ = a.app.Close()
		a.app = nil
	}
	if a.inTx {
		// A fresh context: the caller's may be cancelled, and the
		// rollback must still happen.
		_, _ = a.conn.ExecContext(context.Background(), "ROLLBACK")
		a.inTx = false
	}
	return a.conn.Close()
}

func nullable(s string) driver.Value {
	if s == "" {
		return nil
	}
	return s
}

// AppendRawJSON appends the original fields as a JSON object, keys in order.
// Invalid UTF-8 is replaced, so that every value stays valid JSON text.
// Duplicate names are kept (JSON readers take the last; the stored text keeps
// all of them).
func AppendRawJSON(b []byte, raw []event.Field) []byte {
	b = append(b, '{')
	for i := range raw {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, raw[i].Name)
		b = append(b, ':')
		b = appendJSONString(b, raw[i].Value)
	}
	return append(b, '}')
}

func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < 0x80 {
			i++
			continue
		}
		if c < 0x80 {
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&15])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i++
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
