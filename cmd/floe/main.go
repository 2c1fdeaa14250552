// Command floe renders floe data products into Kubernetes manifests. It is thin: flags
// become options, the work happens in the packages, and this file picks the exit code.
package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/floe-dev/floe/diag"
	"github.com/floe-dev/floe/internal/atomicwrite"
	"github.com/floe-dev/floe/internal/membound"
	"github.com/floe-dev/floe/internal/secretshape"
)

func main() {
	os.Exit(runMain(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// signalGrace is how long a command may take to return after SIGINT or SIGTERM before
// the process ends without it: work stuck where it never looks at its context (inside
// a library, on a stdin that never closes) cannot hold the process past it.
const signalGrace = 300 * time.Millisecond

// runMain is run with the signals handled. On SIGINT or SIGTERM stdout is closed at
// once (it only ever gets a command's whole output, so it stays empty), the command's
// context is cancelled, and after it returns — or signalGrace, whichever is first —
// the staged files are removed and the process exits with 128+signal (130 for SIGINT,
// 143 for SIGTERM): what a shell reports for a process the signal killed, so callers
// see the same code however floe ended, and never 1 ("no") or 2 ("invalid input").
//
// The command runs under a memory bound (D-SEC-03, D-SEC-08): membound.Limit, or the
// platform's FLOE_MAX_MEMORY, read before the command starts (a value that is not a
// quantity within membound's floor and ceiling is refused, exit 2). It is an environment
// variable, not a flag: the watch starts before cobra parses the arguments, so that
// parsing is bounded too, and a flag would need argv read twice, by two parsers that
// could disagree. floe cmp-server's bound is its own --max-memory (D-ARGO-09).
func runMain(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "cmp-server" {
		return runCMPServer(args, stdout, stderr) // its bound is --max-memory (D-ARGO-09)
	}
	limit, err := membound.LimitFrom(os.Getenv, memoryFloor)
	if err != nil { // before anything runs: a bound that cannot be read is no bound
		fmt.Fprintf(stderr, "floe: %s; see floe --help\n", secretshape.Redact(err.Error()))
		return 2
	}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	out := &gatedWriter{w: stdout}
	done := make(chan int, 1)
	go func() { done <- run(ctx, args, stdin, out, stderr) }()
	stopWatch := make(chan struct{})
	defer close(stopWatch)
	over := membound.Watch(limit, membound.Every, stopWatch)
	select {
	case code := <-done:
		return code
	case n := <-over:
		// Past the memory bound: the command is not waited for (it may be inside one
		// allocation that never returns), stdout stays empty, staged files go.
		cancel(errMemoryBound)
		out.close()        // waits for a write under way
		if out.written() { // the whole output went out first: the command's code stands
			return <-done
		}
		atomicwrite.RemoveStaged()
		fmt.Fprintf(stderr, "floe: the input needs more than %d MiB of memory (%d MiB in use); refusing, nothing written (the platform may raise the bound with %s, e.g. %s=1Gi)\n",
			limit>>20, n>>20, membound.LimitEnv, membound.LimitEnv)
		return 2
	case sig := <-sigs:
		cause := interrupted{sig}
		cancel(cause)
		closed := make(chan struct{})
		go func() { out.close(); close(closed) }() // waits for a write under way
		timer := time.NewTimer(signalGrace)
		defer timer.Stop()
		select {
		case code := <-done:
			atomicwrite.RemoveStaged()
			if out.written() { // the whole output went out before the signal came
				return code
			}
			return cause.code()
		case <-timer.C:
		}
		select { // a write to a stalled stdout cannot hold the exit either
		case <-closed:
		case <-time.After(50 * time.Millisecond):
		}
		atomicwrite.RemoveStaged()
		fmt.Fprintln(stderr, "floe: interrupted; nothing written")
		return cause.code()
	}
}

// memoryFloor is the least bound FLOE_MAX_MEMORY may set (D-SEC-08); tests lower it to
// pass a bound with a small input.
var memoryFloor uint64 = membound.MinLimit

// errMemoryBound is the cause of a command's context cancelled by the memory bound.
var errMemoryBound = errors.New("memory bound exceeded")

// interrupted is the cause of a command's context cancelled by a signal.
type interrupted struct{ sig os.Signal }

func (i interrupted) Error() string { return "interrupted by " + i.sig.String() }

// code is 128 plus the signal's number: 130 for SIGINT, 143 for SIGTERM.
func (i interrupted) code() int {
	if s, ok := i.sig.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return 130
}

// interruptedCode is the exit code of a command whose context was cancelled.
func interruptedCode(ctx context.Context) int {
	var i interrupted
	if errors.As(context.Cause(ctx), &i) {
		return i.code()
	}
	return 130
}

// gatedWriter is stdout once a signal may close it: a write after close writes nothing.
type gatedWriter struct {
	mu     sync.Mutex
	w      io.Writer
	closed bool
	wrote  bool
}

var errStdoutClosed = errors.New("interrupted: stdout closed")

func (g *gatedWriter) Write(p []byte) (int, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return 0, errStdoutClosed
	}
	g.wrote = true
	return g.w.Write(p)
}

// written reports whether a write got through (before close).
func (g *gatedWriter) written() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.wrote
}

func (g *gatedWriter) close() {
	g.mu.Lock()
	g.closed = true
	g.mu.Unlock()
}

// streams are what a command reads and writes. Out is a buffer: it reaches the real
// stdout only when the command succeeded (or answered "no", exit 1), never half-written.
type streams struct {
	In  io.Reader
	Out *bytes.Buffer
	Err io.Writer
	// Quiet is --quiet: warnings are not printed (errors still are).
	Quiet bool
}

// warn prints one warning line on stderr, unless --quiet.
func (s *streams) warn(a ...any) {
	if !s.Quiet {
		fmt.Fprintln(s.Err, a...)
	}
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	s := &streams{In: stdin, Out: new(bytes.Buffer), Err: stderr}
	root := newRootCmd(s)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if ctx.Err() != nil {
		fmt.Fprintln(stderr, "floe: interrupted; nothing written")
		return interruptedCode(ctx)
	}
	code := exitCode(err)
	if code == 0 || code == 1 {
		if _, werr := stdout.Write(s.Out.Bytes()); werr != nil {
			fmt.Fprintf(stderr, "floe: writing output: %v\n", werr)
			return 3
		}
	}
	if err != nil {
		fmt.Fprintln(stderr, prefixLines(secretshape.Redact(err.Error())))
	}
	return code
}

func exitCode(err error) int {
	if err == nil {
		return 0
	}
	var c diag.ExitCode
	if errors.As(err, &c) {
		return c.ExitCode()
	}
	return 3
}

// prefixLines puts "floe: " before a single-line error; located multi-line
// diagnostics are printed as they are.
func prefixLines(msg string) string {
	if bytes.IndexByte([]byte(msg), '\n') >= 0 {
		return msg
	}
	return "floe: " + msg
}

func newRootCmd(s *streams) *cobra.Command {
	root := &cobra.Command{
		Use:   "floe",
		Short: "Render floe data products into Kubernetes manifests",
		Long: `Render floe data products into Kubernetes manifests.

Every command but cmp-server runs under a memory bound: 448Mi of memory held by the Go
runtime, or FLOE_MAX_MEMORY from the environment (a quantity, 64Mi to 64Gi, like 1Gi).
Past it the command stops with nothing written (exit 2).`,
		Version:       floeVersion(),
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	// Help, completion scripts and --version are what was asked for: stdout (through
	// s.Out, written only on success). Errors are returned and printed on stderr by run.
	root.SetOut(s.Out)
	root.SetErr(s.Err)
	root.SetVersionTemplate("floe {{.Version}}\n")
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return diag.Usage(fmt.Errorf("%w (see %s --help)", err, cmd.CommandPath()))
	})
	root.PersistentFlags().BoolVarP(&s.Quiet, "quiet", "q", false, "do not print warnings (errors are still printed)")
	root.AddCommand(
		newVersionCmd(s),
		newValidateCmd(s),
		newSchemaCmd(s),
		newRenderCmd(s),
		newCheckCmd(s),
		newVerifyCmd(s),
		newPostRenderCmd(s),
		newHelmPluginCmd(s),
		newArgoCDCmd(s),
		newCMPServerCmd(s),
		newDiffCmd(s),
		newWorkspaceCmd(s),
		newInitCmd(s),
	)
	root.InitDefaultCompletionCmd() // now, so that refuseUnknownCommands covers it too
	root.SetHelpCommand(newHelpCmd())
	refuseUnknownCommands(root)
	return root
}

// newHelpCmd is `floe help [COMMAND]`: the command's help on stdout, or a usage error
// (exit 2) for a command that does not exist, where cobra's own prints a notice and
// exits 0.
func newHelpCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "help [command]",
		Short: "Help about any command",
		ValidArgsFunction: func(c *cobra.Command, args []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
			var names []cobra.Completion
			if cmd, _, err := c.Root().Find(args); err == nil {
				for _, sub := range cmd.Commands() {
					if sub.IsAvailableCommand() {
						names = append(names, sub.Name())
					}
				}
			}
			return names, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(c *cobra.Command, args []string) error {
			cmd, rest, err := c.Root().Find(args)
			if err != nil || cmd == nil || len(rest) > 0 {
				return diag.Usage(fmt.Errorf("help: unknown command %q (see floe --help)", strings.Join(args, " ")))
			}
			return cmd.Help()
		},
	}
}

// refuseUnknownCommands makes every command that only groups others (floe, floe argocd,
// …) answer an unknown subcommand with a usage error (exit 2) instead of cobra's help
// (exit 0) or its plain error (exit 3); without arguments they print their help.
func refuseUnknownCommands(cmd *cobra.Command) {
	for _, c := range cmd.Commands() {
		refuseUnknownCommands(c)
	}
	if !cmd.HasSubCommands() || cmd.Runnable() {
		return
	}
	cmd.Args = cobra.ArbitraryArgs
	cmd.SuggestionsMinimumDistance = 2
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if len(args) == 0 {
			return cmd.Help()
		}
		hint := ""
		if sug := cmd.SuggestionsFor(args[0]); len(sug) > 0 {
			hint = "; did you mean " + strings.Join(sug, " or ") + "?"
		}
		return diag.Usage(fmt.Errorf("unknown command %q for %q%s (see %s --help)", args[0], cmd.CommandPath(), hint, cmd.CommandPath()))
	}
}

// args enforces an exact positional count as a usage error (exit 2).
func exactArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return diag.Usage(fmt.Errorf("%s: want %d argument(s), got %d (see floe %s --help)", cmd.Name(), n, len(args), cmd.Name()))
		}
		return nil
	}
}
