// Package duckdb is the embedded event store: one DuckDB database file in
// the investigation's data directory, nothing to install or run.
//
// Normalised fields are columns, so filters and joins are columnar; the
// original fields of each record are kept in the raw column (values as a
// JSON array, names in the layout registry), queryable with DuckDB's JSON functions. Events are written through
// DuckDB's appender inside explicit transactions: a batch is committed whole
// or not at all, and a process killed mid-import leaves only whole batches.
package duckdb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	duck "github.com/duckdb/duckdb-go/v2"

	"github.com/firebreak-ir/firebreak/internal/event"
	"github.com/firebreak-ir/firebreak/internal/store"
)

// FileName is the database file inside a data directory.
const FileName = "firebreak.duckdb"

// Options tune the embedded database.
type Options struct {
	// MemoryLimit bounds DuckDB's own memory, such as "512MB". Empty means
	// the default of this package (512MB), not DuckDB's 80% of RAM.
	MemoryLimit string
	// Threads bounds DuckDB's worker threads; 0 means the number of CPUs.
	Threads int
	// MustExist refuses to create a new database: commands that only read
	// an investigation must not turn a mistyped --data into an empty one.
	MustExist bool
}

// ErrBusy is returned by Open when another process has the database open.
var ErrBusy = errors.New("investigation busy")

// lockHolder finds the process named in DuckDB's lock conflict message.
var lockHolder = regexp.MustCompile(`Conflicting lock is held in (.*) \(PID (\d+)\)`)

// ErrNoData is returned by Open with MustExist when dir holds no database.
var ErrNoData = errors.New("no investigation data here")

// Store is a DuckDB-backed store.Store.
type Store struct {
	db   *sql.DB
	conn *duck.Connector
	path string

	mu     sync.Mutex // serialises import registry changes
	nextID int64
	apps   atomic.Int64 // appenders made, for names unique across connections

	layouts layouts

	// The fields with columns of their own, in column order, worked out
	// once: every appended and every read row walks them.
	hotS []event.StrField
	hotI []event.IntField
}

var _ store.Store = (*Store)(nil)

// Open opens (creating if needed) the store in dir and migrates its schema.
func Open(ctx context.Context, dir string, opt Options) (*Store, error) {
	if opt.MustExist {
		if _, err := os.Stat(filepath.Join(dir, FileName)); err != nil {
			return nil, fmt.Errorf("%s: %w (firebreak ingest --data %s … creates it)", dir, ErrNoData, dir)
		}
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	path := filepath.Join(dir, FileName)
	if opt.MemoryLimit == "" {
		opt.MemoryLimit = "512MB"
	}
	// Insertion order need not be kept (every reader orders by time and
	// position); the allocator returns freed memory to the system early,
	// so that resident memory stays near the limit.
	dsn := path + "?memory_limit=" + opt.MemoryLimit + "&preserve_insertion_order=false" +
		"&allocator_flush_threshold=16MB&allocator_background_threads=true"
	if opt.Threads > 0 {
		dsn += fmt.Sprintf("&threads=%d", opt.Threads)
	}
	connector, err := duck.NewConnector(dsn, nil)
	if err != nil {
		return nil, openError(dir, path, err)
	}
	db := sql.OpenDB(connector)
	s := &Store{db: db, conn: connector, path: path, hotS: hotStr(), hotI: hotInt()}
	if err := s.migrate(ctx); err != nil {
		_ = db.Close()
		return nil, openError(dir, path, err)
	}
	if err := s.layouts.load(ctx, db); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if err := registerFunctions(ctx, db); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("open %s: register functions: %w", path, err)
	}
	if err := db.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM imports`).Scan(&s.nextID); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("open %s: read imports: %w", path, err)
	}
	return s, nil
}

// openError explains the commonest failure, another process holding the
// database, in a responder's terms.
func openError(dir, path string, err error) error {
	if m := lockHolder.FindStringSubmatch(err.Error()); m != nil {
		return fmt.Errorf("%s is in use by another firebreak (%s, PID %s): wait for it to finish: %w", dir, m[1], m[2], ErrBusy)
	}
	return fmt.Errorf("open %s: %w", path, err)
}

// DB exposes the database for packages that run their own SQL over the
// events (sweeps, analytics). Writes must go through the Store.
func (s *Store) DB() *sql.DB { return s.db }

// Path is the database file.
func (s *Store) Path() string { return s.path }

// Close checkpoints and closes the database.
func (s *Store) Close() error {
	err := s.db.Close()
	if cerr := s.conn.Close(); err == nil {
		err = cerr
	}
	return err
}

// FindImport returns the complete import with the given content hash.
func (s *Store) FindImport(ctx context.Context, sha string) (store.Import, error) {
	rows, err := s.db.QueryContext(ctx, importSelect+` WHERE sha256 = ? AND status = ? ORDER BY id LIMIT 1`, sha, store.ImportComplete)
	if err != nil {
		return store.Import{}, fmt.Errorf("find import: %w", err)
	}
	imps, err := scanImports(rows)
	if err != nil {
		return store.Import{}, fmt.Errorf("find import: %w", err)
	}
	if len(imps) == 0 {
		return store.Import{}, store.ErrNotFound
	}
	return imps[0], nil
}

// BeginImport registers an import, removing what an unfinished import of the
// same content left behind.
func (s *Store) BeginImport(ctx context.Context, imp store.Import) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("begin import: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	var unfinished int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM imports WHERE sha256 = ? AND status <> ?`, imp.SHA256, store.ImportComplete).Scan(&unfinished); err != nil {
		return 0, fmt.Errorf("begin import: %w", err)
	}
	if unfinished > 0 {
		if _, err := tx.ExecContext(ctx, `DELETE FROM events WHERE import_id IN (SELECT id FROM imports WHERE sha256 = ? AND status <> ?)`, imp.SHA256, store.ImportComplete); err != nil {
			return 0, fmt.Errorf("begin import: remove unfinished import: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM batches WHERE import_id IN (SELECT id FROM imports WHERE sha256 = ? AND status <> ?)`, imp.SHA256, store.ImportComplete); err != nil {
			return 0, fmt.Errorf("begin import: remove unfinished import: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM imports WHERE sha256 = ? AND status <> ?`, imp.SHA256, store.ImportComplete); err != nil {
			return 0, fmt.Errorf("begin import: remove unfinished import: %w", err)
		}
	}
	s.nextID++
	id := s.nextID
	started := imp.Started
	if started.IsZero() {
		started = time.Now()
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO imports (id, path, size, sha256, format, status, events, rejected, batches, started)
		VALUES (?, ?, ?, ?, ?, ?, 0, 0, 0, ?)`, id, imp.Path, imp.Size, imp.SHA256, imp.Format, store.ImportRunning, started.UTC()); err != nil {
		return 0, fmt.Errorf("begin import: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("begin import: %w", err)
	}
	return id, nil
}

// FinishImport marks an import complete with its final counts.
func (s *Store) FinishImport(ctx context.Context, imp store.Import) error {
	fin := imp.Finished
	if fin.IsZero() {
		fin = time.Now()
	}
	status := imp.Status
	if status == "" {
		status = store.ImportComplete
	}
	_, err := s.db.ExecContext(ctx, `UPDATE imports SET status = ?, events = ?, rejected = ?, batches = ?, finished = ? WHERE id = ?`,
		status, imp.Events, imp.Rejected, imp.Batches, fin.UTC(), imp.ID)
	if err != nil {
		return fmt.Errorf("finish import %d: %w", imp.ID, err)
	}
	return nil
}

// Imports lists all imports.
func (s *Store) Imports(ctx context.Context) ([]store.Import, error) {
	rows, err := s.db.QueryContext(ctx, importSelect+` ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list imports: %w", err)
	}
	return scanImports(rows)
}

// importSelect reads the registry; the event and batch counts of an import
// that has not finished come from the batch log.
const importSelect = `SELECT id, path, size, sha256, format, status,
	CASE WHEN status = 'running' THEN coalesce((SELECT sum(events) FROM batches b WHERE b.import_id = imports.id), 0) ELSE events END,
	rejected,
	CASE WHEN status = 'running' THEN (SELECT count(*) FROM batches b WHERE b.import_id = imports.id) ELSE batches END,
	started, finished FROM imports`

func scanImports(rows *sql.Rows) ([]store.Import, error) {
	defer rows.Close()
	var out []store.Import
	for rows.Next() {
		var imp store.Import
		var fin sql.NullTime
		if err := rows.Scan(&imp.ID, &imp.Path, &imp.Size, &imp.SHA256, &imp.Format, &imp.Status,
			&imp.Events, &imp.Rejected, &imp.Batches, &imp.Started, &fin); err != nil {
			return nil, err
		}
		if fin.Valid {
			imp.Finished = fin.Time
		}
		out = append(out, imp)
	}
	return out, rows.Err()
}

// rawConn runs fn with the driver connection underlying a dedicated
// database connection.
func rawConn(ctx context.Context, c *sql.Conn, fn func(driver.Conn) error) error {
	return c.Raw(func(dc any) error {
		d, ok := dc.(driver.Conn)
		if !ok {
			return errors.New("unexpected driver connection type")
		}
		return fn(d)
	})
}

// quoteIdent quotes an SQL identifier.
func quoteIdent(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}
