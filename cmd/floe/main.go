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
	"syscall"

	"github.com/spf13/cobra"

	"github.com/floe-dev/floe/diag"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// streams are what a command reads and writes. Out is a buffer: it reaches the real
// stdout only when the command succeeded (or answered "no", exit 1), never half-written.
type streams struct {
	In  io.Reader
	Out *bytes.Buffer
	Err io.Writer
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	s := &streams{In: stdin, Out: new(bytes.Buffer), Err: stderr}
	root := newRootCmd(s)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if ctx.Err() != nil {
		fmt.Fprintln(stderr, "floe: interrupted; nothing written")
		return 130
	}
	code := exitCode(err)
	if code == 0 || code == 1 {
		if _, werr := stdout.Write(s.Out.Bytes()); werr != nil {
			fmt.Fprintf(stderr, "floe: writing output: %v\n", werr)
			return 3
		}
	}
	if err != nil {
		fmt.Fprintln(stderr, prefixLines(err.Error()))
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
		Use:           "floe",
		Short:         "Render floe data products into Kubernetes manifests",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(s.Err) // help and usage never pollute the manifest stream
	root.SetErr(s.Err)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return diag.Usage(err) })
	root.AddCommand(
		newVersionCmd(s),
		newValidateCmd(s),
		newSchemaCmd(s),
		newRenderCmd(s),
		newCheckCmd(s),
		newPostRenderCmd(s),
		newHelmPluginCmd(s),
		newArgoCDCmd(s),
		newDiffCmd(s),
	)
	return root
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
