// Package cli holds what every tool of the toolkit shares: flag parsing
// (kong, with single-dash long flags such as -label accepted as written),
// --version, one-line errors, refusing a $ACGAN_GEMM that names a
// matrix-multiply implementation the machine lacks (see package gemm),
// refusing to write binary data to a terminal, quiet exits when the reader
// of stdout goes away, and the tool's output (stdout, or a file written all
// or nothing by package atomicfile).
//
// A tool's main is thin:
//
//	var args struct {
//		cli.Common
//		Label int `name:"label" help:"..."`
//	}
//	func main() {
//		cli.Parse("acgan-gen", "Generate digits.", &args)
//		cli.Exit("acgan-gen", run())
//	}
package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/alecthomas/kong"
	"golang.org/x/term"

	"acgan/pkg/atomicfile"
	"acgan/pkg/gemm"
)

// Version is the toolkit's release, printed by --version together with the
// source revision when the build recorded one. A release build may set it
// with -ldflags "-X acgan/pkg/cli.Version=...".
var Version = "0.1.0"

func version() string {
	v := Version
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				v += "+" + s.Value[:12]
			}
		}
	}
	return v
}

// Common is embedded in every tool's argument struct: it gives --version.
type Common struct {
	Version kong.VersionFlag `name:"version" help:"Print the version and exit."`
}

// Parse parses os.Args into cmd, a pointer to a kong argument struct that
// embeds Common; vars give the values of ${name} in its help texts. Long
// flags may be written with one dash (-label 5) or two (--label 5); -h and
// --help print help. Bad flags print one line and exit 2, and so does a
// value of $ACGAN_GEMM that names no implementation this machine runs
// (gemm.EnvError).
func Parse(name, description string, cmd any, vars ...kong.Vars) *kong.Context {
	all := kong.Vars{"version": name + " " + version()}
	for _, v := range vars {
		for k, x := range v {
			all[k] = x
		}
	}
	parser, err := kong.New(cmd,
		kong.Name(name),
		kong.Description(description),
		all,
		kong.UsageOnError(),
		kong.ConfigureHelp(kong.HelpOptions{Compact: true, NoExpandSubcommands: true}),
	)
	if err != nil {
		// A programming error in the argument struct.
		panic(err)
	}
	args := NormalizeArgs(parser.Model, os.Args[1:])
	ctx, err := parser.Parse(args)
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v (see %s --help)\n", name, err, name)
		os.Exit(2)
	}
	if err := gemm.EnvError(); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
		os.Exit(2)
	}
	return ctx
}

// NormalizeArgs rewrites single-dash long flags ("-label", "-label=5") into
// their double-dash form when the name (without the dash) is a long flag of
// the application. Everything after a lone "--" is left alone, as are short
// flags ("-h") and negative numbers ("-1"). A negative number given as the
// value of a flag that takes one ("-range -1,1", "--pad-value -0.5",
// "-n -3") is joined to it ("--range=-1,1"), since kong would otherwise take
// it for a flag.
func NormalizeArgs(app *kong.Application, args []string) []string {
	long := map[string]bool{}
	valued := map[string]string{} // written form of a flag taking a value → "--name"
	for _, f := range app.Flags {
		long[f.Name] = true
		for _, a := range f.Aliases {
			long[a] = true
		}
		if f.Tag != nil && f.Tag.Negatable != "" {
			long["no-"+f.Name] = true
		}
		if f.Value != nil && !f.Value.IsBool() && !f.Value.IsCounter() {
			valued["--"+f.Name] = "--" + f.Name
			for _, a := range f.Aliases {
				valued["--"+a] = "--" + a
			}
			if f.Short != 0 {
				valued["-"+string(f.Short)] = "--" + f.Name
			}
		}
	}
	out := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			out = append(out, args[i:]...)
			break
		}
		if len(a) > 2 && a[0] == '-' && a[1] != '-' {
			name := a[1:]
			if eq := strings.IndexByte(name, '='); eq >= 0 {
				name = name[:eq]
			}
			if len(name) > 1 && long[name] {
				a = "-" + a
			}
		}
		if full, ok := valued[a]; ok && i+1 < len(args) && isNegativeNumber(args[i+1]) {
			a = full + "=" + args[i+1]
			i++
		}
		out = append(out, a)
	}
	return out
}

// isNegativeNumber reports whether s looks like a negative number or a list
// starting with one ("-1", "-0.5,0.5", "-.5"): a dash, then a digit or a dot.
func isNegativeNumber(s string) bool {
	return len(s) > 1 && s[0] == '-' && (s[1] >= '0' && s[1] <= '9' || s[1] == '.')
}

// Exit ends the tool: quietly with status 0 when err is nil, quietly with
// status 141 (as if killed by SIGPIPE) when the reader of our output went
// away, and otherwise with "name: err" on stderr and status 1.
func Exit(name string, err error) {
	if err == nil {
		os.Exit(0)
	}
	if IsBrokenPipe(err) {
		os.Exit(141)
	}
	msg := strings.ReplaceAll(err.Error(), "\n", "; ")
	fmt.Fprintf(os.Stderr, "%s: %s\n", name, msg)
	os.Exit(1)
}

// IsBrokenPipe reports whether err says the reading end of a pipe closed.
func IsBrokenPipe(err error) bool {
	return errors.Is(err, syscall.EPIPE)
}

// IsTerminal reports whether f is a terminal.
func IsTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }

// ErrTerminal is returned when a tool would write binary data to a terminal.
var ErrTerminal = errors.New("refusing to write binary data to a terminal; redirect stdout (> file, | tool) or use -o FILE")

// StdinStream returns stdin for reading a tensor stream, or an error telling
// the user to pipe one in when stdin is a terminal (rather than hanging).
func StdinStream(example string) (io.Reader, error) {
	if IsTerminal(os.Stdin) {
		return nil, fmt.Errorf("expects a tensor stream on stdin, but stdin is a terminal; pipe one in, e.g. %s", example)
	}
	return os.Stdin, nil
}

// Output is where a tool writes its binary result: stdout, or a file
// written with package atomicfile, which appears all or nothing when Commit
// is called.
type Output struct {
	w    io.Writer
	file *atomicfile.File // nil for stdout
}

// Create opens the output: path "" or "-" is stdout; anything else is
// written through atomicfile.Create, so that a regular file at path keeps
// its old content until Commit, while a FIFO or a device (-o /dev/stdout
// on a pipe) is written straight. A terminal, named or as stdout, is
// refused.
func Create(path string) (*Output, error) {
	if path == "" || path == "-" {
		if IsTerminal(os.Stdout) {
			return nil, ErrTerminal
		}
		return &Output{w: os.Stdout}, nil
	}
	f, err := atomicfile.Create(path)
	if err != nil {
		return nil, err
	}
	if term.IsTerminal(int(f.Fd())) {
		f.Abort()
		return nil, fmt.Errorf("create %s: refusing to write binary data to a terminal", path)
	}
	return &Output{w: f, file: f}, nil
}

// Write implements io.Writer.
func (o *Output) Write(p []byte) (int, error) { return o.w.Write(p) }

// Commit makes a file output appear at its path (after syncing it). For
// stdout it does nothing.
func (o *Output) Commit() error {
	if o.file == nil {
		return nil
	}
	return o.file.Commit()
}

// Abort discards a file output that will not be committed. It is safe to
// call after Commit (it then does nothing).
func (o *Output) Abort() {
	if o.file != nil {
		o.file.Abort()
	}
}
