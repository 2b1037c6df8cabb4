// Command firebreak is an incident-response and threat-hunting tool: it
// ingests an organisation's logs into an investigation's data directory,
// searches them, and (as the project grows) detects, scopes and contains the
// attack in them. This file holds flag parsing and wiring only.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
)

// Exit codes.
const (
	exitOK      = 0
	exitError   = 1 // the command failed
	exitUsage   = 2 // bad command line
	exitPartial = 3 // the command finished but some inputs failed
)

// app carries what every subcommand needs.
type app struct {
	stdout, stderr io.Writer
	getenv         func(string) string
	log            *slog.Logger
}

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, a *app, args []string) int
}

func commands() []command {
	return []command{
		{"ingest", "import log files and directories into the data directory", runIngest},
		{"search", "find events by time, kind, host and field conditions", runSearch},
		{"stats", "count events per source kind, host and day", runStats},
		{"imports", "list the files imported so far", runImports},
		{"ioc", "import, list, export, expire and extract indicators", runIOC},
		{"sweep", "find every host that touched the indicators (retro-hunt)", runSweep},
		{"detections", "list indicator hits recorded while logs were imported", runDetections},
		{"evtx", "dump a Windows event log file as JSON lines or XML", runEVTX},
		{"version", "print the version", runVersion},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	a := &app{stdout: stdout, stderr: stderr, getenv: getenv}
	level := slog.LevelWarn
	if getenv("FIREBREAK_DEBUG") != "" {
		level = slog.LevelDebug
	}
	a.log = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		if len(args) > 1 && args[0] == "help" {
			return run(ctx, []string{args[1], "--help"}, stdout, stderr, getenv)
		}
		usage(stdout)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, a, args[1:])
		}
	}
	fmt.Fprintf(stderr, "firebreak: unknown command %q\n\n", args[0])
	usage(stderr)
	return exitUsage
}

func usage(w io.Writer) {
	fmt.Fprint(w, `firebreak finds, scopes and contains attacks in an organisation's logs.

Usage:
  firebreak <command> [flags] [arguments]

Commands:
`)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, `
Every command works on one data directory per investigation, chosen with
--data DIR or the FIREBREAK_DATA environment variable (default ./firebreak-data).

Examples:
  firebreak ingest --data case42 /evidence/zeek/
  firebreak search --data case42 destination.ip=203.0.113.9
  firebreak stats --data case42

Run "firebreak <command> --help" for a command's flags and examples.
`)
}

// newFlags returns a flag set with the shared --data flag and a usage text
// made of the synopsis, the flags and the examples.
func newFlags(a *app, name, synopsis, examples string) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	def := a.getenv("FIREBREAK_DATA")
	if def == "" {
		def = "firebreak-data"
	}
	data := fs.String("data", def, "investigation data `directory` (env FIREBREAK_DATA)")
	fs.Usage = func() {
		out := fs.Output()
		fmt.Fprintf(out, "Usage: firebreak %s\n\n%s\n\nFlags:\n", name, strings.TrimSpace(synopsis))
		fs.PrintDefaults()
		fmt.Fprintf(out, "\nExamples:\n%s\n", strings.TrimRight(examples, "\n"))
	}
	return fs, data
}

// parse parses args, writing help to stdout when asked for it. It returns a
// non-negative exit code when the caller should stop.
func parse(a *app, fs *flag.FlagSet, args []string) int {
	for _, arg := range args {
		if arg == "--" {
			break
		}
		if arg == "-h" || arg == "-help" || arg == "--help" {
			fs.SetOutput(a.stdout)
			fs.Usage()
			return exitOK
		}
	}
	if err := fs.Parse(interleave(fs, args)); err != nil {
		return exitUsage
	}
	return -1
}

// interleave moves flags after positional arguments to the front, so that
// "firebreak search x=1 --json" works as people expect.
func interleave(fs *flag.FlagSet, args []string) []string {
	var flags, pos []string
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if arg == "--" {
			pos = append(pos, args[i+1:]...)
			break
		}
		if len(arg) < 2 || arg[0] != '-' {
			pos = append(pos, arg)
			continue
		}
		flags = append(flags, arg)
		name := strings.TrimLeft(arg, "-")
		if strings.Contains(name, "=") {
			continue
		}
		f := fs.Lookup(name)
		if f == nil {
			continue
		}
		if bf, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && bf.IsBoolFlag() {
			continue
		}
		if i+1 < len(args) {
			flags = append(flags, args[i+1])
			i++
		}
	}
	return append(append(flags, "--"), pos...)
}

// listFlag collects a repeatable, comma-separated flag.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }
func (l *listFlag) Set(s string) error {
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			*l = append(*l, v)
		}
	}
	return nil
}

func fail(a *app, err error) int {
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(a.stderr, "firebreak: interrupted")
		return exitError
	}
	fmt.Fprintf(a.stderr, "firebreak: %v\n", err)
	return exitError
}

func sortedKeys(m map[string]int64) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func runVersion(_ context.Context, a *app, args []string) int {
	fs, _ := newFlags(a, "version", "Print the version of firebreak.", "  firebreak version")
	if code := parse(a, fs, args); code >= 0 {
		return code
	}
	fmt.Fprintln(a.stdout, "firebreak", version)
	return exitOK
}

const version = "0.1.0-dev"
