package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/firebreak-ir/firebreak/internal/ioc"
	"github.com/firebreak-ir/firebreak/internal/store/duckdb"
	"github.com/firebreak-ir/firebreak/internal/sweep"
)

// Exit codes of sweep, which scripts test: 0 nothing found, 1 hits, 2 error.
const (
	sweepClean = 0
	sweepHits  = 1
	sweepError = 2
)

func runSweep(ctx context.Context, a *app, args []string) int {
	fs, data := newFlags(a, "sweep [flags]", `
Retro-hunt: find every stored event that holds one of the indicators, and
report, for each indicator, the internal hosts that touched it (first and
last seen, event count, source kinds, example events with their import and
position), and for each host its indicators. Indicators come from files
(--ioc: a list, CSV, STIX or MISP file recognised by content; --notice: an
e-mail or text whose indicators are extracted; --stix; --misp: an event file
or feed directory) or, when none is given, from the store ("firebreak ioc
import"). Indicators the guards refuse (private ranges, public resolvers,
very popular domains …) are listed and not swept. Hits on never-block
indicators (kill-switch domains) are evidence and are marked so.

--since notice starts the window --margin before the earliest time the
notice mentions. Exit status: 0 nothing found, 1 hits, 2 error.`, `
  firebreak sweep --data case42 --notice jpcert.eml
  firebreak sweep --data case42 --since notice --margin 14d --notice jpcert.eml
  firebreak sweep --data case42 --ioc c2.txt --since 2025-09-01 --json
  firebreak sweep --data case42 --stix bundle.json --misp feed/ --csv
  firebreak sweep --data case42                # the stored indicators`)
	var iocFiles, notices, stixFiles, mispPaths listFlag
	fs.Var(&iocFiles, "ioc", "indicator `file` (list, CSV, STIX, MISP); repeatable")
	fs.Var(&notices, "notice", "notification `file` (.eml or text) to extract indicators from; repeatable")
	fs.Var(&stixFiles, "stix", "STIX 2.1 bundle `file`; repeatable")
	fs.Var(&mispPaths, "misp", "MISP event `file` or feed directory; repeatable")
	since := fs.String("since", "", "only events at or after `time` (2025-11-20, RFC 3339, -30d, or \"notice\")")
	until := fs.String("until", "", "only events before `time`")
	margin := fs.String("margin", "30d", "with --since notice: how long before the earliest time mentioned to start")
	tz := fs.String("tz", "UTC", "time `zone` for --since/--until without a zone and for table output")
	examples := fs.Int("examples", 3, "example events per indicator")
	includeRefused := fs.Bool("include-refused", false, "sweep indicators the guards refuse too")
	asJSON := fs.Bool("json", false, "the result as one JSON document")
	asCSV := fs.Bool("csv", false, "one CSV row per indicator and host")
	var gf guardFlags
	gf.register(fs)
	var sf sourceFlags
	fs.StringVar(&sf.mapping, "map", "", "CSV column `mapping` for --ioc files, such as value=indicator,type=kind")
	fs.BoolVar(&sf.allAttrs, "all-attributes", false, "MISP: also sweep attributes whose to_ids flag is off")
	if code := parse(a, fs, args); code >= 0 {
		if code == exitUsage {
			return sweepError
		}
		return code
	}
	usageErr := func(format string, args ...any) int {
		fmt.Fprintf(a.stderr, "firebreak sweep: "+format+"\n", args...)
		return sweepError
	}
	if *asJSON && *asCSV {
		return usageErr("--json and --csv cannot be combined")
	}
	if fs.NArg() > 0 {
		return usageErr("unexpected argument %q (indicator files go after --ioc, --notice, --stix or --misp)", fs.Arg(0))
	}
	loc, err := time.LoadLocation(*tz)
	if err != nil {
		return usageErr("--tz: %v", err)
	}
	now := time.Now()
	guard, err := gf.build(*data)
	if err != nil {
		return usageErr("%v", err)
	}

	// Gather the indicators.
	var inds []ioc.Indicator
	var earliest time.Time
	fromFiles := false
	read := func(paths []string, format string) error {
		for _, p := range paths {
			fromFiles = true
			sf.format = format
			got, skipped, ext, err := sf.read(p, now)
			if err != nil {
				return err
			}
			for _, s := range skipped {
				fmt.Fprintf(a.stderr, "skipped: %s: %s\n", safe(p), safe(s))
			}
			if ext != nil {
				if e := ext.Earliest(); !e.IsZero() && (earliest.IsZero() || e.Before(earliest)) {
					earliest = e
				}
			}
			inds = append(inds, got...)
		}
		return nil
	}
	if err := read(iocFiles, "auto"); err != nil {
		return usageErr("%v", err)
	}
	if err := read(notices, "auto"); err != nil {
		return usageErr("%v", err)
	}
	if err := read(stixFiles, "stix"); err != nil {
		return usageErr("%v", err)
	}
	if err := read(mispPaths, "auto"); err != nil {
		return usageErr("%v", err)
	}

	st, err := duckdb.Open(ctx, *data, duckdb.Options{MustExist: true})
	if err != nil {
		fmt.Fprintf(a.stderr, "firebreak sweep: %v\n", err)
		return sweepError
	}
	defer st.Close()
	if !fromFiles {
		inds, err = ioc.Load(ctx, st.DB(), ioc.Filter{})
		if err != nil {
			fmt.Fprintf(a.stderr, "firebreak sweep: %v\n", err)
			return sweepError
		}
		if len(inds) == 0 {
			return usageErr("no indicators: give --ioc, --notice, --stix or --misp, or store some with \"firebreak ioc import\"")
		}
	}
	inds = dedupe(inds)
	for i := range inds {
		guard.Apply(&inds[i])
	}

	var opt sweep.Options
	opt.Examples = *examples
	opt.IncludeRefused = *includeRefused
	switch {
	case *since == "notice":
		if earliest.IsZero() {
			return usageErr("--since notice: the notices mention no date or time")
		}
		m, err := parseExpiry(*margin, time.Time{})
		if err != nil {
			return usageErr("--margin: %v", err)
		}
		opt.From = earliest.Add(-m.Sub(time.Time{})).UnixNano()
	case *since != "":
		t, err := parseWhen(*since, now, loc)
		if err != nil {
			return usageErr("--since: %v", err)
		}
		opt.From = t.UnixNano()
	}
	if *until != "" {
		t, err := parseWhen(*until, now, loc)
		if err != nil {
			return usageErr("--until: %v", err)
		}
		opt.To = t.UnixNano()
	}
	res, err := sweep.Run(ctx, st.DB(), inds, opt)
	if err != nil {
		fmt.Fprintf(a.stderr, "firebreak sweep: %v\n", err)
		return sweepError
	}
	w := bufio.NewWriterSize(a.stdout, 64<<10)
	switch {
	case *asJSON:
		doc := struct {
			*sweep.Result
			From           *time.Time `json:"from,omitempty"`
			To             *time.Time `json:"to,omitempty"`
			NoticeEarliest *time.Time `json:"notice_earliest,omitempty"`
		}{Result: res}
		if opt.From != 0 {
			t := time.Unix(0, opt.From).UTC()
			doc.From = &t
		}
		if opt.To != 0 {
			t := time.Unix(0, opt.To).UTC()
			doc.To = &t
		}
		if !earliest.IsZero() {
			doc.NoticeEarliest = &earliest
		}
		if doc.Indicators == nil {
			doc.Indicators = []sweep.IndicatorResult{}
		}
		if doc.Hosts == nil {
			doc.Hosts = []sweep.HostResult{}
		}
		enc := json.NewEncoder(w)
		err = enc.Encode(doc)
	case *asCSV:
		err = writeSweepCSV(w, res)
	default:
		err = writeSweepTable(w, res, opt, earliest, loc)
	}
	if ferr := w.Flush(); err == nil {
		err = ferr
	}
	if err != nil {
		fmt.Fprintf(a.stderr, "firebreak sweep: %v\n", err)
		return sweepError
	}
	if res.Hits() {
		return sweepHits
	}
	return sweepClean
}

// dedupe keeps one indicator per type and value, with the strictest TLP.
func dedupe(inds []ioc.Indicator) []ioc.Indicator {
	pos := map[string]int{}
	out := inds[:0:0]
	for _, in := range inds {
		if i, ok := pos[in.Key()]; ok {
			out[i].TLP = out[i].TLP.Stricter(in.TLP)
			continue
		}
		pos[in.Key()] = len(out)
		out = append(out, in)
	}
	return out
}

func writeSweepTable(w io.Writer, res *sweep.Result, opt sweep.Options, earliest time.Time, loc *time.Location) error {
	tf := func(t time.Time) string { return t.In(loc).Format("2006-01-02 15:04:05") }
	window := "all stored events"
	if opt.From != 0 || opt.To != 0 {
		from, to := "the start", "now"
		if opt.From != 0 {
			from = tf(time.Unix(0, opt.From))
		}
		if opt.To != 0 {
			to = tf(time.Unix(0, opt.To))
		}
		window = "events from " + from + " to " + to
	}
	fmt.Fprintf(w, "Swept %d indicators over %s in %.2fs: %d found, on %d hosts.\n", res.Swept, window, res.Elapsed.Seconds(), len(res.Indicators), len(res.Hosts))
	if !earliest.IsZero() {
		fmt.Fprintf(w, "The notice's earliest time is %s (--since notice --margin 30d widens the window from it).\n", tf(earliest))
	}
	for _, in := range res.Skipped {
		fmt.Fprintf(w, "not swept: %-8s %s: %s\n", in.Type, safe(in.Value), safe(in.Reason))
	}
	if len(res.Indicators) == 0 {
		return nil
	}
	fmt.Fprintf(w, "\nINDICATORS (times %s)\n", loc)
	for _, r := range res.Indicators {
		in := r.Indicator
		mark := ""
		switch in.Verdict {
		case ioc.VerdictNeverBlock:
			mark = "  [NEVER BLOCK: " + safe(in.Reason) + "]"
		case ioc.VerdictFlag:
			mark = "  [flag: " + safe(in.Reason) + "]"
		}
		if in.TLP != "" {
			mark += "  TLP:" + string(in.TLP)
		}
		fmt.Fprintf(w, "%s %s  %d hosts, %d events, %s .. %s, %s%s\n", in.Type, safe(in.Value), len(r.Hosts), r.Events,
			tf(r.First), tf(r.Last), strings.Join(r.Kinds, ","), mark)
		for _, h := range r.Hosts {
			fmt.Fprintf(w, "    %-40s %6d  %s .. %s  %s  (%s)\n", safe(h.Host), h.Count, tf(h.First), tf(h.Last), strings.Join(h.Kinds, ","), strings.Join(h.Fields, ","))
		}
		for _, ex := range r.Examples {
			fmt.Fprintf(w, "    e.g. %s %s import %d seq %d %s=%s\n", tf(ex.Time), safe(ex.Kind), ex.ImportID, ex.Seq, ex.Field, safe(ex.Matched))
		}
	}
	fmt.Fprintf(w, "\nHOSTS\n")
	for _, h := range res.Hosts {
		fmt.Fprintf(w, "%s  %d hits, %s .. %s\n", safe(h.Host), h.Count, tf(h.First), tf(h.Last))
		for _, hi := range h.Indicators {
			never := ""
			if hi.Never {
				never = "  [never block: evidence of infection]"
			}
			fmt.Fprintf(w, "    %-10s %-45s %6d  %s .. %s%s\n", hi.Type, safe(hi.Value), hi.Count, tf(hi.First), tf(hi.Last), never)
		}
	}
	return nil
}

func writeSweepCSV(w io.Writer, res *sweep.Result) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"indicator", "type", "tlp", "verdict", "host", "first", "last", "events", "kinds", "fields"}); err != nil {
		return err
	}
	for _, r := range res.Indicators {
		for _, h := range r.Hosts {
			if err := cw.Write([]string{csvSafe(r.Indicator.Value), string(r.Indicator.Type), string(r.Indicator.TLP), string(r.Indicator.Verdict),
				csvSafe(h.Host), h.First.UTC().Format(time.RFC3339Nano), h.Last.UTC().Format(time.RFC3339Nano), strconv.FormatInt(h.Count, 10),
				strings.Join(h.Kinds, ";"), strings.Join(h.Fields, ";")}); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}
