package evtx

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
)

// Layout constants of the file and its chunks.
const (
	fileHeaderSize   = 4096
	chunkSize        = 65536
	chunkHeaderSize  = 512
	recordHeaderSize = 24
	minRecordSize    = recordHeaderSize + 4
)

// Signatures of the file header, chunks and records.
const (
	fileMagic   = "ElfFile\x00"
	chunkMagic  = "ElfChnk\x00"
	recordMagic = "\x2a\x2a\x00\x00"
)

// fileHeader holds what the reader uses of the file header.
type fileHeader struct {
	chunks  int // number of chunks the header claims
	flags   uint32
	crcOK   bool
	major   int
	minor   int
	nextRec uint64
}

func parseFileHeader(b []byte) (fileHeader, error) {
	if len(b) < 128 || string(b[:8]) != fileMagic {
		return fileHeader{}, fmt.Errorf("not an EVTX file (no ElfFile signature)")
	}
	le := binary.LittleEndian
	h := fileHeader{
		nextRec: le.Uint64(b[24:]),
		minor:   int(le.Uint16(b[36:])),
		major:   int(le.Uint16(b[38:])),
		chunks:  int(le.Uint16(b[42:])),
		flags:   le.Uint32(b[120:]),
	}
	h.crcOK = crc32.ChecksumIEEE(b[:120]) == le.Uint32(b[124:])
	return h, nil
}

// recRef is one item found in a chunk: a record at off with size bytes, or
// damage at off described by reason.
type recRef struct {
	off, size int32
	reason    string
	recovered bool // found in the slack space after the chunk's records
}

// worker holds everything one goroutine needs to decode chunks; nothing in
// it is shared.
type worker struct {
	intern  map[string]string
	scratch []byte
	c       chunkDecoder
	fields  fieldSink
	xml     xmlSink
	buf     []byte // chunk bytes
}

func newWorker() *worker {
	w := &worker{
		intern: make(map[string]string),
		buf:    make([]byte, chunkSize),
	}
	w.c.w = w
	w.c.names = make(map[uint32]string)
	w.c.tmplByOff = make(map[uint32]int32)
	w.fields.chunk = &w.c
	w.fields.intern = w.internBytes
	return w
}

func (w *worker) internBytes(b []byte) string {
	if s, ok := w.intern[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(w.intern) < 1<<16 {
		w.intern[s] = s
	}
	return s
}

// chunkDecoder decodes the records of one chunk. Templates are compiled once
// per chunk into tmplNodes and reused by every record that instantiates
// them.
type chunkDecoder struct {
	w         *worker
	data      []byte
	names     map[uint32]string
	tmplByOff map[uint32]int32
	tmpls     []template
	tmplNodes []node
	plain     []node
	vals      []value
	attrBuf   []byte
	fmtBuf    []byte
	arrBuf    []byte
	recs      []recRef
	recover   bool // also scan the slack space for records
	strict    bool // check substitution types (recovered records)
}

// load prepares the decoder for a chunk's bytes (possibly fewer than a full
// chunk when the file is truncated) and finds its records. It reports
// whether the block holds a chunk at all.
func (c *chunkDecoder) load(data []byte, full bool) bool {
	c.data = data
	clear(c.names)
	clear(c.tmplByOff)
	c.tmpls = c.tmpls[:0]
	c.tmplNodes = c.tmplNodes[:0]
	c.plain = c.plain[:0]
	c.vals = c.vals[:0]
	c.recs = c.recs[:0]
	if len(data) < 8 || string(data[:8]) != chunkMagic {
		return false
	}
	damage := func(off int, format string, args ...any) {
		c.recs = append(c.recs, recRef{off: int32(off), reason: fmt.Sprintf(format, args...)})
	}
	if len(data) < chunkHeaderSize {
		damage(0, "chunk truncated to %d bytes, header incomplete", len(data))
		return true
	}
	le := binary.LittleEndian
	crc := crc32.ChecksumIEEE(data[:120])
	crc = crc32.Update(crc, crc32.IEEETable, data[128:chunkHeaderSize])
	if crc != le.Uint32(data[124:]) {
		damage(0, "chunk header checksum mismatch (%#08x, header says %#08x)", crc, le.Uint32(data[124:]))
	}
	free := int(le.Uint32(data[48:]))
	limit := free
	if free < chunkHeaderSize || free > chunkSize {
		damage(48, "free space offset %#x out of range", free)
		limit = len(data)
	}
	if !full {
		damage(len(data), "chunk truncated to %d bytes", len(data))
	}
	if limit > len(data) {
		limit = len(data)
	} else if crc := crc32.ChecksumIEEE(data[chunkHeaderSize:limit]); full && crc != le.Uint32(data[52:]) {
		damage(52, "event records checksum mismatch (%#08x, header says %#08x)", crc, le.Uint32(data[52:]))
	}
	pos := chunkHeaderSize
	for pos+minRecordSize <= limit {
		if string(data[pos:pos+4]) != recordMagic {
			if allZero(data[pos:limit]) {
				break
			}
			damage(pos, "bad record signature")
			if pos = c.nextRecord(pos+1, limit); pos < 0 {
				break
			}
			continue
		}
		size := int(le.Uint32(data[pos+4:]))
		switch {
		case size < minRecordSize || pos+size > limit:
			damage(pos, "bad record size %d", size)
		case int(le.Uint32(data[pos+size-4:])) != size:
			damage(pos, "record size %d does not match its copy %d", size, le.Uint32(data[pos+size-4:]))
		default:
			c.recs = append(c.recs, recRef{off: int32(pos), size: int32(size)})
			pos += size
			continue
		}
		if pos = c.nextRecord(pos+4, limit); pos < 0 {
			break
		}
	}
	if c.recover {
		c.scanSlack(max(pos, limit))
	}
	return true
}

// scanSlack looks for whole records in data[pos:], the space after the
// chunk's last record, where records of an earlier use of the chunk may
// survive. Candidates are checked only for their framing here; those whose
// BinXML does not render are dropped silently by the caller.
func (c *chunkDecoder) scanSlack(pos int) {
	for {
		p := c.nextRecord(pos, len(c.data))
		if p < 0 {
			return
		}
		size := int32(binary.LittleEndian.Uint32(c.data[p+4:]))
		c.recs = append(c.recs, recRef{off: int32(p), size: size, recovered: true})
		pos = p + int(size)
	}
}

// nextRecord finds the next plausible record at or after pos, or -1.
func (c *chunkDecoder) nextRecord(pos, limit int) int {
	le := binary.LittleEndian
	for pos+minRecordSize <= limit {
		i := bytes.Index(c.data[pos:limit], []byte(recordMagic))
		if i < 0 {
			return -1
		}
		pos += i
		if pos+minRecordSize > limit {
			return -1
		}
		size := int(le.Uint32(c.data[pos+4:]))
		if size >= minRecordSize && pos+size <= limit && int(le.Uint32(c.data[pos+size-4:])) == size {
			return pos
		}
		pos++
	}
	return -1
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// record returns the identifier and written time of the record r.
func (c *chunkDecoder) record(r recRef) (id, written uint64) {
	le := binary.LittleEndian
	return le.Uint64(c.data[r.off+8:]), le.Uint64(c.data[r.off+16:])
}

// render renders record r into s.
func (c *chunkDecoder) render(r recRef, s sink) error {
	c.strict = r.recovered
	return c.renderRecord(int(r.off)+recordHeaderSize, int(r.off+r.size)-4, s)
}
