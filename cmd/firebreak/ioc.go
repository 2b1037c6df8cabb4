package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/firebreak-ir/firebreak/internal/ioc"
	"github.com/firebreak-ir/firebreak/internal/store/duckdb"
)

// guardFlags configure the allow-lists and the never-block list. Files in
// the data directory are read too: allowlists/* (refused), own-domains.txt
// and never-block.txt.
type guardFlags struct {
	allow, never, own listFlag
}

func (g *guardFlags) register(fs *flag.FlagSet) {
	fs.Var(&g.allow, "allowlist", "allow-list `file` (one indicator per line with a reason, or a MISP warninglist JSON); repeatable")
	fs.Var(&g.never, "never-block", "never-block list `file` (kill-switch domains: hits are evidence, never blocked); repeatable")
	fs.Var(&g.own, "own-domain", "the organisation's own `domains`, comma-separated or repeated")
}

func (g *guardFlags) build(dataDir string) (*ioc.Guard, error) {
	guard := ioc.NewGuard()
	allow := append([]string{}, g.allow...)
	if dataDir != "" {
		if m, _ := filepath.Glob(filepath.Join(dataDir, "allowlists", "*")); len(m) > 0 {
			sort.Strings(m)
			allow = append(allow, m...)
		}
	}
	for _, f := range allow {
		if err := readGuardList(guard, f, ioc.VerdictRefuse); err != nil {
			return nil, err
		}
	}
	never := append([]string{}, g.never...)
	own := append([]string{}, g.own...)
	if dataDir != "" {
		if _, err := os.Stat(filepath.Join(dataDir, "never-block.txt")); err == nil {
			never = append(never, filepath.Join(dataDir, "never-block.txt"))
		}
		if b, err := os.ReadFile(filepath.Join(dataDir, "own-domains.txt")); err == nil {
			for _, l := range strings.Split(string(b), "\n") {
				if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
					own = append(own, strings.Fields(l)[0])
				}
			}
		}
	}
	for _, f := range never {
		if err := readGuardList(guard, f, ioc.VerdictNeverBlock); err != nil {
			return nil, err
		}
	}
	for _, d := range own {
		if err := guard.AddOwnDomain(d); err != nil {
			return nil, err
		}
	}
	return guard, nil
}

func readGuardList(g *ioc.Guard, path string, v ioc.Verdict) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("allow-list: %w", err)
	}
	defer f.Close()
	if err := g.AddList(f, filepath.Base(path), v); err != nil {
		return fmt.Errorf("allow-list %s: %w", path, err)
	}
	return nil
}

func runIOC(ctx context.Context, a *app, args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		w := a.stdout
		if len(args) == 0 {
			w = a.stderr
		}
		fmt.Fprint(w, `Usage: firebreak ioc <import|list|export|expire|extract> [flags] [arguments]

Manage the investigation's indicators of compromise.

  import   read indicators from lists, CSV, STIX 2.1 bundles, MISP events or
           feed directories, and notification e-mails; store them
  list     show stored indicators
  export   write stored indicators as a list, CSV, JSON or a STIX 2.1 bundle
           (TLP:RED is never exported unless --include-red)
  expire   delete indicators whose validity has ended
  extract  print the indicators and times found in a notice (.eml or text)

Examples:
  firebreak ioc extract notice.eml
  firebreak ioc import --data case42 --source jpcert notice.eml
  firebreak ioc import --data case42 feed/ bundle.json iocs.txt
  firebreak ioc list --data case42 --type domain
  firebreak ioc export --data case42 --format stix --max-tlp amber > share.json

Run "firebreak ioc <subcommand> --help" for its flags.
`)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	switch args[0] {
	case "import":
		return runIOCImport(ctx, a, args[1:])
	case "list":
		return runIOCList(ctx, a, args[1:])
	case "export":
		return runIOCExport(ctx, a, args[1:])
	case "expire":
		return runIOCExpire(ctx, a, args[1:])
	case "extract":
		return runIOCExtract(ctx, a, args[1:])
	}
	fmt.Fprintf(a.stderr, "firebreak ioc: unknown subcommand %q (import, list, export, expire, extract)\n", args[0])
	return exitUsage
}

// sourceFlags describe how indicator inputs are read.
type sourceFlags struct {
	format, mapping, source, tlp, campaign, expires string
	allAttrs                                        bool
}

func (s *sourceFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&s.format, "format", "auto", "input `format`: auto, list, csv, stix, misp, mail, text")
	fs.StringVar(&s.mapping, "map", "", "CSV column `mapping`, such as value=indicator,type=kind,tlp=marking")
	fs.StringVar(&s.source, "source", "", "source `name` recorded with the indicators (default: the file name, or the organisation the file names)")
	fs.StringVar(&s.tlp, "tlp", "", "TLP for indicators the input leaves unmarked (CLEAR, GREEN, AMBER, AMBER+STRICT, RED)")
	fs.StringVar(&s.campaign, "campaign", "", "campaign `name` for indicators the input does not name one for")
	fs.StringVar(&s.expires, "expires", "", "validity for indicators without one: a `duration` such as 90d, or a date")
	fs.BoolVar(&s.allAttrs, "all-attributes", false, "MISP: also import attributes whose to_ids flag is off (flagged)")
}

// readIndicators reads one input path (a file or a MISP feed directory).
// It returns the indicators, the entries skipped, and, for notices, the
// extraction (for its time context).
func (s *sourceFlags) read(path string, now time.Time) ([]ioc.Indicator, []string, *ioc.Extraction, error) {
	src := s.source
	if src == "" {
		src = filepath.Base(path)
	}
	var im *ioc.Import
	var ext *ioc.Extraction
	st, err := os.Stat(path)
	if err != nil {
		return nil, nil, nil, err
	}
	format := s.format
	if st.IsDir() {
		if format != "auto" && format != "misp" {
			return nil, nil, nil, fmt.Errorf("%s is a directory: only MISP feeds are read from directories", path)
		}
		im, err = ioc.ReadMISPFeed(os.DirFS(path), src, ioc.MISPOptions{AllAttributes: s.allAttrs})
		if err != nil {
			return nil, nil, nil, fmt.Errorf("%s: %w", path, err)
		}
	} else {
		f, err := os.Open(path)
		if err != nil {
			return nil, nil, nil, err
		}
		defer f.Close()
		br := bufio.NewReaderSize(f, 64<<10)
		if format == "auto" {
			head, _ := br.Peek(4096)
			format = ioc.Sniff(head)
			if format == "list" && (strings.EqualFold(filepath.Ext(path), ".eml") || looksLikeProse(head)) {
				format = "text"
				if strings.EqualFold(filepath.Ext(path), ".eml") {
					format = "mail"
				}
			}
		}
		switch format {
		case "list":
			im, err = ioc.ReadList(br, src)
		case "csv":
			var m ioc.CSVMapping
			if m, err = ioc.ParseCSVMapping(s.mapping); err == nil {
				im, err = ioc.ReadCSV(br, src, m)
			}
		case "stix":
			im, err = ioc.ReadSTIX(br, src)
		case "misp":
			im, err = ioc.ReadMISP(br, src, ioc.MISPOptions{AllAttributes: s.allAttrs})
		case "mail", "text":
			var x ioc.Extraction
			if format == "mail" {
				n, rerr := ioc.ReadMail(br)
				if n == nil {
					return nil, nil, nil, fmt.Errorf("%s: %w", path, rerr)
				}
				err = rerr
				x = n.Extract()
			} else {
				b, rerr := io.ReadAll(io.LimitReader(br, 32<<20))
				if rerr != nil {
					return nil, nil, nil, fmt.Errorf("%s: %w", path, rerr)
				}
				x = ioc.Extract(ioc.DecodeCharset(b, ""))
			}
			ext = &x
			im = &ioc.Import{}
			for _, f := range x.Found {
				in := f.Indicator
				in.Source = src
				im.Indicators = append(im.Indicators, in)
			}
		default:
			return nil, nil, nil, fmt.Errorf("unknown --format %q", format)
		}
		if err != nil {
			return nil, nil, nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	var defTLP ioc.TLP
	if s.tlp != "" {
		if defTLP, err = ioc.ParseTLP(s.tlp); err != nil {
			return nil, nil, nil, err
		}
	}
	var exp time.Time
	if s.expires != "" {
		if exp, err = parseExpiry(s.expires, now); err != nil {
			return nil, nil, nil, err
		}
	}
	for i := range im.Indicators {
		in := &im.Indicators[i]
		if in.TLP == "" {
			in.TLP = defTLP
		}
		if in.Campaign == "" {
			in.Campaign = s.campaign
		}
		if in.Expires.IsZero() {
			in.Expires = exp
		}
		if s.source != "" {
			in.Source = s.source
		}
	}
	return im.Indicators, im.Skipped, ext, nil
}

// looksLikeProse tells a notice in plain text from a list: a list has one
// short token per line.
func looksLikeProse(head []byte) bool {
	words, lines := 0, 0
	for _, l := range strings.Split(string(head), "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		lines++
		words += len(strings.Fields(l))
		if !isASCII(l) {
			return true
		}
	}
	return lines > 0 && words > 2*lines
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func parseExpiry(s string, now time.Time) (time.Time, error) {
	if strings.HasSuffix(s, "d") {
		if n, err := strconv.Atoi(strings.TrimSuffix(s, "d")); err == nil && n > 0 {
			return now.Add(time.Duration(n) * 24 * time.Hour), nil
		}
	}
	if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return now.Add(d), nil
	}
	t, err := parseWhen(s, now, time.UTC)
	if err != nil {
		return time.Time{}, fmt.Errorf("--expires: %w", err)
	}
	return t, nil
}

func runIOCImport(ctx context.Context, a *app, args []string) int {
	fs, data := newFlags(a, "ioc import [flags] FILE|DIR...", `
Read indicators and store them in the data directory. The format is
recognised by content: plain lists (one indicator per line, type detected,
defanged forms accepted), CSV with a header (--map names the columns), STIX
2.1 bundles, MISP event JSON, MISP feed directories (manifest.json and event
files; only to_ids attributes unless --all-attributes), and notification
e-mails or texts (indicators extracted). The guards refuse indicators that
would do harm or match everything (private ranges, public resolvers, very
popular domains, the organisation's own domains, empty-file hashes, system
binary names) unless --force, and flag others; the never-block list marks
kill-switch domains.`, `
  firebreak ioc import --data case42 iocs.txt
  firebreak ioc import --data case42 --source jpcert --tlp amber notice.eml
  firebreak ioc import --data case42 --map value=indicator,type=kind,tlp=tlp feed.csv
  firebreak ioc import --data case42 misp-feed/ bundle.json --expires 90d`)
	var sf sourceFlags
	sf.register(fs)
	var gf guardFlags
	gf.register(fs)
	force := fs.Bool("force", false, "store refused indicators too (still marked refused)")
	quiet := fs.Bool("q", false, "print only the summary")
	if code := parse(a, fs, args); code >= 0 {
		return code
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(a.stderr, "firebreak ioc import: name at least one file or directory")
		return exitUsage
	}
	guard, err := gf.build(*data)
	if err != nil {
		return fail(a, err)
	}
	now := time.Now()
	var all []ioc.Indicator
	var refused []ioc.Indicator
	for _, p := range fs.Args() {
		inds, skipped, _, err := sf.read(p, now)
		if err != nil {
			return fail(a, err)
		}
		for _, s := range skipped {
			if !*quiet {
				fmt.Fprintf(a.stderr, "skipped: %s: %s\n", safe(p), safe(s))
			}
		}
		for _, in := range inds {
			guard.Apply(&in)
			if in.Verdict == ioc.VerdictRefuse && !*force {
				refused = append(refused, in)
				continue
			}
			all = append(all, in)
		}
	}
	st, err := duckdb.Open(ctx, *data, duckdb.Options{})
	if err != nil {
		return fail(a, err)
	}
	defer st.Close()
	res, err := ioc.Save(ctx, st.DB(), all)
	if err != nil {
		return fail(a, err)
	}
	w := bufio.NewWriter(a.stdout)
	defer w.Flush()
	flagged, never := 0, 0
	for _, in := range all {
		switch in.Verdict {
		case ioc.VerdictFlag:
			flagged++
			if !*quiet {
				fmt.Fprintf(w, "flagged      %-8s %s: %s\n", in.Type, safe(in.Value), safe(in.Reason))
			}
		case ioc.VerdictNeverBlock:
			never++
			if !*quiet {
				fmt.Fprintf(w, "never-block  %-8s %s: %s\n", in.Type, safe(in.Value), safe(in.Reason))
			}
		}
	}
	if !*quiet {
		for _, in := range refused {
			fmt.Fprintf(w, "refused      %-8s %s: %s\n", in.Type, safe(in.Value), safe(in.Reason))
		}
	}
	fmt.Fprintf(w, "%d indicators stored (%d new, %d updated), %d refused, %d flagged, %d never-block\n",
		res.Added+res.Updated, res.Added, res.Updated, len(refused), flagged, never)
	return exitOK
}

func runIOCList(ctx context.Context, a *app, args []string) int {
	fs, data := newFlags(a, "ioc list [flags]", `
Show the stored indicators: type, value, TLP, source, campaign, validity and
any guard verdict with its reason. Expired and refused indicators are left
out unless asked for.`, `
  firebreak ioc list --data case42
  firebreak ioc list --data case42 --type ipv4,cidr --json
  firebreak ioc list --data case42 --source jpcert --expired --csv`)
	var types listFlag
	fs.Var(&types, "type", "only these `types` (ipv4, ipv6, cidr, domain, url, md5, sha1, sha256, filename, email, user-agent)")
	source := fs.String("source", "", "only from this `source`")
	contains := fs.String("value", "", "only values containing `text`")
	expired := fs.Bool("expired", false, "include expired indicators")
	refused := fs.Bool("refused", false, "include indicators refused by the guards")
	asJSON := fs.Bool("json", false, "one JSON object per indicator")
	asCSV := fs.Bool("csv", false, "CSV with a header row")
	if code := parse(a, fs, args); code >= 0 {
		return code
	}
	f, err := filterFrom(types, *source, *contains, *expired, *refused)
	if err != nil {
		fmt.Fprintf(a.stderr, "firebreak ioc list: %v\n", err)
		return exitUsage
	}
	st, err := duckdb.Open(ctx, *data, duckdb.Options{MustExist: true})
	if err != nil {
		return fail(a, err)
	}
	defer st.Close()
	inds, err := ioc.Load(ctx, st.DB(), f)
	if err != nil {
		return fail(a, err)
	}
	w := bufio.NewWriter(a.stdout)
	defer w.Flush()
	switch {
	case *asJSON:
		enc := json.NewEncoder(w)
		for _, in := range inds {
			if err := enc.Encode(in); err != nil {
				return fail(a, err)
			}
		}
	case *asCSV:
		if err := writeIndicatorCSV(w, inds); err != nil {
			return fail(a, err)
		}
	default:
		for _, in := range inds {
			line := fmt.Sprintf("%-10s %-45s %-13s %-16s", in.Type, safe(in.Value), tlpText(in.TLP), safe(in.Source))
			if in.Campaign != "" {
				line += " campaign=" + safe(in.Campaign)
			}
			if !in.Expires.IsZero() {
				line += " expires=" + in.Expires.UTC().Format("2006-01-02")
			}
			if in.Verdict != "" {
				line += " [" + string(in.Verdict) + ": " + safe(in.Reason) + "]"
			}
			fmt.Fprintln(w, strings.TrimRight(line, " "))
		}
		fmt.Fprintf(w, "%d indicators\n", len(inds))
	}
	return exitOK
}

func tlpText(t ioc.TLP) string {
	if t == "" {
		return "-"
	}
	return "TLP:" + string(t)
}

func filterFrom(types listFlag, source, contains string, expired, refused bool) (ioc.Filter, error) {
	f := ioc.Filter{Source: source, Value: contains, IncludeExpired: expired, IncludeRefused: refused}
	for _, t := range types {
		tt, err := ioc.ParseType(t)
		if err != nil {
			return f, err
		}
		f.Types = append(f.Types, tt)
	}
	return f, nil
}

func writeIndicatorCSV(w io.Writer, inds []ioc.Indicator) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"type", "value", "tlp", "source", "confidence", "campaign", "tags", "first_seen", "last_seen", "expires", "verdict", "reason", "context"}); err != nil {
		return err
	}
	ts := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	}
	for _, in := range inds {
		if err := cw.Write([]string{string(in.Type), csvSafe(in.Value), string(in.TLP), csvSafe(in.Source), strconv.Itoa(in.Confidence), csvSafe(in.Campaign),
			csvSafe(strings.Join(in.Tags, ";")), ts(in.FirstSeen), ts(in.LastSeen), ts(in.Expires), string(in.Verdict), csvSafe(in.Reason), csvSafe(in.Context)}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// csvSafe keeps a spreadsheet from reading text from outside as a formula.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func runIOCExport(ctx context.Context, a *app, args []string) int {
	fs, data := newFlags(a, "ioc export [flags]", `
Write the stored indicators for sharing or for other tools: a plain list, CSV,
JSON lines, or a STIX 2.1 bundle with TLP marking definitions. Indicators
marked TLP:RED never leave the system unless --include-red is given; refused
indicators are never exported. --max-tlp leaves out everything more
restricted than the level named.`, `
  firebreak ioc export --data case42 > iocs.txt
  firebreak ioc export --data case42 --format stix --max-tlp green > share.json
  firebreak ioc export --data case42 --format csv --type domain,url`)
	format := fs.String("format", "list", "output `format`: list, csv, json, stix")
	var types listFlag
	fs.Var(&types, "type", "only these `types`")
	source := fs.String("source", "", "only from this `source`")
	maxTLP := fs.String("max-tlp", "", "leave out indicators more restricted than `TLP` (unmarked ones count as AMBER)")
	includeRed := fs.Bool("include-red", false, "also export TLP:RED indicators (they must not leave the organisation)")
	if code := parse(a, fs, args); code >= 0 {
		return code
	}
	f, err := filterFrom(types, *source, "", false, false)
	if err != nil {
		fmt.Fprintf(a.stderr, "firebreak ioc export: %v\n", err)
		return exitUsage
	}
	limit := 5
	if *maxTLP != "" {
		t, err := ioc.ParseTLP(*maxTLP)
		if err != nil {
			fmt.Fprintf(a.stderr, "firebreak ioc export: %v\n", err)
			return exitUsage
		}
		limit = t.Rank()
	}
	st, err := duckdb.Open(ctx, *data, duckdb.Options{MustExist: true})
	if err != nil {
		return fail(a, err)
	}
	defer st.Close()
	inds, err := ioc.Load(ctx, st.DB(), f)
	if err != nil {
		return fail(a, err)
	}
	var out []ioc.Indicator
	red, over := 0, 0
	for _, in := range inds {
		r := in.TLP.Rank()
		if in.TLP == "" {
			r = ioc.TLPAmber.Rank()
		}
		switch {
		case in.TLP == ioc.TLPRed && !*includeRed:
			red++
		case r > limit:
			over++
		default:
			out = append(out, in)
		}
	}
	if red > 0 {
		fmt.Fprintf(a.stderr, "firebreak ioc export: %d TLP:RED indicators left out (they must not leave the organisation; --include-red to override)\n", red)
	}
	if over > 0 {
		fmt.Fprintf(a.stderr, "firebreak ioc export: %d indicators above --max-tlp %s left out\n", over, strings.ToUpper(*maxTLP))
	}
	w := bufio.NewWriter(a.stdout)
	defer w.Flush()
	switch *format {
	case "list":
		for _, in := range out {
			fmt.Fprintln(w, in.Value)
		}
	case "csv":
		err = writeIndicatorCSV(w, out)
	case "json":
		enc := json.NewEncoder(w)
		for _, in := range out {
			if err = enc.Encode(in); err != nil {
				break
			}
		}
	case "stix":
		var b []byte
		b, err = ioc.WriteSTIX(out, time.Now())
		if err == nil {
			_, err = w.Write(append(b, '\n'))
		}
	default:
		fmt.Fprintf(a.stderr, "firebreak ioc export: unknown --format %q (list, csv, json, stix)\n", *format)
		return exitUsage
	}
	if err != nil {
		return fail(a, err)
	}
	return exitOK
}

func runIOCExpire(ctx context.Context, a *app, args []string) int {
	fs, data := newFlags(a, "ioc expire [flags]", `
Delete the indicators whose validity has ended (STIX valid_until, --expires
at import), and with --unseen those not seen for that long.`, `
  firebreak ioc expire --data case42
  firebreak ioc expire --data case42 --unseen 180d`)
	unseen := fs.String("unseen", "", "also delete indicators not seen for this `duration` (such as 180d)")
	if code := parse(a, fs, args); code >= 0 {
		return code
	}
	var d time.Duration
	if *unseen != "" {
		now := time.Now()
		t, err := parseExpiry(*unseen, now)
		if err != nil {
			fmt.Fprintf(a.stderr, "firebreak ioc expire: --unseen: %v\n", err)
			return exitUsage
		}
		d = t.Sub(now)
	}
	st, err := duckdb.Open(ctx, *data, duckdb.Options{MustExist: true})
	if err != nil {
		return fail(a, err)
	}
	defer st.Close()
	n, err := ioc.Expire(ctx, st.DB(), time.Now(), d)
	if err != nil {
		return fail(a, err)
	}
	fmt.Fprintf(a.stdout, "%d indicators expired\n", n)
	return exitOK
}

func runIOCExtract(ctx context.Context, a *app, args []string) int {
	fs, data := newFlags(a, "ioc extract [flags] FILE...", `
Print the indicators found in a notification: an e-mail (.eml: MIME,
base64, quoted-printable, ISO-2022-JP, Shift_JIS, EUC-JP, UTF-8) or a text.
Defanged forms (hxxp, [.], (.), {.}, [dot], [:], [@]) and full-width
characters are undone. Each indicator is shown with its type, where it was
(part, line:column), and any guard verdict with its reason; the dates and
times mentioned (JST unless the notice says otherwise) are listed as
context for the sweep window. Nothing is stored unless --save.`, `
  firebreak ioc extract notice.eml
  firebreak ioc extract --json notice.eml | jq .
  firebreak ioc extract --own-domain example.co.jp --save --data case42 notice.eml`)
	var gf guardFlags
	gf.register(fs)
	asJSON := fs.Bool("json", false, "one JSON document per file")
	save := fs.Bool("save", false, "also store the indicators (refused ones are not stored)")
	source := fs.String("source", "", "source `name` for --save (default: the file name)")
	if code := parse(a, fs, args); code >= 0 {
		return code
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(a.stderr, "firebreak ioc extract: name at least one file")
		return exitUsage
	}
	// The data directory's lists apply when there is one; extract needs none.
	listDir := ""
	if st, err := os.Stat(*data); err == nil && st.IsDir() {
		listDir = *data
	}
	guard, err := gf.build(listDir)
	if err != nil {
		return fail(a, err)
	}
	w := bufio.NewWriter(a.stdout)
	defer w.Flush()
	var toSave []ioc.Indicator
	for _, p := range fs.Args() {
		x, notice, err := extractFile(p, a.stderr)
		if err != nil {
			return fail(a, err)
		}
		src := *source
		if src == "" {
			src = filepath.Base(p)
		}
		for i := range x.Found {
			guard.Apply(&x.Found[i].Indicator)
			x.Found[i].Source = src
			if x.Found[i].Verdict != ioc.VerdictRefuse {
				toSave = append(toSave, x.Found[i].Indicator)
			}
		}
		if *asJSON {
			doc := struct {
				File string `json:"file"`
				*ioc.Extraction
				Subject     string           `json:"subject,omitempty"`
				From        string           `json:"from,omitempty"`
				Date        *time.Time       `json:"date,omitempty"`
				Attachments []ioc.Attachment `json:"attachments,omitempty"`
			}{File: p, Extraction: &x}
			if notice != nil {
				doc.Subject, doc.From, doc.Attachments = notice.Subject, notice.From, notice.Attachments
				if !notice.Date.IsZero() {
					doc.Date = &notice.Date
				}
			}
			b, err := json.Marshal(doc)
			if err != nil {
				return fail(a, err)
			}
			w.Write(append(b, '\n'))
			continue
		}
		fmt.Fprintf(w, "%s\n", safe(p))
		if notice != nil {
			fmt.Fprintf(w, "  subject: %s\n  from:    %s\n", safe(notice.Subject), safe(notice.From))
			if !notice.Date.IsZero() {
				fmt.Fprintf(w, "  date:    %s\n", notice.Date.Format(time.RFC3339))
			}
			for _, at := range notice.Attachments {
				fmt.Fprintf(w, "  attachment (not opened): %s %s %d bytes sha256 %s\n", safe(at.Name), safe(at.ContentType), at.Size, at.SHA256)
			}
		}
		if x.TLP != "" {
			fmt.Fprintf(w, "  marked TLP:%s\n", x.TLP)
		}
		fmt.Fprintf(w, "  %d indicators:\n", len(x.Found))
		for _, f := range x.Found {
			where := fmt.Sprintf("%d:%d", f.Line, f.Col)
			if f.Part != "" && f.Part != "body" {
				where = f.Part + " " + where
			}
			line := fmt.Sprintf("  %-10s %-45s %-14s", f.Type, safe(f.Value), safe(where))
			var notes []string
			if f.Defanged {
				notes = append(notes, "defanged: "+safe(f.Text))
			}
			if f.Derived {
				notes = append(notes, safe(f.Context))
			} else if strings.HasPrefix(f.Context, "port ") {
				notes = append(notes, f.Context)
			}
			if f.Count > 1 {
				notes = append(notes, fmt.Sprintf("%d times", f.Count))
			}
			if f.Verdict != "" {
				notes = append(notes, strings.ToUpper(string(f.Verdict))+": "+safe(f.Reason))
			}
			fmt.Fprintln(w, strings.TrimRight(line+" "+strings.Join(notes, "; "), " "))
		}
		if len(x.Times) > 0 {
			fmt.Fprintf(w, "  times mentioned (sweep window context):\n")
			for _, m := range x.Times {
				fmt.Fprintf(w, "    %-25s %s (line %d)\n", m.Time.Format(time.RFC3339), safe(m.Text), m.Line)
			}
		}
	}
	if *save {
		st, err := duckdb.Open(ctx, *data, duckdb.Options{})
		if err != nil {
			return fail(a, err)
		}
		defer st.Close()
		res, err := ioc.Save(ctx, st.DB(), toSave)
		if err != nil {
			return fail(a, err)
		}
		w.Flush()
		fmt.Fprintf(a.stderr, "%d indicators stored (%d new)\n", res.Added+res.Updated, res.Added)
	}
	return exitOK
}

// extractFile reads a notice: an e-mail when it looks like one, else text
// in any supported charset.
func extractFile(p string, warn io.Writer) (ioc.Extraction, *ioc.Notice, error) {
	b, err := os.ReadFile(p)
	if err != nil {
		return ioc.Extraction{}, nil, err
	}
	if ioc.Sniff(b) == "mail" || strings.EqualFold(filepath.Ext(p), ".eml") {
		n, err := ioc.ReadMail(strings.NewReader(string(b)))
		if n == nil {
			return ioc.Extraction{}, nil, fmt.Errorf("%s: %w", p, err)
		}
		if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
			fmt.Fprintf(warn, "firebreak: %s: %v (using what was read)\n", safe(p), err)
		}
		return n.Extract(), n, nil
	}
	return ioc.Extract(ioc.DecodeCharset(b, "")), nil, nil
}
