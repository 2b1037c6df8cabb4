package evtx

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/firebreak-ir/firebreak/internal/decode"
)

// DumpOptions control Dump and DumpReaderAt.
type DumpOptions struct {
	// Format is "json" (one object per line with the ordered System and
	// payload fields, the default) or "xml" (the records as indented XML inside <Events>).
	Format string
	// Workers is the number of chunks decoded in parallel; 0 means
	// GOMAXPROCS.
	Workers int
	// Recover also writes records found in the slack space of chunks,
	// marked "Recovered": true in JSON and preceded by a comment in XML.
	Recover bool
	// Damage, when set, is called for every damaged chunk or record, in
	// file order. When nil, the first damage reports are returned joined
	// in the error, after every readable record has been written.
	Damage func(*decode.RecordError)
}

// Stats counts what a dump read.
type Stats struct {
	Records int   // records written
	Damaged int   // damage reports
	Chunks  int   // chunk-sized blocks scanned
	Bytes   int64 // input size
}

// maxJoined is how many damage reports an error carries when no Damage
// callback is set.
const maxJoined = 20

// Dump writes the records of the EVTX file at path to w as JSON lines
// (format "json") or XML (format "xml"). Damaged parts are skipped; the
// returned error then lists them, after all readable records were written.
func Dump(ctx context.Context, w io.Writer, path string, format string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("evtx dump: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("evtx dump: %w", err)
	}
	_, err = DumpReaderAt(ctx, w, f, st.Size(), path, DumpOptions{Format: format})
	return err
}

// DumpReaderAt is Dump over a reader of size bytes; path names it in errors.
func DumpReaderAt(ctx context.Context, w io.Writer, r io.ReaderAt, size int64, path string, opt DumpOptions) (Stats, error) {
	xml := false
	switch opt.Format {
	case "", "json", "jsonl":
	case "xml":
		xml = true
	default:
		return Stats{}, fmt.Errorf("evtx dump: unknown format %q (want json or xml)", opt.Format)
	}
	src, err := openSource(r, size, path)
	if err != nil {
		return Stats{}, fmt.Errorf("evtx dump: %w", err)
	}
	src.recover = opt.Recover
	stats := Stats{Chunks: src.blocks, Bytes: size}
	var joined []error
	report := func(e *decode.RecordError) {
		stats.Damaged++
		if opt.Damage != nil {
			opt.Damage(e)
		} else if len(joined) < maxJoined {
			joined = append(joined, e)
		}
	}
	for _, e := range src.damage {
		report(e)
	}
	if xml {
		if _, err := io.WriteString(w, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<Events>\n"); err != nil {
			return stats, fmt.Errorf("evtx dump: write: %w", err)
		}
	}
	fn := func(src *source, wk *worker, j *job) { dumpChunk(src, wk, j, xml) }
	err = chunks(src, src.workerCount(opt.Workers), fn, func(j *job) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if j.err != nil {
			return j.err
		}
		for _, e := range j.errs {
			report(e)
		}
		stats.Records += j.records
		if len(j.out) > 0 {
			if _, err := w.Write(j.out); err != nil {
				return fmt.Errorf("evtx dump: write: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return stats, err
	}
	if xml {
		if _, err := io.WriteString(w, "</Events>\n"); err != nil {
			return stats, fmt.Errorf("evtx dump: write: %w", err)
		}
	}
	if len(joined) > 0 {
		if stats.Damaged > len(joined) {
			joined = append(joined, fmt.Errorf("%s: %d more damage reports", path, stats.Damaged-len(joined)))
		}
		return stats, errors.Join(joined...)
	}
	return stats, nil
}

// dumpChunk renders the records of chunk j as XML or JSON into j.out.
func dumpChunk(src *source, w *worker, j *job, xml bool) {
	if !src.readChunk(w, j) {
		return
	}
	base := chunkOffset(j.index)
	for _, r := range w.c.recs {
		if r.reason != "" {
			j.damage(src, base+int64(r.off), "%s", r.reason)
			continue
		}
		mark := len(j.out)
		var err error
		if r.recovered {
			// Check with the field sink that the record is an event
			// before writing it.
			w.fields.reset()
			if err := w.c.render(r, &w.fields); err != nil || !w.fields.plausible() {
				continue
			}
		}
		if xml {
			if r.recovered {
				j.out = append(j.out, "<!-- recovered from chunk slack space -->\n"...)
			}
			w.xml.out = j.out
			w.xml.reset()
			err = w.c.render(r, &w.xml)
			j.out = append(w.xml.out, '\n')
		} else {
			w.fields.reset()
			err = w.c.render(r, &w.fields)
			if err == nil {
				j.out = appendRecordJSON(j.out, &w.fields)
				if r.recovered {
					j.out = append(j.out[:len(j.out)-1], `,"Recovered":true}`...)
				}
				j.out = append(j.out, '\n')
			}
		}
		if err != nil {
			j.out = j.out[:mark]
			if !r.recovered {
				id, _ := w.c.record(r)
				j.damage(src, base+int64(r.off), "record %d: %v", id, err)
			}
			continue
		}
		j.records++
	}
}
