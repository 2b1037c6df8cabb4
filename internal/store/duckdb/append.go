package duckdb

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/firebreak-ir/firebreak/internal/event"
	"github.com/firebreak-ir/firebreak/internal/jsontext"
	"github.com/firebreak-ir/firebreak/internal/store"
)

// Appender returns a writer for the events of an import, on a connection of
// its own so that imports of different files run in parallel. Two write
// paths exist: Arrow record batches (built with the duckdb_arrow tag, the
// fast path the project's scripts build) and DuckDB's row appender.
func (s *Store) Appender(ctx context.Context, importID int64) (store.Appender, error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("appender: %w", err)
	}
	return newAppender(ctx, s, importID, conn, s.apps.Add(1)), nil
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
		b = jsontext.AppendString(b, raw[i].Name)
		b = append(b, ':')
		b = jsontext.AppendString(b, raw[i].Value)
	}
	return append(b, '}')
}

// commitBatch records the batch in the batch log and commits, so the
// registry and the events always agree.
func commitBatch(ctx context.Context, conn *sql.Conn, importID int64, pending *int64, inTx *bool) error {
	if _, err := conn.ExecContext(ctx, `INSERT INTO batches VALUES (?, ?, now())`, importID, *pending); err != nil {
		return fmt.Errorf("commit batch: %w", err)
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		return fmt.Errorf("commit batch: %w", err)
	}
	*inTx = false
	*pending = 0
	return nil
}

// closeBatch rolls back an open batch and releases the connection.
func closeBatch(conn *sql.Conn, inTx *bool) error {
	if *inTx {
		// A fresh context: the caller's may be cancelled, and the
		// rollback must still happen.
		_, _ = conn.ExecContext(context.Background(), "ROLLBACK")
		*inTx = false
	}
	return conn.Close()
}
