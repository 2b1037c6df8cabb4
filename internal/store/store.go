// Package store defines what firebreak keeps about an investigation and how
// the rest of the system reads and writes it: the events, and the registry
// of imported files that makes re-importing a file a no-op.
//
// The embedded implementation is store/duckdb; a scale-out implementation
// serves the same interface later. Callers depend on this package only.
package store

import (
	"context"
	"errors"
	"time"

	"github.com/firebreak-ir/firebreak/internal/event"
)

// ErrNotFound is returned when a looked-up item does not exist.
var ErrNotFound = errors.New("not found")

// Import statuses.
const (
	ImportRunning  = "running"  // batches are being committed; a crash leaves it here
	ImportComplete = "complete" // every record of the file is stored
	ImportFailed   = "failed"   // stopped by an error; the whole batches before it are stored
)

// Import is one file taken into the store.
type Import struct {
	ID       int64
	Path     string
	Size     int64
	SHA256   string
	Format   string
	Status   string
	Events   int64 // events stored
	Rejected int64 // records that could not be decoded
	Batches  int64
	Started  time.Time
	Finished time.Time
}

// Store is an investigation's data.
type Store interface {
	// FindImport returns the complete import of a file with the given
	// content hash, or ErrNotFound.
	FindImport(ctx context.Context, sha256 string) (Import, error)
	// BeginImport registers a new import and returns its ID. Events left by
	// an earlier import of the same content that never completed are
	// removed first, so a re-run after a crash stores every event once.
	BeginImport(ctx context.Context, imp Import) (int64, error)
	// Appender returns a writer for the events of an import. Each Commit
	// makes the events written since the last one visible at once, or
	// none of them.
	Appender(ctx context.Context, importID int64) (Appender, error)
	// FinishImport records the final counts and status (ImportComplete
	// when imp.Status is empty).
	FinishImport(ctx context.Context, imp Import) error
	// Imports lists every import, oldest first.
	Imports(ctx context.Context) ([]Import, error)
	// Search calls fn for each event matching q, in time order.
	Search(ctx context.Context, q Query, fn func(*event.Event) error) error
	// Stats counts events per kind, host and day.
	Stats(ctx context.Context, q Query) ([]StatRow, error)
	// Close releases the store.
	Close() error
}

// Appender writes events of one import in batches.
type Appender interface {
	// Append adds an event to the current batch. The event may be reused
	// by the caller once Append returns.
	Append(ev *event.Event) error
	// Commit makes the current batch durable and visible, all or nothing.
	Commit() error
	// Close abandons an uncommitted batch and releases the appender.
	Close() error
}

// Op is a comparison in a search condition.
type Op uint8

// Search operators.
const (
	OpEq       Op = iota // equal (case-insensitive for lower-cased fields)
	OpNe                 // not equal
	OpContains           // contains text, case-insensitive
	OpCIDR               // IP address within a CIDR prefix
	OpGt                 // greater than (integers)
	OpLt                 // less than (integers)
)

// Cond is one search condition. Field is a normalised field (ECS name such as
// "destination.ip", or its column name) or the native name of an original
// field (such as "uid" or "CommandLine").
type Cond struct {
	Field string
	Op    Op
	Value string
}

// Query selects events. Zero values mean no restriction.
type Query struct {
	From, To int64 // nanoseconds since the epoch; To is exclusive
	Kinds    []string
	Hosts    []string
	Conds    []Cond
	Limit    int
	Desc     bool // newest first
}

// StatRow is one group of a Stats result.
type StatRow struct {
	Kind   string
	Host   string
	Day    time.Time
	Events int64
	First  int64
	Last   int64
}
