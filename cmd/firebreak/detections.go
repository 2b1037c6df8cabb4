package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/firebreak-ir/firebreak/internal/ioc"
	"github.com/firebreak-ir/firebreak/internal/store/duckdb"
)

func runDetections(ctx context.Context, a *app, args []string) int {
	fs, data := newFlags(a, "detections [flags]", `
List what was detected while logs were imported: every indicator hit, with
the indicator, the internal host, the field that matched, when, and the
stored event it points at (import and position: firebreak search
import_id=N seq=M shows it). By default hits are grouped per indicator and
host; --events lists them one by one.`, `
  firebreak detections --data case42
  firebreak detections --data case42 --events --limit 50
  firebreak detections --data case42 --json | jq .`)
	events := fs.Bool("events", false, "one line per hit instead of groups")
	asJSON := fs.Bool("json", false, "one JSON object per line")
	limit := fs.Int("limit", 1000, "at most `n` lines (0: no limit)")
	if code := parse(a, fs, args); code >= 0 {
		return code
	}
	st, err := duckdb.Open(ctx, *data, duckdb.Options{MustExist: true})
	if err != nil {
		return fail(a, err)
	}
	defer st.Close()
	if err := ioc.EnsureSchema(ctx, st.DB()); err != nil {
		return fail(a, err)
	}
	lim := ""
	if *limit > 0 {
		lim = " LIMIT " + strconv.Itoa(*limit)
	}
	q := `SELECT ioc_type, ioc_value, coalesce(internal_host, ''), count(*), epoch_ns(min(ts)), epoch_ns(max(ts)),
		string_agg(DISTINCT kind, ',' ORDER BY kind), string_agg(DISTINCT field, ',' ORDER BY field), max(verdict), max(tlp), 0, 0, ''
		FROM detections GROUP BY ALL ORDER BY 6 DESC, 1, 2` + lim
	if *events {
		q = `SELECT ioc_type, ioc_value, coalesce(internal_host, ''), 1, epoch_ns(ts), epoch_ns(ts), coalesce(kind, ''), field, verdict, tlp,
			coalesce(import_id, 0), coalesce(seq, 0), matched FROM detections ORDER BY ts, import_id, seq` + lim
	}
	rows, err := st.DB().QueryContext(ctx, q)
	if err != nil {
		return fail(a, err)
	}
	defer rows.Close()
	tw := tabwriter.NewWriter(a.stdout, 2, 8, 2, ' ', 0)
	enc := json.NewEncoder(a.stdout)
	if !*asJSON {
		if *events {
			fmt.Fprintln(tw, "TIME (UTC)\tINDICATOR\tHOST\tFIELD\tKIND\tEVENT")
		} else {
			fmt.Fprintln(tw, "INDICATOR\tHOST\tHITS\tFIRST (UTC)\tLAST (UTC)\tKINDS\tFIELDS")
		}
	}
	n := 0
	for rows.Next() {
		var typ, val, host, kinds, fields, verdict, tlp, matched string
		var count, first, last, imp, seq int64
		if err := rows.Scan(&typ, &val, &host, &count, &first, &last, &kinds, &fields, &verdict, &tlp, &imp, &seq, &matched); err != nil {
			return fail(a, err)
		}
		n++
		ft, lt := time.Unix(0, first).UTC(), time.Unix(0, last).UTC()
		switch {
		case *asJSON:
			rec := map[string]any{"type": typ, "indicator": val, "host": host, "hits": count,
				"first": ft.Format(time.RFC3339Nano), "last": lt.Format(time.RFC3339Nano), "kinds": kinds, "fields": fields, "verdict": verdict, "tlp": tlp}
			if *events {
				rec["import_id"], rec["seq"], rec["matched"] = imp, seq, matched
			}
			_ = enc.Encode(rec)
		case *events:
			fmt.Fprintf(tw, "%s\t%s %s\t%s\t%s\t%s\timport_id=%d seq=%d\n", ft.Format("2006-01-02 15:04:05"), typ, safe(val), safe(host), fields, safe(kinds), imp, seq)
		default:
			fmt.Fprintf(tw, "%s %s\t%s\t%d\t%s\t%s\t%s\t%s\n", typ, safe(val), safe(host), count,
				ft.Format("2006-01-02 15:04:05"), lt.Format("2006-01-02 15:04:05"), safe(kinds), fields)
		}
	}
	if err := rows.Err(); err != nil {
		return fail(a, err)
	}
	if !*asJSON {
		_ = tw.Flush()
		if n == 0 {
			fmt.Fprintln(a.stderr, "no detections: import indicators (firebreak ioc import) before ingesting, or run firebreak sweep over stored events")
		}
	}
	return exitOK
}
