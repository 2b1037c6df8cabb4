package evtx

import (
	"bytes"
	"io"
	"runtime"
	"strconv"

	"github.com/firebreak-ir/firebreak/internal/decode"
	"github.com/firebreak-ir/firebreak/internal/event"
)

// Format lets ingest recognise EVTX files by their signature and decode
// them with random access.
var Format = decode.Format{
	Name:   "evtx",
	Detect: func(head []byte) bool { return bytes.HasPrefix(head, []byte(fileMagic)) },
	OpenAt: func(r io.ReaderAt, size int64, path string) (decode.Decoder, error) {
		return NewDecoder(r, size, path, Options{})
	},
}

// Options tune a Decoder.
type Options struct {
	// Workers is the number of chunks decoded in parallel; 0 means
	// GOMAXPROCS. With 1, chunks are decoded on the caller's goroutine.
	Workers int
	// Normalise is applied to every event after its original fields are
	// set; nil means the winlog normaliser.
	Normalise func(*event.Event)
	// Recover also reads records left in the slack space of chunks (after
	// their last record), as forensic tools do. Such events carry a last
	// original field Recovered=true. Slack records that do not decode are
	// dropped without a report.
	Recover bool
}

// Decoder reads the records of one EVTX file as events. It implements
// decode.Decoder. Damaged chunks and records come back from Next as
// *decode.RecordError, in file order among the events.
type Decoder struct {
	*decoderState
}

// decoderState is the part of a Decoder the pipeline goroutines never see,
// so that an abandoned Decoder can be collected and its pipeline stopped.
type decoderState struct {
	src       *source
	normalise func(*event.Event)
	pipe      *pipeline
	seq       *worker // sequential mode
	seqJob    *job
	next      int // next block in sequential mode
	cur       *job
	pos       int
	pending   []*decode.RecordError
	fatal     error
	done      bool
}

// NewDecoder returns a decoder over the EVTX file in r, size bytes long;
// path names it in errors. It fails only when r is not an EVTX file or
// cannot be read.
func NewDecoder(r io.ReaderAt, size int64, path string, opt Options) (*Decoder, error) {
	src, err := openSource(r, size, path)
	if err != nil {
		return nil, err
	}
	src.recover = opt.Recover
	st := &decoderState{src: src, normalise: opt.Normalise, pending: src.damage}
	if st.normalise == nil {
		st.normalise = defaultNormalise
	}
	d := &Decoder{st}
	if n := src.workerCount(opt.Workers); n > 1 {
		st.pipe = startPipeline(src, n, st.decodeChunk)
		runtime.AddCleanup(d, func(p *pipeline) { p.stop() }, st.pipe)
	} else {
		st.seq = newWorker()
		st.seqJob = &job{}
	}
	return d, nil
}

// Close stops the decoder's goroutines. It is needed only when the decoder
// is abandoned before Next returns io.EOF.
func (d *Decoder) Close() error {
	if d.pipe != nil {
		d.pipe.stop()
	}
	return nil
}

// Next decodes the next record into ev.
func (d *Decoder) Next(ev *event.Event) error {
	if len(d.pending) > 0 {
		err := d.pending[0]
		d.pending = d.pending[1:]
		return err
	}
	for {
		if d.fatal != nil {
			return d.fatal
		}
		if j := d.cur; j != nil && d.pos < len(j.items) {
			it := j.items[d.pos]
			d.pos++
			if it < 0 {
				return j.errs[^it]
			}
			src := &j.events[it]
			raw := append(ev.Raw[:0], src.Raw...)
			*ev = *src
			ev.Raw = raw
			return nil
		}
		if d.cur != nil {
			if d.cur.err != nil {
				d.fatal = d.cur.err
				continue
			}
			if d.pipe != nil {
				d.pipe.release(d.cur)
			}
			d.cur = nil
		}
		if d.done {
			return io.EOF
		}
		d.cur, d.pos = d.nextChunk(), 0
		if d.cur == nil {
			d.done = true
			if d.pipe != nil {
				d.pipe.stop()
			}
			return io.EOF
		}
	}
}

func (d *decoderState) nextChunk() *job {
	if d.pipe != nil {
		return d.pipe.next()
	}
	if d.next >= d.src.blocks {
		return nil
	}
	j := d.seqJob
	j.index = d.next
	d.next++
	j.reset()
	d.decodeChunk(d.src, d.seq, j)
	return j
}

// decodeChunk turns the records of chunk j into events.
func (d *decoderState) decodeChunk(src *source, w *worker, j *job) {
	if !src.readChunk(w, j) {
		return
	}
	base := chunkOffset(j.index)
	n := 0
	for _, r := range w.c.recs {
		if r.reason != "" {
			j.damage(src, base+int64(r.off), "%s", r.reason)
			continue
		}
		w.fields.reset()
		if err := w.c.render(r, &w.fields); err != nil || (r.recovered && !w.fields.plausible()) {
			if !r.recovered {
				id, _ := w.c.record(r)
				j.damage(src, base+int64(r.off), "record %d: %v", id, err)
			}
			continue
		}
		if n == len(j.events) {
			j.events = append(j.events, event.Event{})
		}
		ev := &j.events[n]
		ev.Reset()
		fillEvent(ev, w, r, &j.fields)
		d.normalise(ev)
		j.items = append(j.items, int32(n))
		n++
	}
}

// fillEvent sets ev from the rendered fields of record r.
func fillEvent(ev *event.Event, w *worker, r recRef, fields *[]event.Field) {
	fs := &w.fields
	id, written := w.c.record(r)
	rec := string(fs.buf)
	start := len(*fields)
	for _, sp := range fs.fields {
		*fields = append(*fields, event.Field{Name: sp.name, Value: rec[sp.start:sp.end]})
	}
	if r.recovered {
		*fields = append(*fields, event.Field{Name: "Recovered", Value: "true"})
	}
	ev.Raw = (*fields)[start:len(*fields):len(*fields)]
	switch {
	case fs.hasTime:
		ev.Time = filetimeNanos(fs.filetime)
	case fs.sysSet&(1<<sysTimeCreated) != 0:
		// Records without templates carry TimeCreated as text.
		sp := fs.sys[sysTimeCreated]
		t, err := event.ParseTime(rec[sp.start:sp.end])
		if err != nil {
			t = filetimeNanos(written)
		}
		ev.Time = t
	default:
		ev.Time = filetimeNanos(written)
	}
	ev.Seq = int64(id)
	if fs.sysSet&(1<<sysEventRecordID) != 0 {
		sp := fs.sys[sysEventRecordID]
		if v, err := strconv.ParseInt(rec[sp.start:sp.end], 10, 64); err == nil {
			ev.Seq = v
		}
	}
}
