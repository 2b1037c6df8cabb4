package duckdb

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"github.com/firebreak-ir/firebreak/internal/event"
	"github.com/firebreak-ir/firebreak/internal/jsontext"
)

// A layout is the ordered list of original field names of a record. Most
// sources repeat a few layouts millions of times (every conn.log line has
// the same fields), so the raw column stores only the values, as a JSON
// array, and the events table refers to the layout by number. That halves
// the stored text and the work of compressing it. Records whose layout
// cannot be registered (past maxLayouts, for sources whose field names vary
// without end) keep their fields as a JSON object and no layout.

// defaultMaxLayouts bounds the layouts registered in one store.
const defaultMaxLayouts = 16384

// layouts is the store's layout registry, shared by its appenders.
type layouts struct {
	mu    sync.Mutex
	ids   map[string]int64
	names map[int64][]string
	next  int64
	max   int
}

func (l *layouts) load(ctx context.Context, db *sql.DB) error {
	l.ids = map[string]int64{}
	l.names = map[int64][]string{}
	l.max = defaultMaxLayouts
	rows, err := db.QueryContext(ctx, `SELECT id, CAST(to_json(names) AS VARCHAR) FROM layouts`)
	if err != nil {
		return fmt.Errorf("read layouts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var text string
		if err := rows.Scan(&id, &text); err != nil {
			return fmt.Errorf("read layouts: %w", err)
		}
		var names []string
		if err := json.Unmarshal([]byte(text), &names); err != nil {
			return fmt.Errorf("read layout %d: %w", id, err)
		}
		l.ids[layoutKey(names)] = id
		l.names[id] = names
		l.next = max(l.next, id)
	}
	return rows.Err()
}

func layoutKey(names []string) string { return strings.Join(names, "\x00") }

// id returns the layout number for the names of raw, registering a new
// layout (committed at once, before any event refers to it). It reports
// false when the registry is full.
func (l *layouts) id(ctx context.Context, db *sql.DB, raw []event.Field) (int64, bool, error) {
	names := make([]string, len(raw))
	for i := range raw {
		names[i] = raw[i].Name
	}
	key := layoutKey(names)
	l.mu.Lock()
	defer l.mu.Unlock()
	if id, ok := l.ids[key]; ok {
		return id, true, nil
	}
	if len(l.ids) >= l.max {
		return 0, false, nil
	}
	id := l.next + 1
	text := jsonStrings(names)
	if _, err := db.ExecContext(ctx, `INSERT INTO layouts VALUES (?, CAST(CAST(? AS JSON) AS VARCHAR[]))`, id, text); err != nil {
		return 0, false, fmt.Errorf("register layout: %w", err)
	}
	l.next = id
	l.ids[key] = id
	l.names[id] = names
	return id, true, nil
}

// lookup returns the names of a layout, reading the table when another
// process registered it after this store was opened.
func (l *layouts) lookup(ctx context.Context, db *sql.DB, id int64) ([]string, error) {
	l.mu.Lock()
	names, ok := l.names[id]
	l.mu.Unlock()
	if ok {
		return names, nil
	}
	var text string
	if err := db.QueryRowContext(ctx, `SELECT CAST(to_json(names) AS VARCHAR) FROM layouts WHERE id = ?`, id).Scan(&text); err != nil {
		return nil, fmt.Errorf("layout %d: %w", id, err)
	}
	if err := json.Unmarshal([]byte(text), &names); err != nil {
		return nil, fmt.Errorf("layout %d: %w", id, err)
	}
	l.mu.Lock()
	l.names[id] = names
	l.mu.Unlock()
	return names, nil
}

func jsonStrings(ss []string) string {
	b := []byte{'['}
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = jsontext.AppendString(b, s)
	}
	return string(append(b, ']'))
}

// layoutCache remembers an appender's last layout, so that the common case
// (the same fields as the previous record) costs a few string comparisons.
type layoutCache struct {
	names []string
	id    int64
}

// rawColumns returns the layout and raw column text for ev's original
// fields: a JSON array of values with a layout, or a JSON object when no
// layout could be registered.
func (s *Store) rawColumns(ctx context.Context, c *layoutCache, raw []event.Field, buf []byte) (int64, bool, []byte, error) {
	same := c.names != nil && len(c.names) == len(raw)
	for i := 0; same && i < len(raw); i++ {
		same = c.names[i] == raw[i].Name
	}
	if !same {
		id, ok, err := s.layouts.id(ctx, s.db, raw)
		if err != nil {
			return 0, false, buf, err
		}
		if !ok {
			return 0, false, AppendRawJSON(buf, raw), nil
		}
		c.id = id
		c.names = c.names[:0]
		for i := range raw {
			c.names = append(c.names, raw[i].Name)
		}
	}
	buf = append(buf, '[')
	for i := range raw {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = jsontext.AppendString(buf, raw[i].Value)
	}
	return c.id, true, append(buf, ']'), nil
}
