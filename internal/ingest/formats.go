package ingest

import "github.com/firebreak-ir/firebreak/internal/decode"

// DefaultFormats lists every format firebreak reads, most specific first:
// detection stops at the first format that recognises a file.
func DefaultFormats() []decode.Format {
	return []decode.Format{}
}
