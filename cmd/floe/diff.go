package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/spf13/cobra"

	"github.com/floe-dev/floe/diag"
	"github.com/floe-dev/floe/diff"
	"github.com/floe-dev/floe/internal/gitroot"
	"github.com/floe-dev/floe/internal/output"
	"github.com/floe-dev/floe/internal/yamlguard"
	"github.com/floe-dev/floe/render"
)

type diffOptions struct {
	contract, imageTag, runtime, root string
	base, againstContract             string
	from, to                          string
	format                            string
	exitCode                          bool
	allOpts                           diffAllOptions // --all DIR (diff_all.go)
}

// stdoutIsTerminal reports whether stdout is a terminal (text output is coloured only
// then, and only without NO_COLOR). A variable so that tests can choose.
var stdoutIsTerminal = func() bool {
	fi, err := os.Stdout.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// useColor is whether text output is coloured: on a terminal, without NO_COLOR.
func useColor() bool {
	return os.Getenv("NO_COLOR") == "" && stdoutIsTerminal()
}

// newDiffCmd is
//
//	floe diff --contract FILE [--image-tag SHA] [--runtime R] [--root DIR]
//	          (--base REV | --against-contract FILE) [--format text|markdown|json] [--exit-code] PRODUCT
//	floe diff --from FILE --to FILE [--format text|markdown|json] [--exit-code]
func newDiffCmd(s *streams) *cobra.Command { return newDiffCommand(s, &diffOptions{}) }

// newDiffCommand is newDiffCmd with its flags parsed into o.
func newDiffCommand(s *streams, o *diffOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use: "diff --contract FILE (--base REV | --against-contract FILE) [--format text|markdown|json] [--exit-code] PRODUCT\n" +
			"  floe diff --all DIR --contract FILE --base REV [--head REV] [--format text|markdown|json] [--max-comment-chars N] [--split DIR] [--expiry-warning 30d] [--exit-code]\n" +
			"  floe diff --from FILE --to FILE [--format text|markdown|json] [--exit-code]",
		Short: "Show what a change does to the rendered manifests",
		Long: `Diff compares two renders object by object (API group, kind, namespace, name), finds
renamed objects by their content, and lists every changed field as a path such as
spec.template.spec.containers[name=dbt].env[name=OTEL_SERVICE_NAME].value.

--base REV renders PRODUCT twice: as it is in the working tree, and as it was in commit
REV (contract, platform Manifest and product all read from REV's objects in the
repository by floe itself: nothing checked out, no git program run). --against-contract FILE renders the working tree twice: with FILE (the old
side) and with --contract (the new side). Both renders use the same image tag
(--image-tag, else ARGOCD_APP_REVISION, else the working tree's HEAD), so the diff shows
what the inputs change. --from FILE --to FILE compares two manifest streams ("-" is stdin).

Secret values are never printed: Secret data, secret-named env values and ConfigMap keys
and anything that looks like key material are shown only by size. --format markdown is
meant for pull-request comments; json is {"summary":{…},"objects":[…]}. Text is coloured
on a terminal unless NO_COLOR is set. Exit 0, or with --exit-code 1 when the renders
differ; 2 on invalid input, with nothing on stdout.
` + diffAllHelp,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runDiff(cmd.Context(), s, o, args)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.contract, "contract", "", "PlatformEnvironmentContract file (the new side with --against-contract)")
	f.StringVar(&o.imageTag, "image-tag", "", "git commit SHA of the product image, used for both renders (7-40 hex digits)")
	f.StringVar(&o.runtime, "runtime", "", "dagster or floe-jobs (default: each contract's runtime.recommendedAlphaSpine)")
	f.StringVar(&o.root, "root", "", "the only directory tree floe may read (default: git top-level of PRODUCT, else the current directory)")
	f.StringVar(&o.base, "base", "", "git revision to compare the working tree with")
	f.StringVar(&o.againstContract, "against-contract", "", "contract to compare --contract with (the old side)")
	f.StringVar(&o.from, "from", "", "old manifest stream (a file, or - for stdin)")
	f.StringVar(&o.to, "to", "", "new manifest stream (a file, or - for stdin)")
	f.StringVar(&o.format, "format", "text", "output format: "+output.Diff(false).Names())
	f.BoolVar(&o.exitCode, "exit-code", false, "exit 1 when the renders differ")
	f.StringVar(&o.allOpts.all, "all", "", "review every product under DIR between --base and the working tree (or --head)")
	f.StringVar(&o.allOpts.head, "head", "", "with --all: the git revision of the new side (default: the working tree)")
	f.IntVar(&o.allOpts.maxChars, "max-comment-chars", diff.DefaultMaxCommentChars, "with --all --format markdown: the most characters one comment may have")
	f.StringVar(&o.allOpts.split, "split", "", "with --all --format markdown: write DIR/part-1-of-N.md … (each within the budget) instead of stdout")
	f.StringVar(&o.allOpts.expiry, "expiry-warning", "30d", "with --all: list policy exceptions expiring within this window (30d, 720h)")
	return cmd
}

func runDiff(ctx context.Context, s *streams, o *diffOptions, args []string) error {
	if o.allOpts.all != "" {
		return runDiffAll(ctx, s, o, args)
	}
	out, err := output.New(s.Out, output.Diff(useColor()), o.format)
	if err != nil {
		return err
	}
	if o.allOpts.head != "" || o.allOpts.split != "" {
		return diag.Usage(errors.New("diff: --head and --split go with --all DIR"))
	}
	var (
		res  *diff.Result
		what string
	)
	if o.from != "" || o.to != "" {
		res, err = diffFiles(s, o, args)
		what = "the manifests differ"
	} else {
		res, err = diffRenders(ctx, s, o, args)
		what = "the renders differ"
	}
	if err != nil {
		return err
	}
	if err := out.Write(res); err != nil {
		return err
	}
	if err := out.Flush(); err != nil {
		return err
	}
	if o.exitCode && res.Differs() {
		return diag.No(errors.New("diff: " + what))
	}
	return nil
}

// diffFiles is the --from/--to mode.
func diffFiles(s *streams, o *diffOptions, args []string) (*diff.Result, error) {
	switch {
	case o.from == "" || o.to == "":
		return nil, diag.Usage(errors.New("diff: --from and --to go together"))
	case len(args) > 0:
		return nil, diag.Usage(errors.New("diff: --from/--to compare two files and take no PRODUCT"))
	case o.contract != "" || o.base != "" || o.againstContract != "" || o.imageTag != "" || o.runtime != "" || o.root != "":
		return nil, diag.Usage(errors.New("diff: --from/--to do not render: --contract, --base, --against-contract, --image-tag, --runtime and --root do not apply"))
	case o.from == "-" && o.to == "-":
		return nil, diag.Usage(errors.New("diff: only one of --from and --to can be stdin"))
	}
	from, err := readStream(s, o.from)
	if err != nil {
		return nil, err
	}
	to, err := readStream(s, o.to)
	if err != nil {
		return nil, err
	}
	return diff.Compare(streamName(o.from), from, streamName(o.to), to)
}

func streamName(p string) string {
	if p == "-" {
		return "<stdin>"
	}
	return p
}

// readStream reads a manifest stream named on the command line (a user's file, not an
// input inside the root), or stdin for "-".
func readStream(s *streams, p string) ([]byte, error) {
	var r io.Reader
	if p == "-" {
		r = s.In
	} else {
		f, err := os.Open(p)
		if err != nil {
			return nil, diag.Usage(err)
		}
		defer f.Close()
		if st, err := f.Stat(); err == nil && st.IsDir() {
			return nil, diag.Usage(fmt.Errorf("%s: is a directory", p))
		}
		r = f
	}
	b, err := yamlguard.ReadAll(streamName(p), r, yamlguard.MaxStreamBytes)
	if err != nil {
		return nil, diag.Usage(err)
	}
	return b, nil
}

// diffRenders is the --base and --against-contract mode: two renders of PRODUCT.
func diffRenders(ctx context.Context, s *streams, o *diffOptions, args []string) (*diff.Result, error) {
	switch {
	case len(args) != 1:
		return nil, diag.Usage(fmt.Errorf("diff: want one PRODUCT, got %d argument(s) (or --from FILE --to FILE)", len(args)))
	case o.contract == "":
		return nil, diag.Usage(errors.New("diff: --contract is required (or --from FILE --to FILE)"))
	case (o.base == "") == (o.againstContract == ""):
		return nil, diag.Usage(errors.New("diff: give exactly one of --base REV and --against-contract FILE"))
	}
	if err := checkRuntimeFlag("diff", o.runtime); err != nil {
		return nil, err
	}
	product := args[0]
	in, err := resolveRenderInputs("diff", o.root, "PRODUCT", product, o.contract, o.imageTag)
	if err != nil {
		return nil, err
	}
	productRel := in.target
	opts := in.options(o.runtime)
	opts.ProductPath, opts.Now = productRel, renderTime(os.Getenv)
	newRes, err := render.Render(ctx, opts)
	if err != nil {
		return nil, err
	}
	for _, w := range newRes.Warnings {
		s.warn(w.String())
	}

	var old []byte
	var oldName string
	if o.base != "" {
		groot, err := gitroot.Open(ctx, in.root.Dir(), o.base)
		if err != nil {
			return nil, diag.Usage(fmt.Errorf("diff: --base: %w", err))
		}
		defer groot.Close()
		oldName = o.base + ":" + productRel
		if _, err := groot.Stat(productRel); errors.Is(err, fs.ErrNotExist) {
			s.warn(fmt.Sprintf("floe: diff: %s does not exist at %s: every object is new", productRel, o.base))
		} else {
			baseOpts := opts
			baseOpts.Root = groot
			oldRes, err := render.Render(ctx, baseOpts)
			if err != nil {
				return nil, fmt.Errorf("diff: rendering %s as of %s (commit %.12s):\n%w", productRel, o.base, groot.Commit(), err)
			}
			old = oldRes.YAML
		}
	} else {
		againstRel, err := in.rel("diff", "--against-contract", o.againstContract)
		if err != nil {
			return nil, err
		}
		oldOpts := opts
		oldOpts.ContractPath = againstRel
		oldRes, err := render.Render(ctx, oldOpts)
		if err != nil {
			return nil, fmt.Errorf("diff: rendering %s with %s:\n%w", productRel, againstRel, err)
		}
		old, oldName = oldRes.YAML, againstRel
	}
	res, err := diff.Compare(oldName, old, "render of "+productRel, newRes.YAML)
	if err != nil {
		return nil, fmt.Errorf("diff: a render is not a manifest stream (a bug): %w", err)
	}
	return res, nil
}

// checkRender implements `floe render --check FILE`: rendered (the fresh output, in the
// same format as FILE) is compared with FILE, a file named on the command line. The same
// bytes: nil (exit 0), nothing printed. Otherwise the difference is written to s.Out as
// text and the answer is no (exit 1) — also when FILE is missing, is not a manifest
// stream, or holds the same objects written differently (it is stale either way).
func checkRender(s *streams, file string, rendered []byte) error {
	committed, err := readStream(s, file)
	if errors.Is(err, fs.ErrNotExist) {
		return diag.No(fmt.Errorf("render --check: %s does not exist; write it with floe render", file))
	}
	if err != nil {
		return err
	}
	if string(committed) == string(rendered) {
		return nil
	}
	res, err := diff.Compare(file, committed, "render", rendered)
	if err != nil {
		return diag.No(fmt.Errorf("render --check: %s is not a manifest stream, so it differs from the render:\n%w", file, err))
	}
	if !res.Differs() {
		return diag.No(fmt.Errorf("render --check: %s holds the same objects but not in floe's canonical form; rewrite it with floe render", file))
	}
	if err := diff.WriteText(s.Out, res, useColor()); err != nil {
		return err
	}
	return diag.No(fmt.Errorf("render --check: %s is stale; rewrite it with floe render", file))
}
