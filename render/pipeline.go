// Package render is floe's main job: Platform Environment Contract + platform Manifest +
// a product's floe.yaml → the product's Kubernetes objects for the Dagster or the
// floe-jobs runtime, with OpenTelemetry and OpenLineage wired into every workload.
//
// # Pipeline
//
// One pipeline, in this order (Engine.Render is plain code calling the stages in turn):
//
//  1. load      config.Load: contract, Manifest (inheritance resolved) and floe.yaml,
//     strictly validated and cross-checked; every problem as a located diagnostic.
//  2. resolve   config.ValidateRuntime, then every derived value (resolve.go): runtime,
//     S and D, namespace, environment class (D-RND-15), mode and lineage namespace
//     (D-IN-11, D-RND-16), image <registry>/<P>:<sha12> (D-RND-12), resource preset (D-RND-11),
//     telemetry env (D-RND-14, telemetry.go), labels and annotations (D-RND-17), dbt
//     profiles (D-RND-10), writable directories, source hash (D-RND-19).
//  3. values    the chart values (values.go); the charts' own defaults are dropped so
//     nothing but computed values reaches the templates.
//  4. helm      Helm v3's engine in process on the embedded chart (package charts),
//     parsed once per Engine; no helm CLI, no cluster, no lookup.
//  5. parse     kustomize.ParseStream.
//  6. overlays  overlay.Apply, when the contract names overlays.
//  7. filters   kio filters of package kustomize, AFTER the overlays so an overlay can
//     never remove what floe guarantees: namespace, labels/annotations, service
//     account, image, restricted pod security, resources, telemetry env, the Dagster
//     container context built from the finished code server (D-RND-24), then the
//     canonical order (D-RND-21).
//  8. emit      kustomize.EmitStream: the canonical YAML, held in memory.
//  9. gate      the policy Gate (PolicyGate unless WithGate says otherwise) judges exactly
//     those bytes, and the Dagster run pods they launch (D-GATE-08); a deny fails the
//     render (diag.No, exit 1) and nothing is returned, warnings join Result.Warnings.
//  10. evidence  the Evidence record (inputs, output digest, charts, policy report,
//     required-evidence statuses); Result.JSON renders --format json.
//
// Nothing reads a clock, the process environment or map order except where an Options
// field injects it (Now, ImageTag; ARGOCD_APP_REVISION only when ImageTag is empty), so
// the output is byte-for-byte reproducible. Now only reaches the evidence (renderedAt)
// and the gate (exception expiry, the policies' time.now_ns); a zero Now expires no
// exception and reads as the Unix epoch in the policies.
package render

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/engine"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/floe-dev/floe/charts"
	"github.com/floe-dev/floe/config"
	"github.com/floe-dev/floe/diag"
	"github.com/floe-dev/floe/kustomize"
	"github.com/floe-dev/floe/kustomize/overlay"
)

// Options select one render.
type Options struct {
	Root         config.Root
	ContractPath string // root-relative
	ProductPath  string // root-relative: a directory holding floe.yaml, or the file
	// Runtime is dagster or floe-jobs; "" = the contract's runtime.recommendedAlphaSpine.
	Runtime string
	// ImageTag is the git commit SHA (7–40 hex); "" = ResolveImageTag(Root, "", os.Getenv)
	// (Options.imageTag).
	ImageTag string
	// Enforcement is the policy level (off, warn, strict); it may raise, never lower, the
	// Manifest's. Used by the gate.
	Enforcement string
	// Annotations are extra provenance annotations for every object (e.g. Argo CD's).
	Annotations map[string]string
	// Now is the render time recorded in the evidence and given to the gate (exception
	// expiry, the policies' clock); zero = not recorded.
	Now time.Time
	// FloeVersion is recorded in the evidence ("dev" when empty).
	FloeVersion string
	// Provenance records the render's read set before the chart renders, annotates every
	// object with floe.dev/inputs-digest and fills Result.Provenance (D-EVD-05).
	Provenance bool
}

// Result is one rendered product.
type Result struct {
	Objects  []*yaml.RNode // canonical order
	YAML     []byte        // canonical stream
	Warnings diag.List
	Evidence *Evidence
	Runtime  string
	Image    string
	// Provenance is what an attestation of this render records; nil unless
	// Options.Provenance.
	Provenance *RenderProvenance
}

// Engine renders products. It parses the embedded charts once and is safe for
// concurrent use, so a batch of products pays the chart cost once.
type Engine struct {
	charts   map[string]*chart.Chart // defaults removed: only computed values are used
	versions []ChartVersion
	gate     Gate
	gateSet  bool
}

// EngineOption configures an Engine.
type EngineOption func(*Engine)

// WithGate makes g the policy gate of every render instead of the PolicyGate NewEngine
// builds; WithGate(nil) renders without any gate (tests and benchmarks only).
func WithGate(g Gate) EngineOption {
	return func(e *Engine) { e.gate, e.gateSet = g, true }
}

// NewEngine loads the embedded charts and, unless WithGate says otherwise, starts
// compiling the policy gate (NewPolicyGate) in the background: the first render's
// stages run meanwhile and its gate stage waits for the compile (compileGate, gate_compile.go).
func NewEngine(opts ...EngineOption) (*Engine, error) {
	e := &Engine{charts: map[string]*chart.Chart{}}
	for _, o := range opts {
		o(e)
	}
	if !e.gateSet {
		e.gate = compileGate()
	}
	for _, name := range charts.Names() {
		c, err := charts.Load(name)
		if err != nil {
			return nil, err
		}
		stripped := *c
		stripped.Values = map[string]any{}
		e.charts[name] = &stripped
		e.versions = append(e.versions, ChartVersion{Name: name, Version: c.Metadata.Version})
	}
	return e, nil
}

var (
	defaultOnce   sync.Once
	defaultEngine *Engine
	defaultErr    error
)

// processEngine is the process-wide Engine (with the PolicyGate), made on first use.
func processEngine() (*Engine, error) {
	defaultOnce.Do(func() { defaultEngine, defaultErr = NewEngine() })
	return defaultEngine, defaultErr
}

// Render renders one product with the process-wide Engine.
func Render(ctx context.Context, opts Options) (*Result, error) {
	e, err := processEngine()
	if err != nil {
		return nil, err
	}
	return e.Render(ctx, opts)
}

// Render runs the pipeline for one product. Input problems are a diag.List (exit 2), a
// policy denial is diag.No (exit 1); on error the Result is nil.
func (e *Engine) Render(ctx context.Context, opts Options) (*Result, error) {
	if opts.Root == nil {
		return nil, diag.Usage(errors.New("render: no root"))
	}
	if opts.ContractPath == "" {
		return nil, diag.Usage(errors.New("render: --contract is required"))
	}

	// 1. load, 2. resolve (with the read set and the inputs digest when attesting)
	var (
		in       *config.Inputs
		r        *resolved
		warnings diag.List
		reads    *ReadSet
		err      error
	)
	if opts.Provenance {
		in, r, warnings, reads, err = loadAndResolveRecorded(ctx, opts)
	} else {
		in, r, warnings, err = loadAndResolve(opts)
	}
	if err != nil {
		return nil, err
	}
	inputsDigest := ""
	if reads != nil {
		inputsDigest = InputsDigest(reads, r.runtime, r.image, opts.Enforcement)
		r.annotations[InputsDigestAnnotation] = inputsDigest
	}
	runtime := r.runtime
	if runtime == RuntimeDagster && r.cron != "" {
		src := in.Product.Source
		line, col := src.Pos("schedule.cron")
		warnings = append(warnings, diag.Diagnostic{File: src.Path, Line: line, Col: col, Path: "schedule.cron", Severity: diag.Warning,
			Message: "SCHED-DAGSTER-UNWIRED: Dagster does not run floe schedules yet; the schedule is only recorded in floe.dev/schedule* annotations"})
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	// 3. values, 4. helm, 5. parse
	objs, err := e.helm(r)
	if err != nil {
		return nil, err
	}

	// The chart's containers run the product image; containers an overlay adds keep
	// their own, which the gate's registry rules judge (D-RND-12).
	r.productContainers = chartContainers(objs)

	// 6. overlays
	if dirs := in.Contract.Overlays; len(dirs) > 0 {
		objs, err = overlay.Apply(ctx, opts.Root, dirs, objs)
		if err != nil {
			return nil, diag.Usage(fmt.Errorf("%s: overlays: %w", in.Contract.Source.Path, err))
		}
	}

	// 7. filters
	if objs, err = kustomize.Pipeline(r.filters()...).Filter(objs); err != nil {
		if len(in.Contract.Overlays) > 0 { // what the overlays made of the objects: an input error
			return nil, diag.Usage(fmt.Errorf("render %s: after the overlays: %w", r.productName, err))
		}
		return nil, fmt.Errorf("render %s: %w", r.productName, err)
	}
	// 8. emit
	out, err := kustomize.EmitStream(objs)
	if err != nil {
		return nil, fmt.Errorf("render %s: %w", r.productName, err)
	}

	// 9. gate
	var report *PolicyReport
	if e.gate != nil {
		report, err = e.gate.Check(ctx, GateInput{Objects: objs, YAML: out, Root: opts.Root,
			Contract: in.Contract, Manifest: in.Manifest, Product: in.Product, Runtime: runtime,
			Enforcement: opts.Enforcement, Now: opts.Now,
			EgressPorts: r.egressPorts()})
		if err != nil {
			return nil, fmt.Errorf("policy gate: %w", err)
		}
		found := findingDiagnostics(report)
		if report.Denied {
			return nil, diag.No(denial{report, found})
		}
		warnings = append(warnings, found...)
	}

	// 10. evidence
	version := opts.FloeVersion
	if version == "" {
		version = "dev"
	}
	var used []ChartVersion
	for _, cv := range e.versions {
		if cv.Name == chartName(runtime) {
			used = append(used, cv)
		}
	}
	ev := newEvidence(r, version, used, opts.Now)
	ev.finish(in.Contract.Promotion.RequiredEvidence, out, len(objs), report, opts.Enforcement)
	warnings = config.SilenceWarnings(in.Contract, warnings)
	warnings.Sort()
	res := &Result{Objects: objs, YAML: out, Warnings: warnings, Evidence: ev, Runtime: runtime, Image: r.image}
	if reads != nil {
		res.Provenance = &RenderProvenance{Reads: reads, InputsDigest: inputsDigest, Chart: e.chartDigest(runtime),
			ContractPath: opts.ContractPath, ProductPath: opts.ProductPath, Enforcement: opts.Enforcement, Policy: report}
	}
	return res, nil
}

// helm renders the runtime's chart with r's values and parses the result.
func (e *Engine) helm(r *resolved) ([]*yaml.RNode, error) {
	c := e.charts[chartName(r.runtime)]
	// values.schema.json is not re-checked per product (it costs a tenth of a render):
	// the values are computed here, and TestValuesMatchSchema holds them to the schema.
	vals, err := chartutil.ToRenderValuesWithSchemaValidation(c, r.values(),
		chartutil.ReleaseOptions{Name: r.productName, Namespace: r.namespace, Revision: 1, IsInstall: true}, nil, true)
	if err != nil {
		return nil, fmt.Errorf("chart %s: %w", c.Name(), err)
	}
	files, err := engine.Engine{Strict: true}.Render(c, vals)
	if err != nil {
		return nil, fmt.Errorf("chart %s: %w", c.Name(), err)
	}
	names := make([]string, 0, len(files))
	for n := range files {
		if strings.HasSuffix(n, ".yaml") || strings.HasSuffix(n, ".yml") {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		b.WriteString("---\n")
		b.WriteString(files[n])
		b.WriteString("\n")
	}
	objs, err := kustomize.ParseStream([]byte(b.String()))
	if err != nil {
		return nil, fmt.Errorf("chart %s: %w", c.Name(), err)
	}
	return objs, nil
}

// filters are stage 7, one small kio.Filter per concern, then the canonical order. They
// run through kustomize.Pipeline rather than kio.Pipeline, which would stamp and reconcile
// kyaml's internal annotations around every filter (work EmitStream would only strip).
func (r *resolved) filters() []kio.Filter {
	enforce := make([]kustomize.EnvVar, len(r.env))
	for i, v := range r.env {
		enforce[i] = kustomize.EnvVar{Name: v.Name, Value: v.Value}
	}
	tel := kustomize.Telemetry{Enforce: enforce}
	if r.runtime == RuntimeDagster {
		tel.ConfigMapName = r.productName + "-telemetry"
	}
	fs := append([]kio.Filter(nil),
		kustomize.Namespace{Namespace: r.namespace},
		kustomize.Labels{Labels: r.labels, Annotations: r.annotations, PodLabels: r.podLabels, Overwrite: true},
		kustomize.ServiceAccount{Name: r.serviceAcct},
		kustomize.Image{Image: r.image, PullPolicy: "IfNotPresent", Containers: r.productContainers},
		kustomize.PodSecurity{},
		kustomize.Resources{
			Requests: map[string]string{"cpu": r.resources.Requests.CPU, "memory": r.resources.Requests.Memory},
			Limits:   map[string]string{"cpu": r.resources.Limits.CPU, "memory": r.resources.Limits.Memory},
		},
		tel,
	)
	if r.runtime == RuntimeDagster {
		fs = append(fs, kustomize.DagsterRunContext{Labels: r.runLabels})
	}
	if r.runtime == RuntimeFloeJobs && r.cron != "" {
		fs = append(fs, kustomize.CronJobTimeZone{TimeZone: r.timezone})
	}
	return append(fs, kustomize.DropTestHooks{}, kustomize.Canonical{})
}

// chartContainers names the containers and initContainers of the chart's workloads,
// sorted, each once.
func chartContainers(objs []*yaml.RNode) []string {
	var names []string
	for _, o := range objs {
		w, ok := kustomize.FindWorkload(o)
		if !ok {
			continue
		}
		for _, c := range w.Containers() {
			if name, _ := c.GetString("name"); name != "" && !slices.Contains(names, name) {
				names = append(names, name)
			}
		}
	}
	slices.Sort(names)
	return names
}

// emitOne is one object in canonical YAML.
func emitOne(o *yaml.RNode) ([]byte, error) { return kustomize.EmitStream([]*yaml.RNode{o}) }

// denial is the exit-1 error of a render the gate refused: every finding, then a summary.
type denial struct {
	r     *PolicyReport
	found diag.List
}

func (d denial) Error() string {
	return fmt.Sprintf("%s\npolicy gate (%s) denied the render: %d finding(s) deny", d.found, d.r.Level, d.r.Summary.Deny)
}
