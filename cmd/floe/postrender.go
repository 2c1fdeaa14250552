package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/floe-dev/floe/config"
	"github.com/floe-dev/floe/diag"
	"github.com/floe-dev/floe/internal/yamlguard"
	"github.com/floe-dev/floe/kustomize"
	"github.com/floe-dev/floe/policies"
	"github.com/floe-dev/floe/postrender"
	"github.com/floe-dev/floe/render"
)

type postRenderOptions struct {
	contract, selector, root, enforcement string
	products                              []string // --product: PATH, or NAME=PATH for a code location
	productDirs                           []string // --products DIR
	attest, signingKey                    string   // --attest FILE --signing-key KEY (D-EVD-09)
}

// shownWarnings is how many warnings post-render prints on stderr before pointing at
// the log, which holds them all.
const shownWarnings = 20

// newPostRenderCmd is `floe post-render --contract FILE [--product FILE | --product NAME=FILE… | --products DIR] [--select SELECTOR]`.
func newPostRenderCmd(s *streams) *cobra.Command {
	o := &postRenderOptions{}
	cmd := &cobra.Command{
		Use:   "post-render --contract FILE [--product FILE | --product NAME=FILE... | --products DIR] [--select SELECTOR]",
		Short: "Helm post-renderer: wire telemetry into a chart's output and gate it (stdin -> stdout)",
		Long: `Reads Helm's whole rendered stream on stdin, adds the contract's OpenTelemetry and
OpenLineage wiring and identities to the selected workloads, runs the policy gate and
writes the stream to stdout.

One product's chart:  --product FILE attributes every selected workload to that product.
A platform chart (Dagster's: webserver, daemon, migrations, N code locations):
  --product NAME=FILE  maps the code location NAME (its user deployment) to a product;
  --products DIR       maps every product under DIR to the code location of its name.
  The other workloads are platform components with their own service names (their
  component label, e.g. dagster-webserver). An unmapped code location is an error;
  without any --product/--products code locations are left unattributed (a warning).

Paths are relative to the directory floe runs in (helm's); the root defaults to the
git top-level holding the contract, else that directory.

Helm 3:  helm template REL CHART --post-renderer floe \
           --post-renderer-args post-render --post-renderer-args --contract=pec.yaml
Helm 4:  floe helm-plugin DIR (once), then helm template REL CHART --post-renderer floe \
           --post-renderer-args --contract=pec.yaml

Helm 3 drops a post-renderer's stderr when it succeeds and Helm 4 always does, so every
run also keeps its warnings and errors in $FLOE_POST_RENDER_LOG (default
$TMPDIR/floe-UID/post-render.log, in a directory only floe creates, mode 0700); stderr
gets a summary naming that file. On failure nothing is written to stdout.

--attest FILE --signing-key KEY (Helm: --post-renderer-args --attest=FILE
--post-renderer-args --signing-key=KEY) also writes a DSSE envelope signed with KEY
holding an in-toto Statement v1 / SLSA Provenance v1: the sha256 of each object written
and of the whole output, every file read (contract, Manifest, products, policy
bundles) and the sha256 of the stream Helm gave. floe verify checks it against the
output. Nothing is written to stdout unless the attestation is written.`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			logPath := postrender.LogPath(os.Getenv)
			warnings, err := runPostRender(cmd, s, o)
			log := postRenderLog(warnings, err)
			lerr := postrender.WriteLog(logPath, log)
			switch {
			case err != nil && lerr != nil:
				return fmt.Errorf("%w\nfloe post-render: could not keep the diagnostics: %v", err, lerr)
			case err != nil:
				return fmt.Errorf("%w\nfloe post-render failed; diagnostics also in %s", err, logPath)
			}
			for i, w := range warnings {
				if i == shownWarnings {
					s.warn(fmt.Sprintf("… %d more", len(warnings)-shownWarnings))
					break
				}
				s.warn(w.String())
			}
			if len(warnings) > 0 {
				where := "kept in " + logPath
				if lerr != nil {
					where = fmt.Sprintf("could not be kept: %v", lerr)
				}
				s.warn(fmt.Sprintf("floe post-render: %d warning(s); all of them %s", len(warnings), where))
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.contract, "contract", "", "PlatformEnvironmentContract file (required)")
	f.StringArrayVar(&o.products, "product", nil, "floe.yaml (or its directory) the selected workloads belong to; NAME=FILE maps one code location (repeatable)")
	f.StringArrayVar(&o.productDirs, "products", nil, "directory of products, each mapped to the code location named like it (repeatable)")
	f.StringVar(&o.selector, "select", "", "label selector limiting the objects floe touches and judges (default: all)")
	f.StringVar(&o.root, "root", "", "the only directory tree floe may read (default: git top-level of the contract, else the current directory)")
	f.StringVar(&o.enforcement, "enforcement", "", "raise the policy level: off, warn or strict (never lowers the Manifest/contract level)")
	f.StringVar(&o.attest, "attest", "", "write a signed in-toto/SLSA provenance attestation (DSSE envelope) of the output to this file")
	f.StringVar(&o.signingKey, "signing-key", "", "private key for --attest: cosign-encrypted (password in COSIGN_PASSWORD) or PKCS#8 PEM, ECDSA P-256 or ed25519")
	return cmd
}

// postRenderLog is what one run leaves in the diagnostics log: its warnings and its
// error, or a line saying there were none (D-PR-09).
func postRenderLog(warnings diag.List, err error) string {
	var b strings.Builder
	for _, w := range warnings {
		b.WriteString(w.String() + "\n")
	}
	if err != nil {
		b.WriteString(err.Error() + "\n")
	}
	if b.Len() == 0 {
		return "floe post-render: succeeded without warnings"
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func runPostRender(cmd *cobra.Command, s *streams, o *postRenderOptions) (diag.List, error) {
	if o.contract == "" {
		return nil, diag.Usage(errors.New("post-render: --contract is required"))
	}
	if err := checkAttestFlags("post-render", o.attest, o.signingKey, ""); err != nil {
		return nil, err
	}
	single, mapped, err := splitProducts(o.products)
	if err != nil {
		return nil, err
	}
	if single != "" && (len(mapped) > 0 || len(o.productDirs) > 0) {
		return nil, diag.Usage(errors.New("post-render: --product FILE attributes the whole chart to one product; map code locations with --product NAME=FILE or --products DIR instead, not both"))
	}
	root, cwd, err := resolveRoot(o.root, o.contract)
	if err != nil {
		return nil, err
	}
	var reads func() *render.ReadSet
	if o.attest != "" { // every question asked of the root, for the attestation
		root, reads = render.RecordReads(root)
	}
	contractRel, err := config.RootRel(root.Dir(), cwd, o.contract)
	if err != nil {
		return nil, diag.Usage(fmt.Errorf("post-render: --contract %w", err))
	}
	if stdinIsTerminal(s.In) {
		return nil, diag.Usage(errors.New("post-render: stdin is a terminal: pipe the manifests in (helm template … | floe post-render --contract FILE); see floe post-render --help"))
	}
	var in *postrender.Inputs
	var locations map[string]string
	var productRel string
	mapLocations := len(mapped) > 0 || len(o.productDirs) > 0
	if mapLocations {
		if locations, err = locationProducts(root, cwd, mapped, o.productDirs); err != nil {
			return nil, err
		}
		in, err = postrender.LoadLocations(root, contractRel, locations)
		if err != nil {
			return nil, err
		}
	} else {
		if single != "" {
			if productRel, err = config.RootRel(root.Dir(), cwd, single); err != nil {
				return nil, diag.Usage(fmt.Errorf("post-render: --product %w", err))
			}
		}
		if in, err = postrender.Load(root, contractRel, productRel); err != nil {
			return nil, err
		}
	}
	ctx := cmd.Context()
	// The policies compile while stdin is read and filtered; the gate waits for them.
	engine := policies.Start(ctx, policies.Options{ExtraBundles: in.Bundles})
	r, err := postrender.New(postrender.Options{
		Contract: in.Contract, Manifest: in.Manifest, Product: in.Product,
		Locations: in.Locations, MapLocations: mapLocations,
		Select: o.selector, Gate: engine, Enforcement: o.enforcement, Now: gateClock,
	})
	if err != nil {
		return nil, err
	}
	data, err := yamlguard.ReadAll("stdin", s.In, yamlguard.MaxStreamBytes)
	if err != nil {
		return nil, diag.Usage(fmt.Errorf("post-render: %w", err))
	}
	out, report, notes, err := r.RenderNotes(ctx, data)
	if _, cerr := engine.Wait(ctx); cerr != nil { // also when the level is off
		return nil, diag.Usage(fmt.Errorf("post-render: %w", cerr))
	}
	if err != nil {
		return nil, err
	}
	if o.attest != "" {
		params := render.ExternalParameters{Contract: contractRel, Product: productRel, Locations: locations,
			Select: o.selector, Enforcement: o.enforcement}
		if err := attestPostRender(o, params, data, out, reads(), report); err != nil {
			return nil, err
		}
	}
	s.Out.Write(out)
	return append(append(in.Warnings, notes...), reportDiagnostics(report)...), nil
}

// attestPostRender signs and writes post-render's attestation (D-EVD-09): the objects
// of out, the reads of the root, the stream Helm gave (in).
func attestPostRender(o *postRenderOptions, params render.ExternalParameters, in, out []byte, reads *render.ReadSet, report *policies.Report) error {
	objects, err := kustomize.ParseStream(out)
	if err != nil {
		return fmt.Errorf("post-render: attest: %w", err)
	}
	subjects, err := render.ObjectSubjects(objects, nil)
	if err != nil {
		return diag.Usage(fmt.Errorf("post-render: %w", err))
	}
	a := &render.PostRenderAttestation{Subjects: subjects, Output: out, Input: in, Reads: reads, Params: params}
	if report != nil {
		a.Policy = &render.PolicyReport{Level: report.Level, Denied: report.Denied(), Findings: report.Findings,
			Summary: render.Summary{Deny: report.Deny, Warn: report.Warn, Excepted: report.Excepted}}
	}
	st, err := a.Statement(builderVersion(), renderTime(os.Getenv))
	if err != nil {
		return diag.Usage(fmt.Errorf("post-render: %w", err))
	}
	f, err := signAndStage("post-render", o.attest, o.signingKey, st, os.Getenv)
	if err != nil {
		return err
	}
	defer f.Abort() // a no-op once committed
	if err := f.Commit(); err != nil {
		return diag.Usage(fmt.Errorf("post-render: --attest: %w", err))
	}
	return nil
}

// reportDiagnostics lists a (possibly nil) report's unexcepted findings.
func reportDiagnostics(r *policies.Report) diag.List {
	if r == nil {
		return nil
	}
	return policies.Diagnostics(r.Findings)
}
