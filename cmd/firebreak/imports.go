package main

import (
	"context"
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"github.com/firebreak-ir/firebreak/internal/store/duckdb"
)

func runImports(ctx context.Context, a *app, args []string) int {
	fs, data := newFlags(a, "imports [flags]", `
List the files imported into the data directory: path, format, SHA-256,
events stored, records rejected and status. An import left "running" was
interrupted; importing the same file again replaces what it stored.`, `
  firebreak imports --data case42
  firebreak imports --data case42 --json`)
	asJSON := fs.Bool("json", false, "one JSON object per import")
	if code := parse(a, fs, args); code >= 0 {
		return code
	}
	st, err := duckdb.Open(ctx, *data, duckdb.Options{MustExist: true})
	if err != nil {
		return fail(a, err)
	}
	defer st.Close()
	imps, err := st.Imports(ctx)
	if err != nil {
		return fail(a, err)
	}
	if *asJSON {
		enc := json.NewEncoder(a.stdout)
		for _, i := range imps {
			_ = enc.Encode(map[string]any{"id": i.ID, "path": i.Path, "size": i.Size, "sha256": i.SHA256, "format": i.Format,
				"status": i.Status, "events": i.Events, "rejected": i.Rejected, "batches": i.Batches, "started": i.Started})
		}
		return exitOK
	}
	tw := tabwriter.NewWriter(a.stdout, 2, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTATUS\tFORMAT\tEVENTS\tREJECTED\tSHA256\tPATH")
	for _, i := range imps {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%d\t%d\t%.12s\t%s\n", i.ID, i.Status, i.Format, i.Events, i.Rejected, i.SHA256, safe(i.Path))
	}
	_ = tw.Flush()
	return exitOK
}
