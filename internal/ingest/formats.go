package ingest

import (
	"time"

	"github.com/firebreak-ir/firebreak/internal/decode"
	"github.com/firebreak-ir/firebreak/internal/decode/csvmap"
	"github.com/firebreak-ir/firebreak/internal/decode/evtx"
	"github.com/firebreak-ir/firebreak/internal/decode/jsonl"
	"github.com/firebreak-ir/firebreak/internal/decode/pcap"
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
		pcap.Format,
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

// FormatOptions adjust the default formats to what the responder knows
// about the files.
type FormatOptions struct {
	// Location is the zone of timestamps that do not name one (syslog,
	// W3C logs written in local time, CSV exports read with a mapping);
	// nil means UTC.
	Location *time.Location
	// CSV, when set, maps the columns of CSV exports to normalised
	// fields; such files are tried before every other format.
	CSV *csvmap.Mapping
}

// FormatsFor returns DefaultFormats adjusted by opt.
func FormatsFor(opt FormatOptions) []decode.Format {
	formats := DefaultFormats()
	for i := range formats {
		switch formats[i].Name {
		case syslog.Format.Name:
			formats[i] = syslog.WithOptions(syslog.Options{Location: opt.Location})
		case w3c.Format.Name:
			formats[i] = w3c.WithOptions(w3c.Options{Location: opt.Location})
		}
	}
	if opt.CSV != nil {
		formats = append([]decode.Format{csvmap.WithMapping(*opt.CSV, opt.Location)}, formats...)
	}
	return formats
}
