package main

import (
	"bufio"
	"context"
	"fmt"
	"os"

	"github.com/firebreak-ir/firebreak/internal/decode"
	"github.com/firebreak-ir/firebreak/internal/decode/evtx"
)

func runEVTX(ctx context.Context, a *app, args []string) int {
	if len(args) == 0 || args[0] != "dump" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fmt.Fprintln(a.stdout, "Usage: firebreak evtx dump [--xml|--json] [--recover] FILE.evtx\n\nRun \"firebreak evtx dump --help\" for details.")
			return exitOK
		}
		fmt.Fprintln(a.stderr, "Usage: firebreak evtx dump [--xml|--json] [--recover] FILE.evtx")
		return exitUsage
	}
	fs, _ := newFlags(a, "evtx dump [flags] FILE.evtx", `
Print the records of a Windows event log file, for debugging and for people
who only need a converter: one JSON object per line (System fields, then
EventData or UserData under their native names), or XML in the layout
Windows shows. Damaged chunks and records are reported on stderr with file,
chunk and offset, and everything readable is still printed. Exit status 3
when some of the file was damaged.`, `
  firebreak evtx dump Security.evtx | jq -c 'select(.System.EventID == "4624")'
  firebreak evtx dump --xml Sysmon.evtx > sysmon.xml
  firebreak evtx dump --recover damaged.evtx`)
	asXML := fs.Bool("xml", false, "XML instead of JSON lines")
	_ = fs.Bool("json", true, "JSON lines (the default)")
	recover := fs.Bool("recover", false, "also print records recovered from chunk slack space")
	workers := fs.Int("workers", 0, "chunks decoded in parallel (0: one per CPU)")
	if code := parse(a, fs, args[1:]); code >= 0 {
		return code
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(a.stderr, "firebreak evtx dump: give exactly one file")
		return exitUsage
	}
	path := fs.Arg(0)
	f, err := os.Open(path)
	if err != nil {
		return fail(a, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return fail(a, err)
	}
	format := "json"
	if *asXML {
		format = "xml"
	}
	w := bufio.NewWriterSize(a.stdout, 256<<10)
	damaged := 0
	st, err := evtx.DumpReaderAt(ctx, w, f, fi.Size(), path, evtx.DumpOptions{
		Format: format, Workers: *workers, Recover: *recover,
		Damage: func(e *decode.RecordError) {
			damaged++
			if damaged <= 50 {
				fmt.Fprintf(a.stderr, "damaged: %s\n", safe(e.Error()))
			}
		},
	})
	if ferr := w.Flush(); err == nil {
		err = ferr
	}
	if err != nil {
		return fail(a, err)
	}
	if damaged > 50 {
		fmt.Fprintf(a.stderr, "damaged: … %d reports in all\n", damaged)
	}
	if st.Damaged > 0 {
		return exitPartial
	}
	return exitOK
}
