package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/firebreak-ir/firebreak/internal/decode/csvmap"
	"github.com/firebreak-ir/firebreak/internal/event"
	"github.com/firebreak-ir/firebreak/internal/ingest"
	"github.com/firebreak-ir/firebreak/internal/ioc"
	"github.com/firebreak-ir/firebreak/internal/store/duckdb"
)

func runIngest(ctx context.Context, a *app, args []string) int {
	fs, data := newFlags(a, "ingest [flags] PATH...", `
Import log files and directories into the data directory. Formats are
recognised by content (Zeek TSV and JSON, Windows EVTX, Windows events as
JSON, JSON lines), .gz files are read transparently and directories are
walked. A file already imported (same SHA-256) is skipped with a message.
Exit status: 0 when every file was imported, 3 when some files failed or
were not recognised, 1 on a fatal error, 2 on a usage error.`, `
  firebreak ingest --data case42 /evidence/zeek/2026-11-20/
  firebreak ingest --data case42 --host sensor-tokyo conn.log.gz dns.log.gz
  firebreak ingest --json --data case42 logs/ | jq .events
  firebreak ingest --data case42 --tz Asia/Tokyo /var/log/remote/firewall.log
  firebreak ingest --data case42 --csv-map '@timestamp=Date first seen,source.ip=Src IP Addr,destination.ip=Dst IP Addr' flows.csv`)
	host := fs.String("host", "", "observing host `name` to record for every event (for sources that do not name one)")
	workers := fs.Int("workers", 0, "files decoded at once (0: one per CPU)")
	batch := fs.Int("batch", ingest.DefaultBatchSize, "events per committed `batch`")
	tz := fs.String("tz", "UTC", "time `zone` of timestamps that do not name one: syslog, W3C local-time logs, mapped CSV (e.g. Asia/Tokyo, Local)")
	csvMap := fs.String("csv-map", "", "map CSV columns to fields: `mapping` such as '@timestamp=first,source.ip=src,destination.ip=dst', or @FILE with one entry per line")
	lanes := fs.Int("lanes", 2, "batches of one file written at once, each on its own database connection")
	force := fs.Bool("force", false, "import files again even if already imported")
	asJSON := fs.Bool("json", false, "print the summary as JSON")
	quiet := fs.Bool("q", false, "print nothing on success")
	progress := fs.String("progress", "auto", "progress bar: auto (when stderr is a terminal), always or never")
	memLimit := fs.String("memory-limit", "128MB", "DuckDB memory `limit` such as 1GB")
	if code := parse(a, fs, args); code >= 0 {
		return code
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(a.stderr, "firebreak ingest: no files or directories given")
		fs.Usage()
		return exitUsage
	}
	// Keep the Go heap near its working set too: with DuckDB's limit this
	// bounds the resident memory of an import whatever the input size.
	if a.getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(128 << 20)
	}
	fopt := ingest.FormatOptions{}
	if *tz != "UTC" {
		loc, err := time.LoadLocation(*tz)
		if err != nil {
			fmt.Fprintf(a.stderr, "firebreak ingest: --tz: %v\n", err)
			return exitUsage
		}
		fopt.Location = loc
	}
	if *csvMap != "" {
		text := *csvMap
		if name, ok := strings.CutPrefix(text, "@"); ok && !strings.Contains(name, "=") {
			b, err := os.ReadFile(name)
			if err != nil {
				fmt.Fprintf(a.stderr, "firebreak ingest: --csv-map: %v\n", err)
				return exitUsage
			}
			text = string(b)
		}
		m, err := csvmap.ParseMapping(text)
		if err != nil {
			fmt.Fprintf(a.stderr, "firebreak ingest: --csv-map: %v\n", err)
			return exitUsage
		}
		fopt.CSV = &m
	}
	st, err := duckdb.Open(ctx, *data, duckdb.Options{MemoryLimit: *memLimit})
	if err != nil {
		return fail(a, err)
	}
	defer st.Close()

	opt := ingest.Options{
		Formats:   ingest.FormatsFor(fopt),
		Workers:   *workers,
		BatchSize: *batch,
		Host:      *host,
		Force:     *force,
		Lanes:     *lanes,
		Log:       a.log,
	}
	// Indicators already in the case are matched while the logs arrive.
	inds, err := ioc.Load(ctx, st.DB(), ioc.Filter{})
	if err != nil {
		return fail(a, err)
	}
	if len(inds) > 0 {
		opt.Detector = &iocDetector{m: ioc.NewMatcher(inds, false), db: st.DB()}
	}
	showBar := *progress == "always" || (*progress == "auto" && isTerminal(a.stderr))
	if showBar {
		bar := &progressBar{w: a.stderr}
		opt.Progress = bar.update
	}
	sum, err := ingest.Run(ctx, st, fs.Args(), opt)
	if err != nil && sum == nil {
		return fail(a, err)
	}
	if *asJSON {
		writeIngestJSON(a.stdout, sum)
	} else if !*quiet || sum.Failed() > 0 || sum.Rejected > 0 {
		writeIngestSummary(a.stderr, sum)
	}
	if err != nil {
		return fail(a, err)
	}
	for _, f := range sum.Files {
		if f.Err != nil || f.Skipped == "format not recognised" {
			return exitPartial
		}
	}
	return exitOK
}

func writeIngestSummary(w io.Writer, sum *ingest.Summary) {
	imported, skipped := 0, 0
	for _, f := range sum.Files {
		switch {
		case f.Err != nil:
			fmt.Fprintf(w, "failed   %s: %s\n", safe(f.Path), safe(f.Err.Error()))
		case f.Skipped != "":
			skipped++
			fmt.Fprintf(w, "skipped  %s: %s\n", safe(f.Path), safe(f.Skipped))
		default:
			imported++
		}
	}
	rate := 0.0
	if s := sum.Elapsed.Seconds(); s > 0 {
		rate = float64(sum.Events) / s
	}
	fmt.Fprintf(w, "imported %d events from %d files in %s (%s events/s); %d skipped, %d failed, %d records rejected\n",
		sum.Events, imported, sum.Elapsed.Round(time.Millisecond), humanCount(rate), skipped, sum.Failed(), sum.Rejected)
	for _, k := range sortedKeys(sum.Kinds) {
		fmt.Fprintf(w, "  %-22s %d\n", safe(k), sum.Kinds[k])
	}
	if sum.Detections > 0 {
		fmt.Fprintf(w, "%d events matched known indicators (firebreak sweep shows who touched what)\n", sum.Detections)
	}
	if len(sum.Errors) > 0 {
		fmt.Fprintf(w, "first rejected records:\n")
		for _, e := range sum.Errors {
			fmt.Fprintf(w, "  %s\n", safe(e))
		}
	}
}

func writeIngestJSON(w io.Writer, sum *ingest.Summary) {
	type file struct {
		Path     string           `json:"path"`
		Format   string           `json:"format,omitempty"`
		ImportID int64            `json:"import_id,omitempty"`
		Events   int64            `json:"events"`
		Rejected int64            `json:"rejected"`
		Kinds    map[string]int64 `json:"kinds,omitempty"`
		Skipped  string           `json:"skipped,omitempty"`
		Error    string           `json:"error,omitempty"`
	}
	out := struct {
		Events     int64            `json:"events"`
		Rejected   int64            `json:"rejected"`
		Detections int64            `json:"indicator_hits"`
		Kinds      map[string]int64 `json:"kinds"`
		Errors     []string         `json:"errors"`
		Seconds    float64          `json:"seconds"`
		Files      []file           `json:"files"`
	}{Events: sum.Events, Rejected: sum.Rejected, Detections: sum.Detections, Kinds: sum.Kinds, Errors: sum.Errors, Seconds: sum.Elapsed.Seconds()}
	if out.Errors == nil {
		out.Errors = []string{}
	}
	for _, f := range sum.Files {
		jf := file{Path: f.Path, Format: f.Format, ImportID: f.ImportID, Events: f.Events, Rejected: f.Rejected, Kinds: f.Kinds, Skipped: f.Skipped}
		if f.Err != nil {
			jf.Error = f.Err.Error()
		}
		out.Files = append(out.Files, jf)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(out)
}

// progressBar draws one line on a terminal, redrawn in place.
type progressBar struct {
	w    io.Writer
	last int
}

func (p *progressBar) update(pr ingest.Progress) {
	const width = 28
	frac := 0.0
	if pr.BytesTotal > 0 {
		frac = float64(pr.BytesDone) / float64(pr.BytesTotal)
	}
	frac = min(frac, 1)
	filled := int(frac * width)
	bar := strings.Repeat("=", filled)
	if filled < width {
		bar += ">" + strings.Repeat(" ", width-filled-1)
	}
	secs := pr.Elapsed.Seconds()
	rate := 0.0
	if secs > 0 {
		rate = float64(pr.Events) / secs
	}
	eta := "ETA --:--"
	switch {
	case frac >= 1:
		eta = "writing the last batches"
	case frac > 0.01:
		eta = "ETA " + fmtDuration(time.Duration(float64(pr.Elapsed)*(1-frac)/frac))
	}
	line := fmt.Sprintf("[%s] %3.0f%% %s/%s  %s events  %s/s  files %d/%d  %s",
		bar, frac*100, humanBytes(pr.BytesDone), humanBytes(pr.BytesTotal),
		humanCount(float64(pr.Events)), humanCount(rate), pr.FilesDone, pr.Files, eta)
	pad := ""
	if n := p.last - len(line); n > 0 {
		pad = strings.Repeat(" ", n)
	}
	p.last = len(line)
	fmt.Fprintf(p.w, "\r%s%s", line, pad)
	if pr.Done {
		fmt.Fprintf(p.w, "\r%s\r", strings.Repeat(" ", p.last))
	}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

func humanCount(f float64) string {
	switch {
	case f >= 1e9:
		return fmt.Sprintf("%.2fG", f/1e9)
	case f >= 1e6:
		return fmt.Sprintf("%.2fM", f/1e6)
	case f >= 1e4:
		return fmt.Sprintf("%.1fk", f/1e3)
	default:
		return fmt.Sprintf("%.0f", f)
	}
}

func fmtDuration(d time.Duration) string {
	s := int(d.Seconds())
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// iocDetector records indicator hits while logs are imported.
type iocDetector struct {
	m  *ioc.Matcher
	db *sql.DB
}

func (d *iocDetector) Begin(importID int64) ingest.FileDetector {
	return &iocFileDetector{m: d.m, w: ioc.NewDetectionWriter(d.db), importID: importID}
}

type iocFileDetector struct {
	m        *ioc.Matcher
	w        *ioc.DetectionWriter
	importID int64
	n        int64
}

// flushAt bounds the detections held in memory for one file.
const flushAt = 10_000

func (d *iocFileDetector) Event(ctx context.Context, ev *event.Event) error {
	d.m.Match(ev, func(h ioc.Hit) {
		d.w.Add(ioc.NewDetection(ev, d.importID, h, "live"))
		d.n++
	})
	if d.w.Pending() >= flushAt {
		return d.w.Flush(ctx)
	}
	return nil
}

func (d *iocFileDetector) End(ctx context.Context) (int64, error) {
	return d.n, d.w.Flush(ctx)
}
