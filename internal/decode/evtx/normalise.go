package evtx

import (
	"github.com/firebreak-ir/firebreak/internal/decode/winlog"
	"github.com/firebreak-ir/firebreak/internal/event"
)

// defaultNormalise sets the normalised fields of a Windows event.
func defaultNormalise(ev *event.Event) { winlog.Normalise(ev) }
