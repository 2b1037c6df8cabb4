package ingest

import (
	"github.com/firebreak-ir/firebreak/internal/decode"
	"github.com/firebreak-ir/firebreak/internal/decode/evtx"
	"github.com/firebreak-ir/firebreak/internal/decode/jsonl"
	"github.com/firebreak-ir/firebreak/internal/decode/zeek"
)

// DefaultFormats lists every format firebreak reads, most specific first:
// detection stops at the first format that recognises a file.
func DefaultFormats() []decode.Format {
	return []decode.Format{
		evtx.Format,
		zeek.TSV,
		zeek.JSON,
		jsonl.Windows,
		jsonl.Generic,
	}
}
