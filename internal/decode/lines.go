package decode

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// MaxLine is the longest line a text decoder accepts. Longer lines are
// skipped and reported, so one hostile line cannot make memory grow without
// bound.
const MaxLine = 1 << 20

// LineReader reads lines with a bounded buffer and counts them.
type LineReader struct {
	r    *bufio.Reader
	path string
	line int64
	long []byte
}

// NewLineReader returns a LineReader over r; path names r in errors.
func NewLineReader(r io.Reader, path string) *LineReader {
	return &LineReader{r: bufio.NewReaderSize(r, 256<<10), path: path}
}

// Line returns the number of the line last returned (1-based).
func (lr *LineReader) Line() int64 { return lr.line }

// Path returns the name given to the reader.
func (lr *LineReader) Path() string { return lr.path }

// Next returns the next line without its line ending ("\n" or "\r\n"). The
// slice is valid until the next call. At the end of input it returns io.EOF.
// A line longer than MaxLine is consumed and reported as a *RecordError.
func (lr *LineReader) Next() ([]byte, error) {
	line, err := lr.r.ReadSlice('\n')
	switch {
	case err == nil:
	case errors.Is(err, bufio.ErrBufferFull):
		// Gather the long line up to MaxLine, then skip the rest.
		lr.long = append(lr.long[:0], line...)
		for errors.Is(err, bufio.ErrBufferFull) {
			line, err = lr.r.ReadSlice('\n')
			if len(lr.long) <= MaxLine {
				lr.long = append(lr.long, line...)
			}
		}
		if err != nil && err != io.EOF {
			return nil, fmt.Errorf("%s: read: %w", lr.path, err)
		}
		lr.line++
		if len(lr.long) > MaxLine {
			lr.long = lr.long[:0]
			return nil, &RecordError{Path: lr.path, Line: lr.line, Offset: -1,
				Reason: fmt.Sprintf("line longer than %d bytes skipped", MaxLine)}
		}
		return trimEOL(lr.long), nil
	case err == io.EOF:
		if len(line) == 0 {
			return nil, io.EOF
		}
	default:
		return nil, fmt.Errorf("%s: read: %w", lr.path, err)
	}
	lr.line++
	return trimEOL(line), nil
}

func trimEOL(b []byte) []byte {
	b = bytes.TrimSuffix(b, []byte{'\n'})
	return bytes.TrimSuffix(b, []byte{'\r'})
}
