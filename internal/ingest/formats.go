package ingest

import (
	"github.com/firebreak-ir/firebreak/internal/decode"
	"github.com/firebreak-ir/firebreak/internal/decode/csvmap"
	"github.com/firebreak-ir/firebreak/internal/decode/evtx"
	"github.com/firebreak-ir/firebreak/internal/decode/jsonl"
	"github.com/firebreak-ir/firebreak/internal/decode/proxy"
	"github.com/firebreak-ir/firebreak/internal/decode/suricata"
	"github.com/firebreak-ir/firebreak/internal/decode/syslog"
	"github.com/firebreak-ir/firebreak/internal/decode/w3c"
	"github.com/firebreak-ir/firebreak/internal/decode/zeek"
)

// DefaultFormats lists every format firebreak reads, most specific first:
// detection stops at the first format that recognises a file. Syslog comes
// after the other line formats because it accepts any line with a syslog
// header (and bare FortiGate, PAN-OS and CEF lines); generic JSON lines
// come last.
func DefaultFormats() []decode.Format {
	return []decode.Format{
		evtx.Format,
		zeek.TSV,
		zeek.JSON,
		suricata.EVE,
		w3c.Format,
		proxy.Squid,
		proxy.Access,
		csvmap.Format,
		syslog.Format,
		jsonl.Windows,
		jsonl.Generic,
	}
}
