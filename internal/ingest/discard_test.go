package ingest

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/firebreak-ir/firebreak/internal/event"
	"github.com/firebreak-ir/firebreak/internal/store"
)

// discardStore keeps nothing: it measures the pipeline without a database.
type discardStore struct{ store.Store }

func (discardStore) FindImport(context.Context, string) (store.Import, error) {
	return store.Import{}, store.ErrNotFound
}
func (discardStore) BeginImport(context.Context, store.Import) (int64, error) { return 1, nil }
func (discardStore) FinishImport(context.Context, store.Import) error         { return nil }
func (discardStore) Appender(context.Context, int64) (store.Appender, error) {
	return discardAppender{}, nil
}

type discardAppender struct{}

func (discardAppender) Append(*event.Event) error { return nil }
func (discardAppender) Commit() error             { return nil }
func (discardAppender) Close() error              { return nil }

// BenchmarkPipelineConnTSV measures read, hash, detect, decode and the
// pipeline, with a store that discards: the ceiling for ingest.
func BenchmarkPipelineConnTSV(b *testing.B) {
	const n = 300_000
	path := filepath.Join(b.TempDir(), "conn.log")
	size := writeBenchConn(b, path, n)
	b.SetBytes(size)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sum, err := Run(context.Background(), discardStore{}, []string{path}, Options{Formats: DefaultFormats()})
		if err != nil || sum.Events != n {
			b.Fatalf("events %d, err %v", sum.Events, err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
}
