package evtx

import (
	"bytes"
	"context"
	"encoding/binary"
	"io"
	"testing"

	"github.com/firebreak-ir/firebreak/internal/decode"
)

// exercise decodes data as a file through every output path; it must never
// panic, whatever data holds.
func exercise(t *testing.T, data []byte) {
	evs, _, err := decodeAll(t, data, 1)
	if err == nil {
		for _, ev := range evs {
			for _, f := range ev.Raw {
				_ = f.Value
			}
		}
	}
	for _, format := range []string{"xml", "json"} {
		_, _ = DumpReaderAt(context.Background(), io.Discard, bytes.NewReader(data), int64(len(data)), "fuzz",
			DumpOptions{Format: format, Workers: 1, Recover: format == "json", Damage: func(*decode.RecordError) {}})
	}
}

// usedChunk returns a chunk cut at its free space offset, a compact seed.
func usedChunk(c []byte) []byte {
	free := int(binary.LittleEndian.Uint32(c[48:]))
	if free < chunkHeaderSize || free > len(c) {
		free = len(c)
	}
	return c[:free]
}

// FuzzFile feeds whole files.
func FuzzFile(f *testing.F) {
	for _, name := range fixtures {
		c := chunksOf(f, name)[0]
		f.Add(buildFile(1, usedChunk(c)))
		f.Add(buildFile(2, c, usedChunk(c)))
	}
	f.Add(buildFile(0))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 4*chunkSize {
			return
		}
		exercise(t, data)
	})
}

// FuzzChunk feeds one chunk's bytes behind a valid file header, with the
// chunk checksums made valid so that decoding reaches every structure.
func FuzzChunk(f *testing.F) {
	for _, name := range fixtures {
		f.Add(usedChunk(chunksOf(f, name)[0]))
	}
	f.Fuzz(func(t *testing.T, chunk []byte) {
		if len(chunk) > chunkSize {
			return
		}
		c := make([]byte, chunkSize)
		copy(c, chunk)
		copy(c, chunkMagic)
		free := int(binary.LittleEndian.Uint32(c[48:]))
		if free >= chunkHeaderSize && free <= chunkSize {
			fixChunk(c)
		}
		exercise(t, buildFile(1, c))
	})
}

// FuzzBinXML feeds the BinXML of one record. The record sits where the
// first record of a fixture chunk sits, so seeds taken from those records
// keep their chunk-relative offsets (inline templates and names) valid.
func FuzzBinXML(f *testing.F) {
	var hdr []byte
	for _, name := range fixtures {
		c := chunksOf(f, name)[0]
		if hdr == nil {
			hdr = c[:chunkHeaderSize]
		}
		size := int(binary.LittleEndian.Uint32(c[chunkHeaderSize+4:]))
		f.Add(c[chunkHeaderSize+recordHeaderSize : chunkHeaderSize+size-4])
	}
	f.Fuzz(func(t *testing.T, binxml []byte) {
		if len(binxml) > chunkSize-chunkHeaderSize-minRecordSize {
			return
		}
		c := make([]byte, chunkSize)
		copy(c, hdr)
		size := minRecordSize + len(binxml)
		rec := c[chunkHeaderSize:]
		copy(rec, recordMagic)
		binary.LittleEndian.PutUint32(rec[4:], uint32(size))
		binary.LittleEndian.PutUint64(rec[8:], 1)
		copy(rec[recordHeaderSize:], binxml)
		binary.LittleEndian.PutUint32(rec[size-4:], uint32(size))
		binary.LittleEndian.PutUint32(c[48:], uint32(chunkHeaderSize+size))
		fixChunk(c)
		exercise(t, buildFile(1, c))
	})
}
