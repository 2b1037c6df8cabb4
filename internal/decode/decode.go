// Package decode holds what every log decoder shares: the Decoder contract,
// the error that names a bad record's file and position, and the Format
// description that lets ingest recognise a file by its content.
//
// Each format family lives in its own sub-package (zeek, jsonl, evtx, …) and
// exports one or more Format values; ingest assembles the list it detects
// from. Decoders stream: memory does not grow with the size of the input.
package decode

import (
	"errors"
	"fmt"
	"io"

	"github.com/firebreak-ir/firebreak/internal/event"
)

// Decoder turns the records of one input into Events. A decoder that runs
// goroutines of its own also implements io.Closer, and callers that stop
// before io.EOF call Close.
type Decoder interface {
	// Next decodes the next record into ev, which the caller has Reset.
	// It returns io.EOF after the last record. A malformed record yields a
	// *RecordError; the caller may count it and call Next again, and the
	// decoder continues with the following record. Any other error is
	// fatal for the input.
	Next(ev *event.Event) error
}

// RecordError reports one record that could not be decoded. Line is the
// 1-based line for text formats; Offset is the byte offset for binary ones
// (and -1 when unknown).
type RecordError struct {
	Path   string
	Line   int64
	Offset int64
	Reason string
}

func (e *RecordError) Error() string {
	switch {
	case e.Line > 0:
		return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Reason)
	case e.Offset >= 0:
		return fmt.Sprintf("%s@%d: %s", e.Path, e.Offset, e.Reason)
	default:
		return fmt.Sprintf("%s: %s", e.Path, e.Reason)
	}
}

// IsRecordError reports whether err is a *RecordError, that is, a problem with
// one record that does not stop the input.
func IsRecordError(err error) bool {
	var re *RecordError
	return errors.As(err, &re)
}

// Format describes one input format that ingest can recognise and decode.
type Format struct {
	// Name is the format's short name, such as "zeek-tsv".
	Name string
	// Detect reports whether head, the first bytes of an input
	// (decompressed, up to 64 KiB, possibly cut mid-line), is in this
	// format. Detection is by content, never by file name.
	Detect func(head []byte) bool
	// Open returns a decoder reading r. path names the input in errors.
	// Nil for formats that need random access.
	Open func(r io.Reader, path string) (Decoder, error)
	// OpenAt, when set, is used instead of Open for inputs that allow
	// random access (plain files): binary formats such as EVTX read
	// chunks from anywhere and in parallel. Compressed inputs of such a
	// format are first spooled to a temporary file by the caller.
	OpenAt func(r io.ReaderAt, size int64, path string) (Decoder, error)
}

// HeadSize is how many leading bytes of an input Format.Detect is shown.
const HeadSize = 64 << 10
