package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/floe-dev/floe/config"
	"github.com/floe-dev/floe/diag"
	"github.com/floe-dev/floe/diff"
	"github.com/floe-dev/floe/internal/atomicwrite"
	"github.com/floe-dev/floe/internal/gitroot"
	"github.com/floe-dev/floe/internal/output"
	"github.com/floe-dev/floe/review"
)

// diffAllHelp is the --all paragraph of `floe diff --help`.
const diffAllHelp = `
floe diff --all DIR --base REV [--head REV] --contract FILE reviews a monorepo: every
product under DIR (on either side) whose render can change between commit REV and the
working tree (or commit --head REV). A product's render can change only when a file,
directory listing or existence check its render reads (floe.yaml, the contract, the
Manifest chain, overlay files, policy bundles) answers otherwise; the others are not
rendered again. The rest are rendered on both sides in one process, in parallel, and
reported per product (the first changed input, highlights: image, schedule, telemetry,
lineage; the policy verdict before and after and the findings the change adds and
removes) and as one document. Products whose inputs changed but whose render did not
are only counted. --expiry-warning (default 30d) lists the contract's policy exceptions
expiring within it, with their owner. --format markdown is one pull-request comment of at
most --max-comment-chars characters (default 65536), starting with ` + diff.CommentMarker + `;
--split DIR writes as many comments as needed instead, DIR/part-1-of-N.md …, each within
the budget (nothing on stdout).`

// diffAllOptions are the flags only --all takes.
type diffAllOptions struct {
	all, head, split, expiry string
	maxChars                 int
}

// runDiffAll is `floe diff --all DIR --base REV`.
func runDiffAll(ctx context.Context, s *streams, o *diffOptions, args []string) error {
	a := &o.allOpts
	formats := output.DiffAll(useColor(), a.maxChars)
	format, err := formats.Lookup(o.format)
	if err != nil {
		return err
	}
	switch {
	case len(args) > 0:
		return diag.Usage(errors.New("diff --all: DIR names the products; no PRODUCT argument"))
	case o.contract == "":
		return diag.Usage(errors.New("diff --all: --contract is required"))
	case o.base == "":
		return diag.Usage(errors.New("diff --all: --base REV is required"))
	case o.againstContract != "" || o.from != "" || o.to != "":
		return diag.Usage(errors.New("diff --all: --against-contract, --from and --to compare one product"))
	case a.split != "" && format.Name != "markdown":
		return diag.Usage(errors.New("diff --all: --split writes markdown comments; give --format markdown"))
	case a.maxChars < diff.MinCommentChars:
		return diag.Usage(fmt.Errorf("diff --all: --max-comment-chars %d: at least %d", a.maxChars, diff.MinCommentChars))
	}
	window, err := parseWindow(a.expiry)
	if err != nil {
		return diag.Usage(fmt.Errorf("diff --all: --expiry-warning %q: %w", a.expiry, err))
	}
	if err := checkRuntimeFlag("diff", o.runtime); err != nil {
		return err
	}
	in, err := resolveRenderInputs("diff", o.root, "--all", a.all, o.contract, o.imageTag)
	if err != nil {
		return err
	}
	rep, err := reviewAll(ctx, s, o, in, window)
	if err != nil {
		return err
	}
	if err := writeReview(s, rep, formats, o.format, a); err != nil {
		return err
	}
	if o.exitCode && rep.Differs() {
		return diag.No(fmt.Errorf("diff --all: %d product(s) differ", len(rep.Products)))
	}
	return nil
}

// reviewAll reads both sides and reviews every product under --all DIR (review.Run).
func reviewAll(ctx context.Context, s *streams, o *diffOptions, in *renderInputs, window time.Duration) (*diff.Report, error) {
	base, baseName, err := openRevision(ctx, in.root, "--base", o.base)
	if err != nil {
		return nil, err
	}
	defer base.Close()
	var head config.Root = in.root
	headName := "work tree"
	if o.allOpts.head != "" {
		h, name, err := openRevision(ctx, in.root, "--head", o.allOpts.head)
		if err != nil {
			return nil, err
		}
		defer h.Close()
		head, headName = h, name
	}
	res, err := review.Run(ctx, review.Options{Base: base, Head: head, BaseName: baseName, HeadName: headName,
		Dir: in.target, ContractPath: in.contract, Runtime: o.runtime, ImageTag: in.imageTag,
		FloeVersion: floeVersion(), Now: renderTime(os.Getenv), ExpiryWindow: window})
	if err != nil {
		return nil, err
	}
	for _, w := range res.Warnings {
		s.warn(w.String())
	}
	return res.Report, nil
}

// writeReview writes the report in the format called format: stdout, or --split's files.
func writeReview(s *streams, rep *diff.Report, formats output.Formats[*diff.Report], format string, a *diffAllOptions) error {
	if a.split != "" {
		parts, err := diff.ReportMarkdown(rep, a.maxChars, true)
		if err != nil {
			return err
		}
		if err := writeParts(a.split, parts); err != nil {
			return diag.Usage(fmt.Errorf("diff --all: --split: %w", err))
		}
		return nil
	}
	out, err := output.New(s.Out, formats, format)
	if err != nil {
		return err
	}
	if err := out.Write(rep); err != nil {
		return err
	}
	return out.Flush()
}

// openRevision reads commit rev of the repository holding root (gitroot: no process).
func openRevision(ctx context.Context, root config.Root, flag, rev string) (*gitroot.Root, string, error) {
	g, err := gitroot.Open(ctx, root.Dir(), rev)
	if err != nil {
		return nil, "", diag.Usage(fmt.Errorf("diff: %s: %w", flag, err))
	}
	return g, fmt.Sprintf("%s (commit %.12s)", rev, g.Commit()), nil
}

// parseWindow is a duration: Go's form (720h) or whole days (30d).
func parseWindow(s string) (time.Duration, error) {
	if d, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(d)
		if err != nil || n < 0 || n > 36500 {
			return 0, errors.New("want whole days (30d) or a Go duration (720h)")
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	w, err := time.ParseDuration(s)
	if err != nil || w < 0 {
		return 0, errors.New("want whole days (30d) or a Go duration (720h)")
	}
	return w, nil
}

// rePart names the files --split writes.
var rePart = regexp.MustCompile(`^part-[0-9]+-of-[0-9]+\.md$`)

// writeParts writes parts as dir/part-I-of-N.md, all or nothing (staged and renamed);
// an existing dir is replaced only when it holds nothing but such files.
func writeParts(dir string, parts []string) error {
	st, err := os.Lstat(dir)
	switch {
	case err == nil && !st.IsDir(): // a symlink included: never written through
		return fmt.Errorf("%s exists and is not a directory", dir)
	case err == nil:
		ents, err := os.ReadDir(dir)
		if err != nil {
			return err
		}
		for _, e := range ents {
			if !e.Type().IsRegular() || !rePart.MatchString(e.Name()) {
				return fmt.Errorf("%s holds %s, which floe did not write; refusing to replace it", dir, e.Name())
			}
		}
	case !errors.Is(err, fs.ErrNotExist):
		return err
	}
	stage, err := atomicwrite.StageDir(filepath.Clean(dir))
	if err != nil {
		return err
	}
	defer stage.Abort()
	for i, p := range parts {
		if err := stage.Write(fmt.Sprintf("part-%d-of-%d.md", i+1, len(parts)), []byte(p)); err != nil {
			return err
		}
	}
	return stage.Commit()
}
