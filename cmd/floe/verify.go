package main

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/floe-dev/floe/attest"
	"github.com/floe-dev/floe/config"
	"github.com/floe-dev/floe/diag"
	"github.com/floe-dev/floe/kustomize"
	"github.com/floe-dev/floe/render"
)

type verifyOptions struct {
	attestation, key, root string
}

// newVerifyCmd is `floe verify --attestation FILE --key PUB [--root DIR] [STREAM|OUTDIR|-]`.
func newVerifyCmd(s *streams) *cobra.Command {
	o := &verifyOptions{}
	cmd := &cobra.Command{
		Use:   "verify --attestation FILE --key PUB [--root DIR] [STREAM|OUTDIR|-]",
		Short: "Check a signed render attestation against a rendered stream and its inputs",
		Long: `Verify checks the DSSE envelope FILE (written by floe render --attest) with the public
key PUB (PEM, ECDSA P-256 or ed25519), then that STREAM (a file, or - for stdin) holds
exactly the attested objects: each object's digest, no object added, none removed.
For an attestation of render --all -o OUTDIR, STREAM is that directory: each file's
digest, no file added, none removed (a changed file is named with its object).
With --root DIR it also asks DIR every question the render asked (each recorded input
with its digest), names the first input that answers otherwise, and renders the product
again from the recorded contract, product, runtime and image tag to compare the
objects' digests. Exit 0 when everything matches, 1 naming what differs (the object or
the input), 2 on errors (unreadable files, a malformed attestation). Nothing is written
to stdout but a one-line "ok" on success.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return exactArgs(1)(cmd, args)
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			stream := ""
			if len(args) == 1 {
				stream = args[0]
			}
			return runVerify(cmd, s, o, stream)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.attestation, "attestation", "", "the DSSE envelope floe render --attest wrote (required)")
	f.StringVar(&o.key, "key", "", "the public key (PEM) the attestation must be signed with (required)")
	f.StringVar(&o.root, "root", "", "re-check the recorded inputs in DIR and render the product again")
	return cmd
}

func runVerify(cmd *cobra.Command, s *streams, o *verifyOptions, stream string) error {
	if o.attestation == "" || o.key == "" {
		return diag.Usage(errors.New("verify: --attestation FILE and --key PUB are required"))
	}
	if stream == "" && o.root == "" {
		return diag.Usage(errors.New("verify: give a STREAM (or - for stdin), --root DIR, or both"))
	}
	key, err := readBounded("--key", o.key, attest.MaxKeyBytes)
	if err != nil {
		return diag.Usage(fmt.Errorf("verify: %w", err))
	}
	verifier, err := attest.NewVerifier(key)
	if err != nil {
		return diag.Usage(fmt.Errorf("verify: --key %s: %w", o.key, err))
	}
	envelope, err := readBounded("--attestation", o.attestation, attest.MaxEnvelopeBytes)
	if err != nil {
		return diag.Usage(fmt.Errorf("verify: %w", err))
	}
	st, err := verifier.Open(envelope)
	if err != nil {
		if errors.Is(err, attest.ErrSignature) {
			return diag.No(fmt.Errorf("verify: %s: %w", o.attestation, err))
		}
		return diag.Usage(fmt.Errorf("verify: %s: %w", o.attestation, err))
	}
	var checked []string
	isDir := false
	if stream != "" && stream != "-" {
		if fi, err := os.Lstat(stream); err == nil && fi.IsDir() {
			isDir = true
		}
	}
	outputDir := st.Predicate.BuildDefinition.ExternalParameters.OutputDir
	switch {
	case isDir && !outputDir:
		return diag.Usage(fmt.Errorf("verify: %s is a directory, but %s attests a stream: give the stream", stream, o.attestation))
	case stream != "" && !isDir && outputDir:
		return diag.Usage(fmt.Errorf("verify: %s attests the files of render --all -o OUTDIR: give that directory, not %s", o.attestation, streamName(stream)))
	case isDir:
		n, err := compareTree(st, stream)
		if err != nil {
			return err
		}
		checked = append(checked, fmt.Sprintf("%d file(s) of %s", n, stream))
	case stream != "":
		data, err := readStream(s, stream) // diff.go's
		if err != nil {
			return fmt.Errorf("verify: %w", err)
		}
		if err := compareStream(st, streamName(stream), data); err != nil {
			return err
		}
		checked = append(checked, fmt.Sprintf("%d object(s) of %s", len(st.Subject)-1, streamName(stream)))
	}
	if o.root != "" {
		if err := verifyInputs(cmd, st, o.root); err != nil {
			return err
		}
		if st.Predicate.BuildDefinition.BuildType == render.PostRenderBuildType {
			checked = append(checked, "inputs in "+o.root+" (a post-render is not rendered again: Helm's stream is not in the root)")
		} else {
			checked = append(checked, "inputs and re-render in "+o.root)
		}
	}
	fmt.Fprintf(s.Out, "ok: signature, %s\n", strings.Join(checked, ", "))
	return nil
}

// compareStream is D-EVD-07's object check: exit 1 naming each object that differs.
func compareStream(st *render.Statement, name string, data []byte) error {
	// render --all introduces each product with a "# floe product: PATH" line; it is not
	// part of any object (the stream subject still covers the bytes).
	objects, err := kustomize.ParseStream(render.StripProductComments(data))
	if err != nil {
		return diag.Usage(fmt.Errorf("verify: %s: %w", name, err))
	}
	subjects, err := render.ObjectSubjects(objects, nil)
	if err != nil {
		return diag.Usage(fmt.Errorf("verify: %s: %w", name, err))
	}
	if ms := attest.CompareSubjects(st, data, subjects); len(ms) > 0 {
		return diag.No(fmt.Errorf("%s\nverify: %s differs from the attestation: %d mismatch(es)", attest.Summary(ms), name, len(ms)))
	}
	return nil
}

// compareTree is D-EVD-08's file check: every file under dir (render --all -o's
// output directory, read as render --all --check reads it: symlinks never followed)
// against the statement's file subjects; exit 1 naming each file (and the object it
// held) that differs. It returns the number of files checked.
func compareTree(st *render.Statement, dir string) (int, error) {
	tree, err := readCommittedTree(dir)
	if err != nil {
		return 0, diag.Usage(fmt.Errorf("verify: %w", err))
	}
	var files []render.OutFile
	var bad []string
	for _, p := range slices.Sorted(maps.Keys(tree)) {
		f := tree[p]
		if f.notFile != "" {
			bad = append(bad, fmt.Sprintf("%s: %s, not a file floe writes", p, f.notFile))
			continue
		}
		files = append(files, render.OutFile{Path: p, Data: f.data})
	}
	ms := attest.CompareSubjects(st, nil, render.FileSubjects(files))
	for _, m := range ms {
		bad = append(bad, m.String())
	}
	if len(bad) > 0 {
		return 0, diag.No(fmt.Errorf("%s\nverify: %s differs from the attestation: %d mismatch(es)", strings.Join(bad, "\n"), dir, len(bad)))
	}
	return len(files), nil
}

// verifyInputs is D-EVD-07's input check: every recorded read asked again of DIR (the
// first that answers otherwise is named), then the product rendered again from the
// recorded parameters and its objects compared with the subjects.
func verifyInputs(cmd *cobra.Command, st *render.Statement, dir string) error {
	root, err := config.OSRoot(dir)
	if err != nil {
		return diag.Usage(fmt.Errorf("verify: --root: %w", err))
	}
	bd := st.Predicate.BuildDefinition
	reads, err := render.ReadsOf(bd.ResolvedDependencies)
	if err != nil {
		return diag.Usage(fmt.Errorf("verify: attestation: %w", err))
	}
	if r, changed := reads.FirstChange(root); changed {
		return diag.No(fmt.Errorf("input %s: changed since the attested render (recorded %s %s)\nverify: %s: a recorded input differs", r.Path, r.Op, r.Answer, dir))
	}
	if bd.BuildType == render.PostRenderBuildType { // D-EVD-09: the reads only
		return nil
	}
	ext := bd.ExternalParameters
	opts := render.Options{Root: root, ContractPath: ext.Contract, ProductPath: ext.Product,
		Runtime: ext.Runtime, ImageTag: ext.ImageTag, Enforcement: ext.Enforcement, Annotations: ext.Annotations, Provenance: true}
	if md := st.Predicate.RunDetails.Metadata; md != nil { // the gate judges at the recorded time
		if at, err := time.Parse(time.RFC3339, md.StartedOn); err == nil {
			opts.Now = at
		}
	}
	if ext.All {
		res, err := render.Batch(cmd.Context(), render.BatchOptions{Options: opts, Dir: ext.Product, Files: ext.OutputDir})
		if err != nil {
			return fmt.Errorf("verify: re-render: %w", err)
		}
		if ext.OutputDir {
			if ms := attest.CompareSubjects(st, nil, render.FileSubjects(res.Files)); len(ms) > 0 {
				return diag.No(fmt.Errorf("%s\nverify: the re-render differs from the attestation: %d mismatch(es)", attest.Summary(ms), len(ms)))
			}
			return nil
		}
		return compareStream(st, "the re-render", res.Stream)
	}
	res, err := render.Render(cmd.Context(), opts)
	if err != nil {
		return fmt.Errorf("verify: re-render: %w", err)
	}
	return compareStream(st, "the re-render", res.YAML)
}
