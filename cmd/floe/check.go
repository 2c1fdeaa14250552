package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/floe-dev/floe/config"
	"github.com/floe-dev/floe/diag"
	"github.com/floe-dev/floe/internal/output"
	"github.com/floe-dev/floe/internal/yamlguard"
	"github.com/floe-dev/floe/policies"
)

type checkOptions struct {
	contract, root, enforcement, output string
}

// checkNow is the clock exceptions expire by and the policies read; tests replace it.
var checkNow = gateClock

// gateClock is every door's policy clock, render's (renderTime): SOURCE_DATE_EPOCH when
// set, else the time.
func gateClock() time.Time { return renderTime(os.Getenv) }

// newCheckCmd is `floe check --contract FILE [--root DIR] [--enforcement off|warn|strict]
// [--output text|json|sarif] [FILE|-]...`.
func newCheckCmd(s *streams) *cobra.Command {
	o := &checkOptions{}
	cmd := &cobra.Command{
		Use:   "check --contract FILE [--enforcement off|warn|strict] [--output text|json|sarif] [FILE|-]...",
		Short: "Run the policy gate over rendered manifests",
		Long: `Check evaluates floe's policies and the contract's policy.bundles over
multi-document YAML streams (files, or - for stdin; stdin when no FILE is given, refused
when stdin is a terminal) in one
pass, against the expectations of the contract: its namespace, service account, image
registry and tag policy, and the platform Manifest's lineage setting. No product is
known here, so the product-specific checks (labels, expected OTEL/OpenLineage values) do
not run; floe render and floe post-render run them with the product. FILEs are relative
to the current directory and must lie inside the root.

The level is the platform Manifest's governance.policy_enforcement_level (warn when
unset), raised by the contract's policy.enforcement and by --enforcement, never lowered.
off evaluates nothing; warn reports every finding as a warning; strict fails on any deny
finding no contract exception covers. Findings go to stdout, also when the gate says no.
Exit 0: pass. 1: denied. 2: invalid input or usage.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCheck(cmd.Context(), s, o, args)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.contract, "contract", "", "PlatformEnvironmentContract file (required)")
	f.StringVar(&o.root, "root", "", "the only directory tree floe may read (default: git top-level of the contract, else the current directory)")
	f.StringVar(&o.enforcement, "enforcement", "", "raise the enforcement level: off, warn or strict")
	f.StringVar(&o.output, "output", "text", "output format: "+output.Check.Names())
	return cmd
}

func runCheck(ctx context.Context, s *streams, o *checkOptions, files []string) error {
	out, err := output.New(s.Out, output.Check, o.output)
	if err != nil {
		return err
	}
	if err := policies.CheckLevel(o.enforcement); err != nil {
		return diag.Usage(fmt.Errorf("check: --enforcement: %w", err))
	}
	if o.contract == "" {
		return diag.Usage(errors.New("check: --contract FILE is required"))
	}
	if len(files) == 0 && stdinIsTerminal(s.In) {
		return diag.Usage(errors.New("check: no FILE given and stdin is a terminal: name the files, or pipe them in (floe render … | floe check --contract FILE -); see floe check --help"))
	}
	root, cwd, err := resolveRoot(o.root, o.contract)
	if err != nil {
		return err
	}
	contractRel, err := config.RootRel(root.Dir(), cwd, o.contract)
	if err != nil {
		return diag.Usage(fmt.Errorf("check: --contract %w", err))
	}

	c, ds := config.LoadContract(root, contractRel)
	if ds.HasErrors() {
		return ds
	}
	warnings := ds.Warnings()
	manifest, ds := checkManifest(root, c)
	warnings = append(warnings, config.SilenceWarnings(c, ds.Warnings())...)
	if ds.HasErrors() {
		return ds
	}

	objs, err := readCheckStreams(s.In, root, cwd, files)
	if err != nil {
		return diag.Usage(err)
	}

	gate, err := policies.NewGate(ctx, policies.GateConfig{Contract: c, Manifest: manifest, Level: o.enforcement, Now: checkNow(), Root: root})
	if err != nil {
		return err
	}
	report, err := gate.Run(ctx, objs)
	if err != nil {
		return err
	}

	warnings.Sort()
	for _, w := range warnings {
		s.warn(w)
	}
	if report.Level == policies.LevelOff {
		s.warn("floe: policy enforcement is off: no policy was evaluated")
	}
	if err := out.Write(*report); err != nil {
		return err
	}
	if err := out.Flush(); err != nil {
		return err
	}
	if report.Denied() {
		return diag.No(fmt.Errorf("policy gate (%s) denied: %d deny finding(s), %d warning(s), %d excepted", report.Level, report.Deny, report.Warn, report.Excepted))
	}
	return nil
}

// checkManifest loads the platform Manifest the contract names, for its enforcement
// level and lineage setting. Like floe render, an OCI manifest is refused.
func checkManifest(root config.Root, c *config.Contract) (*config.Manifest, diag.List) {
	pm := c.Environment.PlatformManifest
	if pm.Source == "oci" {
		p := "environment.platformManifest.ociRef"
		line, col := c.Source.Pos(p)
		return nil, diag.List{{File: c.Source.Path, Line: line, Col: col, Path: p,
			Message: "OCI manifests are not fetched; use a git path (environment.platformManifest.source: git)"}}
	}
	if pm.Path == "" {
		return nil, nil
	}
	return config.LoadManifest(root, pm.Path)
}

// readStreams parses every input: "-" (or no FILE) is stdin, named "stdin"; files must
// lie inside the root and are named root-relative in findings.
func readCheckStreams(stdin io.Reader, root config.Root, cwd string, files []string) ([]policies.Object, error) {
	if len(files) == 0 {
		files = []string{"-"}
	}
	var objs []policies.Object
	stdinRead := false
	for _, f := range files {
		var name string
		var data []byte
		var err error
		if f == "-" {
			if stdinRead {
				return nil, errors.New("check: - (stdin) given twice")
			}
			stdinRead = true
			name = "stdin"
			data, err = readCheckLimited(stdin, name)
		} else {
			if name, err = config.RootRel(root.Dir(), cwd, f); err != nil {
				return nil, fmt.Errorf("check: %w", err)
			}
			data, err = readCheckFile(root, name)
		}
		if err != nil {
			return nil, err
		}
		o, err := policies.ParseObjects(name, data)
		if err != nil {
			return nil, err
		}
		objs = append(objs, o...)
	}
	return objs, nil
}

// readCheckFile reads a checked stream inside the root, through it (confined, never
// .git), then bounds its YAML.
func readCheckFile(root config.Root, name string) ([]byte, error) {
	data, err := config.ReadFileLimit(root, name, yamlguard.MaxStreamBytes)
	if err != nil {
		return nil, err
	}
	if err := yamlguard.Stream.Check(name, data); err != nil {
		return nil, err
	}
	return data, nil
}

// readCheckLimited reads one checked stream (rendered streams outgrow the input files'
// limit) and bounds its YAML before the policies parse it.
func readCheckLimited(r io.Reader, name string) ([]byte, error) {
	data, err := yamlguard.ReadAll(name, r, yamlguard.MaxStreamBytes)
	if err != nil {
		return nil, err
	}
	if err := yamlguard.Stream.Check(name, data); err != nil {
		return nil, err
	}
	return data, nil
}
