package main

import (
	"context"
	"encoding/json"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/firebreak-ir/firebreak/internal/store/duckdb"
)

func runStats(ctx context.Context, a *app, args []string) int {
	fs, data := newFlags(a, "stats [flags]", `
Count stored events per source kind, observing host and day (UTC), with the
first and last event time of each group. Takes the same --from, --to, --kind
and --host selections as search.`, `
  firebreak stats --data case42
  firebreak stats --data case42 --kind zeek.conn --from 2026-11-01 --json`)
	var qf queryFlags
	qf.register(fs)
	asJSON := fs.Bool("json", false, "one JSON object per group")
	if code := parse(a, fs, args); code >= 0 {
		return code
	}
	q, loc, err := qf.build(time.Now(), fs.Args())
	if err != nil {
		fmt.Fprintf(a.stderr, "firebreak stats: %v\n", err)
		return exitUsage
	}
	st, err := duckdb.Open(ctx, *data, duckdb.Options{MustExist: true})
	if err != nil {
		return fail(a, err)
	}
	defer st.Close()
	rows, err := st.Stats(ctx, q)
	if err != nil {
		return fail(a, err)
	}
	if *asJSON {
		enc := json.NewEncoder(a.stdout)
		for _, r := range rows {
			_ = enc.Encode(map[string]any{
				"kind": r.Kind, "host": r.Host, "day": r.Day.Format("2006-01-02"), "events": r.Events,
				"first": time.Unix(0, r.First).UTC().Format(time.RFC3339Nano),
				"last":  time.Unix(0, r.Last).UTC().Format(time.RFC3339Nano),
			})
		}
		return exitOK
	}
	tw := tabwriter.NewWriter(a.stdout, 2, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "DAY\tKIND\tHOST\tEVENTS\tFIRST\tLAST")
	var total int64
	for _, r := range rows {
		total += r.Events
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\n", r.Day.Format("2006-01-02"), safe(r.Kind), safe(r.Host), r.Events,
			time.Unix(0, r.First).In(loc).Format("15:04:05"), time.Unix(0, r.Last).In(loc).Format("15:04:05"))
	}
	fmt.Fprintf(tw, "\t\ttotal\t%d\t\t\n", total)
	_ = tw.Flush()
	return exitOK
}
