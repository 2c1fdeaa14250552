package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/floe-dev/floe/config"
	"github.com/floe-dev/floe/diag"
	"github.com/floe-dev/floe/internal/output"
)

type validateOptions struct {
	contract, root, output string
}

// newValidateCmd is `floe validate [--contract FILE] [--root DIR] [--output text|json] [PRODUCT]`.
//
// text: warnings on stderr, a one-line "ok" summary on stdout; on failure every
// diagnostic on stderr and nothing on stdout. json: on success
// {"valid":true,"diagnostics":[…warnings]} on stdout; on failure stdout stays empty and
// the same document with "valid":false goes to stderr. Exit 0 valid, 2 invalid.
func newValidateCmd(s *streams) *cobra.Command {
	o := &validateOptions{}
	cmd := &cobra.Command{
		Use:   "validate [--contract FILE] [--root DIR] [--output text|json] [PRODUCT]",
		Short: "Check a product, or a contract and its platform Manifest, without rendering",
		Long: `Validate loads PRODUCT (a directory holding floe.yaml, or the file), the contract given
with --contract and the platform Manifest the contract names, and reports every problem as
file:line:col: field.path: message. Without --contract only the product is checked, plus
the Manifest its platform.manifest names when that is a local path. Paths on the command
line are relative to the current directory and must lie inside the root.

With --contract and no PRODUCT, the contract and its platform Manifest chain are checked
on their own and against each other (for platform engineers, before any product).`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 && o.contract != "" {
				return nil
			}
			if len(args) == 0 {
				return diag.Usage(errors.New("validate: want PRODUCT, or --contract FILE to check a contract and its platform Manifest (see floe validate --help)"))
			}
			return exactArgs(1)(cmd, args)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return runValidatePlatform(s, o)
			}
			return runValidate(s, o, args[0])
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.contract, "contract", "", "PlatformEnvironmentContract file")
	f.StringVar(&o.root, "root", "", "the only directory tree floe may read (default: git top-level of PRODUCT, else the current directory)")
	f.StringVar(&o.output, "output", "text", "output format: "+output.Validate.Names())
	return cmd
}

// jsonFailure carries the json report to stderr (via main) with exit code 2.
type jsonFailure struct{ doc []byte }

func (e jsonFailure) Error() string { return strings.TrimRight(string(e.doc), "\n") }
func (e jsonFailure) ExitCode() int { return 2 }

// resolveRoot applies the root rules (D-CLI-01) and turns command-line paths root-relative.
func resolveRoot(rootFlag, anchor string) (config.Root, string, error) {
	cwd, err := os.Getwd()
	if err != nil {
		return nil, "", err
	}
	dir := rootFlag
	if dir == "" {
		dir = config.DefaultRoot(cwd, anchor, os.Getenv)
	}
	r, err := config.OSRoot(dir)
	if err != nil {
		return nil, "", diag.Usage(err)
	}
	return r, cwd, nil
}

func runValidate(s *streams, o *validateOptions, product string) error {
	out, err := output.New(s.Out, output.Validate, o.output)
	if err != nil {
		return err
	}
	root, cwd, err := resolveRoot(o.root, product)
	if err != nil {
		return err
	}
	productRel, err := config.RootRel(root.Dir(), cwd, product)
	if err != nil {
		return diag.Usage(fmt.Errorf("validate: PRODUCT %w", err))
	}
	var contractRel string
	if o.contract != "" {
		if contractRel, err = config.RootRel(root.Dir(), cwd, o.contract); err != nil {
			return diag.Usage(fmt.Errorf("validate: --contract %w", err))
		}
	}
	in, ds := config.Load(root, contractRel, productRel)
	return validateReport(s, out, o, ds, func() string { return summary(in, contractRel) })
}

// runValidatePlatform is `floe validate --contract FILE` without a product.
func runValidatePlatform(s *streams, o *validateOptions) error {
	out, err := output.New(s.Out, output.Validate, o.output)
	if err != nil {
		return err
	}
	root, cwd, err := resolveRoot(o.root, o.contract)
	if err != nil {
		return err
	}
	contractRel, err := config.RootRel(root.Dir(), cwd, o.contract)
	if err != nil {
		return diag.Usage(fmt.Errorf("validate: --contract %w", err))
	}
	in, ds := config.LoadPlatform(root, contractRel)
	return validateReport(s, out, o, ds, func() string { return platformSummary(in) })
}

// validateReport prints ds through out: the diagnostics (exit 2) when it holds errors,
// else the warnings (text: on stderr) and the result.
func validateReport(s *streams, out output.Output[output.Validation], o *validateOptions, ds diag.List, ok func() string) error {
	if ds.HasErrors() {
		if o.output == "json" {
			return jsonFailure{output.ValidationJSON(false, ds)}
		}
		return ds
	}
	if o.output != "json" {
		for _, w := range ds.Warnings() {
			s.warn(w.String())
		}
	}
	if err := out.Write(output.Validation{Diagnostics: ds, Summary: ok()}); err != nil {
		return err
	}
	return out.Flush()
}

func platformSummary(in *config.Inputs) string {
	var b strings.Builder
	fmt.Fprintf(&b, "ok: contract %s", in.Contract.Source.Path)
	writeManifestSummary(&b, in.Manifest)
	if n := len(in.Warnings); n > 0 {
		fmt.Fprintf(&b, ", %d warning(s)", n)
	}
	return b.String()
}

func writeManifestSummary(b *strings.Builder, m *config.Manifest) {
	switch {
	case m != nil && len(m.Chain) > 1:
		paths := make([]string, len(m.Chain))
		for i, c := range m.Chain {
			paths[i] = c.Source.Path
		}
		fmt.Fprintf(b, ", manifest %s", strings.Join(paths, " → "))
	case m != nil:
		fmt.Fprintf(b, ", manifest %s", m.Source.Path)
	}
}

func summary(in *config.Inputs, contractRel string) string {
	p := in.Product
	var b strings.Builder
	fmt.Fprintf(&b, "ok: %s (%s %s)", p.Source.Path, p.Metadata.Name, p.Metadata.Version)
	if contractRel != "" {
		fmt.Fprintf(&b, ", contract %s", in.Contract.Source.Path)
	}
	writeManifestSummary(&b, in.Manifest)
	if in.Manifest == nil && p.Platform != nil && p.Platform.Manifest != "" {
		fmt.Fprintf(&b, ", manifest %s not checked (not a local path)", p.Platform.Manifest)
	}
	if n := len(in.Warnings); n > 0 {
		fmt.Fprintf(&b, ", %d warning(s)", n)
	}
	return b.String()
}
