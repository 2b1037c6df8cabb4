package evtx

import (
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"

	"github.com/firebreak-ir/firebreak/internal/decode"
	"github.com/firebreak-ir/firebreak/internal/event"
)

// source is one EVTX input: the reader and what its header says.
type source struct {
	r       io.ReaderAt
	size    int64
	path    string
	hdr     fileHeader
	blocks  int // chunk-sized blocks after the header, the last maybe partial
	damage  []*decode.RecordError
	recover bool // read records from chunk slack space too
}

func openSource(r io.ReaderAt, size int64, path string) (*source, error) {
	head := make([]byte, 128)
	n, err := r.ReadAt(head, 0)
	if err != nil && !(errors.Is(err, io.EOF) && n == len(head)) {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s: not an EVTX file: only %d bytes", path, n)
		}
		return nil, fmt.Errorf("%s: read file header: %w", path, err)
	}
	hdr, err := parseFileHeader(head)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	s := &source{r: r, size: size, path: path, hdr: hdr}
	if size > fileHeaderSize {
		s.blocks = int((size - fileHeaderSize + chunkSize - 1) / chunkSize)
	}
	if !hdr.crcOK {
		s.damage = append(s.damage, &decode.RecordError{Path: path, Offset: 124, Reason: "file header checksum mismatch"})
	}
	return s, nil
}

// job is one chunk on its way through the pipeline, with the decoded output
// of whichever consumer runs it.
type job struct {
	index int
	done  chan struct{}
	err   error // fatal: the input could not be read
	// items lists the output in file order: an index into events (or a
	// record count for dumps) when >= 0, the complement of an index into
	// errs when < 0.
	items   []int32
	errs    []*decode.RecordError
	events  []event.Event
	fields  []event.Field
	out     []byte
	records int
}

func (j *job) reset() {
	j.err = nil
	j.items = j.items[:0]
	clear(j.errs)
	j.errs = j.errs[:0]
	j.fields = j.fields[:0]
	j.out = j.out[:0]
	j.records = 0
}

func (j *job) damage(src *source, off int64, format string, args ...any) {
	j.items = append(j.items, ^int32(len(j.errs)))
	j.errs = append(j.errs, &decode.RecordError{
		Path:   src.path,
		Offset: off,
		Reason: fmt.Sprintf("chunk %d: ", j.index) + fmt.Sprintf(format, args...),
	})
}

// chunkOffset is the file offset of block i.
func chunkOffset(i int) int64 { return fileHeaderSize + int64(i)*chunkSize }

// readChunk reads block j.index into the worker and finds its records. It
// reports false when there is nothing to decode. Damage found in the chunk
// is left in the worker's record list for the caller to report in order.
func (src *source) readChunk(w *worker, j *job) bool {
	off := chunkOffset(j.index)
	if j.index >= src.hdr.chunks {
		// Past the header's count, most blocks of a preallocated file are
		// empty: look at the signature before reading the whole block.
		var sig [8]byte
		if n, _ := src.r.ReadAt(sig[:], off); n < len(sig) || string(sig[:]) != chunkMagic {
			return false
		}
	}
	n, err := src.r.ReadAt(w.buf, off)
	if err != nil && !errors.Is(err, io.EOF) {
		j.err = fmt.Errorf("%s: read chunk %d at %d: %w", src.path, j.index, off, err)
		return false
	}
	data := w.buf[:n]
	w.c.recover = src.recover
	if !w.c.load(data, n == chunkSize) {
		// Blocks past the header's chunk count are read when they hold a
		// chunk (dirty files) and are otherwise unused space.
		if j.index < src.hdr.chunks {
			if allZero(data) {
				j.damage(src, off, "chunk is zeroed")
			} else {
				j.damage(src, off, "bad chunk signature")
			}
		}
		return false
	}
	return true
}

// process is what a worker does with one chunk.
type process func(src *source, w *worker, j *job)

// pipeline decodes chunks on several goroutines and hands them back in file
// order, with a bounded number in flight.
type pipeline struct {
	ordered chan *job
	free    chan *job
	quit    chan struct{}
	once    sync.Once
}

func startPipeline(src *source, workers int, fn process) *pipeline {
	inflight := 2 * workers
	p := &pipeline{
		ordered: make(chan *job, inflight),
		free:    make(chan *job, inflight),
		quit:    make(chan struct{}),
	}
	for range inflight {
		p.free <- &job{}
	}
	jobs := make(chan *job)
	go func() {
		defer close(p.ordered)
		defer close(jobs)
		for i := 0; i < src.blocks; i++ {
			var j *job
			select {
			case j = <-p.free:
			case <-p.quit:
				return
			}
			j.index = i
			j.done = make(chan struct{})
			p.ordered <- j // never blocks: capacity equals the jobs in existence
			select {
			case jobs <- j:
			case <-p.quit:
				return
			}
		}
	}()
	for range workers {
		go func() {
			w := newWorker()
			for j := range jobs {
				j.reset()
				fn(src, w, j)
				close(j.done)
			}
		}()
	}
	return p
}

// next returns the next chunk in file order, or nil at the end.
func (p *pipeline) next() *job {
	select {
	case j, ok := <-p.ordered:
		if !ok {
			return nil
		}
		select {
		case <-j.done:
			return j
		case <-p.quit:
			return nil
		}
	case <-p.quit:
		return nil
	}
}

func (p *pipeline) release(j *job) { p.free <- j }

func (p *pipeline) stop() { p.once.Do(func() { close(p.quit) }) }

// workerCount resolves a requested number of workers for src. A file whose
// header claims a single chunk (most small exports, whatever their
// preallocated size) is decoded on the caller's goroutine: the pipeline
// would cost more than it saves.
func (src *source) workerCount(n int) int {
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	if src.blocks <= 1 || src.hdr.chunks == 1 {
		return 1
	}
	return max(1, n)
}

// chunks runs fn over every chunk of src, sequentially when workers is 1,
// and calls consume with each chunk in file order. It stops early when
// consume returns an error.
func chunks(src *source, workers int, fn process, consume func(*job) error) error {
	if workers == 1 {
		w := newWorker()
		j := &job{}
		for i := 0; i < src.blocks; i++ {
			j.index = i
			j.reset()
			fn(src, w, j)
			if err := consume(j); err != nil {
				return err
			}
		}
		return nil
	}
	p := startPipeline(src, workers, fn)
	defer p.stop()
	for j := p.next(); j != nil; j = p.next() {
		if err := consume(j); err != nil {
			return err
		}
		p.release(j)
	}
	return nil
}
