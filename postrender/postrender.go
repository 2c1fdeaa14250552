package postrender

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/floe-dev/floe/config"
	"github.com/floe-dev/floe/diag"
	"github.com/floe-dev/floe/kustomize"
	"github.com/floe-dev/floe/policies"
)

// Options configure a Renderer.
type Options struct {
	// Contract is required: it owns the telemetry endpoints and the policy exceptions.
	Contract *config.Contract
	// Manifest is the contract's platform Manifest (tracing/lineage endpoints, logging,
	// enforcement level); nil uses the platform defaults.
	Manifest *config.Manifest
	// Product, when set, attributes every selected workload to this floe.yaml: a chart
	// that is one product's. Not together with Locations or MapLocations.
	Product *config.FloeSpec
	// Locations attribute a platform chart's Dagster code locations to products: the
	// name of a code location (its user deployment's) to its floe.yaml (D-PR-05).
	// Without Product, the workloads that are not code locations are platform
	// components with their own identity (D-PR-06).
	Locations map[string]*config.FloeSpec
	// MapLocations makes a code location missing from Locations an error (exit 2);
	// without it such a location is left unattributed, with a warning.
	MapLocations bool
	// Select is a Kubernetes label selector limiting the objects floe touches and
	// judges, matched against object or pod-template labels; empty selects all.
	Select string
	// Gate is the policy engine; nil skips the policy gate. It may still be compiling
	// (*policies.Compiling): the filters run meanwhile, and the gate waits for it. The
	// contract's exceptions are checked against its rules when the gate runs.
	Gate policies.Checker
	// Enforcement raises the effective level ("" keeps the Manifest/contract level).
	Enforcement string
	// Now is the clock for exception expiry and the policies' time.now_ns (nil: time.Now).
	Now func() time.Time
}

// Renderer is floe's Helm post-renderer: Run has Helm's PostRenderer signature.
type Renderer struct {
	opts  Options
	w     plan
	level string
	// products are the plans of the products Locations names, by product name.
	products map[string]plan
	specs    map[string]*config.FloeSpec
	// platform is the plan of the platform's objects that are not workloads.
	platform plan
}

// New validates opts and prepares the filters.
func New(opts Options) (*Renderer, error) {
	if opts.Contract == nil {
		return nil, errors.New("post-render: a contract is required")
	}
	if _, err := kustomize.MatchSelector(opts.Select, yaml.NewMapRNode(nil)); err != nil {
		return nil, diag.Usage(fmt.Errorf("--select %q: %w", opts.Select, err))
	}
	level, err := policies.ContractLevel(opts.Contract, opts.Manifest, opts.Enforcement)
	if err != nil {
		return nil, diag.Usage(err)
	}
	if opts.Product != nil && (len(opts.Locations) > 0 || opts.MapLocations) {
		return nil, diag.Usage(errors.New("post-render: attribute the chart to one product or map its code locations to products, not both"))
	}
	r := &Renderer{opts: opts, w: derive(opts.Contract, opts.Manifest, opts.Product), level: level,
		platform: derive(opts.Contract, opts.Manifest, nil), products: map[string]plan{}, specs: map[string]*config.FloeSpec{}}
	for _, p := range opts.Locations {
		if p == nil {
			return nil, errors.New("post-render: a code location is mapped to no product")
		}
		// Plans are keyed by product name: two different products of one name would
		// give both locations the last one's identity.
		if prev := r.specs[p.Metadata.Name]; prev != nil && sourcePath(prev) != sourcePath(p) {
			return nil, diag.Usage(fmt.Errorf("post-render: code locations map to two products named %q (%s and %s)",
				p.Metadata.Name, sourcePath(prev), sourcePath(p)))
		}
		r.products[p.Metadata.Name] = derive(opts.Contract, opts.Manifest, p)
		r.specs[p.Metadata.Name] = p
	}
	return r, nil
}

// sourcePath is the file a product was read from ("" when built in memory).
func sourcePath(p *config.FloeSpec) string {
	if p.Source == nil {
		return ""
	}
	return p.Source.Path
}

// Level is the effective enforcement level of this renderer.
func (r *Renderer) Level() string { return r.level }

// Run implements Helm's postrender.PostRenderer: the whole stream in, the whole
// transformed stream out, or an error and no output.
func (r *Renderer) Run(in *bytes.Buffer) (*bytes.Buffer, error) {
	out, _, err := r.Render(context.Background(), in.Bytes())
	if err != nil {
		return nil, err
	}
	return bytes.NewBuffer(out), nil
}

// Render post-renders one stream. It returns the output stream and the gate's report
// (nil without a gate). On any error the output is nil: input problems are exit-2
// errors, a policy denial an exit-1 error whose report is still returned.
func (r *Renderer) Render(ctx context.Context, in []byte) ([]byte, *policies.Report, error) {
	out, report, _, err := r.RenderNotes(ctx, in)
	return out, report, err
}

// RenderNotes is Render that also returns post-render's own warnings about the stream
// (code locations left unattributed).
func (r *Renderer) RenderNotes(ctx context.Context, in []byte) ([]byte, *policies.Report, diag.List, error) {
	t, err := r.transform(in)
	if err != nil {
		return nil, nil, nil, err
	}
	// The stream is written while the gate judges the same nodes: after StripInternal
	// both only read them.
	kustomize.StripInternal(t.nodes)
	var out []byte
	var emitErr error
	emitted := make(chan struct{})
	go func() {
		defer close(emitted)
		out, emitErr = kustomize.EmitStream(t.nodes)
	}()
	report, err := r.gate(ctx, t)
	<-emitted
	if emitErr != nil {
		return nil, nil, nil, fmt.Errorf("post-render: %w", emitErr)
	}
	if err != nil {
		return nil, nil, nil, err
	}
	if report.Denied() {
		return nil, report, t.notes, diag.No(denial{report})
	}
	return out, report, t.notes, nil
}

// transformed is a parsed and filtered stream: the nodes to write, where each came
// from, the part of the gate each judged node belongs to, and post-render's warnings.
type transformed struct {
	nodes []*yaml.RNode
	srcs  []source
	parts map[*yaml.Node]string
	notes diag.List
}

// transform parses the stream and applies the filters.
func (r *Renderer) transform(in []byte) (transformed, error) {
	nodes, err := kustomize.ParseStream(in)
	if err != nil {
		return transformed{}, diag.Usage(fmt.Errorf("stdin: %w", err))
	}
	if len(nodes) == 0 {
		return transformed{}, diag.Usage(errors.New("stdin: no Kubernetes objects in the stream (refusing to answer an empty render with empty output)"))
	}
	srcs := make([]source, len(nodes))
	where := make(map[*yaml.Node]string, len(nodes))
	for i, n := range nodes {
		srcs[i] = sourceOf(n)
		where[n.YNode()] = fmt.Sprintf("stdin:%d", n.YNode().Line)
		if srcs[i].file != "stdin" {
			where[n.YNode()] += " (" + srcs[i].file + ")"
		}
		if err := checkObject(n); err != nil {
			return transformed{}, diag.Usage(fmt.Errorf("%s: %w", where[n.YNode()], err))
		}
	}
	// Filters mutate in place; only built-in kinds are handed to them, so CRDs and
	// custom resources pass through untouched.
	owned, err := r.owned(nodes)
	if err != nil {
		return transformed{}, diag.Usage(err)
	}
	kept, err := kustomize.DropTestHooks{}.Filter(owned)
	if err == nil {
		// floe's pod-security guarantee holds whatever the chart sets: weakenings are
		// reset to the restricted values, what cannot be reset is refused.
		kept, err = kustomize.PodSecurity{}.Filter(kept)
	}
	if err != nil {
		return transformed{}, diag.Usage(fmt.Errorf("post-render: %w", err))
	}
	groups, notes, err := r.attribute(kept, where)
	if err != nil {
		return transformed{}, err
	}
	parts := make(map[*yaml.Node]string, len(kept))
	for _, g := range groups {
		if err := r.apply(g); err != nil {
			return transformed{}, diag.Usage(fmt.Errorf("post-render: %w", err))
		}
		for _, n := range g.nodes {
			parts[n.YNode()] = g.part
		}
	}
	if len(kept) != len(owned) { // test hooks dropped
		var ns []*yaml.RNode
		var ss []source
		for i, n := range nodes {
			if _, judged := parts[n.YNode()]; judged || !containsNode(owned, n) {
				ns, ss = append(ns, n), append(ss, srcs[i])
			}
		}
		nodes, srcs = ns, ss
		if len(nodes) == 0 {
			return transformed{}, diag.Usage(errors.New("stdin: only Helm test hooks in the stream; nothing left to render"))
		}
	}
	return transformed{nodes: nodes, srcs: srcs, parts: parts, notes: notes}, nil
}

// owned returns the objects floe touches and judges: selected, and of a built-in kind.
func (r *Renderer) owned(nodes []*yaml.RNode) ([]*yaml.RNode, error) {
	var out []*yaml.RNode
	for _, n := range nodes {
		if isCustom(n) {
			continue
		}
		ok, err := kustomize.MatchSelector(r.opts.Select, n)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, n)
		}
	}
	return out, nil
}

func containsNode(list []*yaml.RNode, n *yaml.RNode) bool {
	for _, m := range list {
		if m.YNode() == n.YNode() {
			return true
		}
	}
	return false
}

// gate runs the policy gate over the judged objects, decoded from the nodes as they
// are written (TestGateSeesTheOutput compares them with the output read back): in one
// part for one product's chart, else in parts, each code location's product and the
// platform's components with their own parameters (D-PR-06).
func (r *Renderer) gate(ctx context.Context, t transformed) (*policies.Report, error) {
	if r.opts.Gate == nil || r.level == policies.LevelOff || len(t.parts) == 0 {
		return &policies.Report{Level: r.level}, nil
	}
	var picked []int
	for i, n := range t.nodes {
		if _, ok := t.parts[n.YNode()]; ok {
			picked = append(picked, i)
		}
	}
	objs, err := gateObjects(t.nodes, t.srcs, picked)
	if err != nil {
		return nil, fmt.Errorf("post-render: %w", err)
	}
	now := time.Now
	if r.opts.Now != nil {
		now = r.opts.Now
	}
	// Chart: Helm puts objects in the release namespace at install time (most charts
	// set none), and a third-party chart's images and service account are the chart's,
	// not the product's; `floe check` judges them on floe's own renders. Nor does a
	// chart's app.kubernetes.io/version name the product's version.
	cfg := policies.GateConfig{Contract: r.opts.Contract, Manifest: r.opts.Manifest,
		Product: r.opts.Product, Level: r.opts.Enforcement, Now: now(), Engine: r.opts.Gate, Chart: true}
	gate, err := policies.NewGate(ctx, cfg)
	if err != nil {
		return nil, err
	}
	var rep *policies.Report
	if r.opts.Product != nil {
		rep, err = gate.Run(ctx, objs)
	} else {
		rep, err = gate.RunParts(ctx, r.gateParts(cfg, t, picked, objs))
	}
	if err != nil {
		return nil, fmt.Errorf("post-render: %w", err)
	}
	return rep, nil
}

// gateObjects decodes the picked nodes into the policy engine's objects, in parallel.
// A chart template is named without a line (its lines are not stdin's); otherwise the
// object's line in stdin.
func gateObjects(nodes []*yaml.RNode, srcs []source, picked []int) ([]policies.Object, error) {
	objs := make([]policies.Object, len(picked))
	errs := make([]error, len(picked))
	workers := min(runtime.GOMAXPROCS(0), max(1, len(picked)/64))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for k := w; k < len(picked); k += workers {
				i := picked[k]
				line := 0
				if srcs[i].file == "stdin" {
					line = srcs[i].line
				}
				raw, err := nodeValue(nodes[i].YNode())
				if err != nil {
					errs[k] = fmt.Errorf("%s:%d: %w", srcs[i].file, line, err)
					continue
				}
				objs[k], errs[k] = policies.NewObject(srcs[i].file, line, k, raw)
			}
		})
	}
	wg.Wait()
	return objs, errors.Join(errs...)
}

// nodeValue is what yaml.v3's Decode into an `any` gives for n, built without
// reflection where that is plain: mappings with string keys, sequences and string
// scalars are converted directly, other scalars decoded one by one, and a mapping with
// an alias, a merge key, a non-string key or a key given twice is decoded as a whole.
func nodeValue(n *yaml.Node) (any, error) {
	if v, ok, err := plainValue(n); ok || err != nil {
		return v, err
	}
	var v any
	err := n.Decode(&v)
	return v, err
}

// plainValue converts n directly; ok is false when n needs the general decoder.
func plainValue(n *yaml.Node) (v any, ok bool, err error) {
	switch n.Kind {
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind != yaml.ScalarNode || k.ShortTag() != yaml.NodeTagString {
				return nil, false, nil
			}
			if _, dup := m[k.Value]; dup {
				return nil, false, nil
			}
			if m[k.Value], ok, err = plainValue(n.Content[i+1]); !ok || err != nil {
				return nil, ok, err
			}
		}
		return m, true, nil
	case yaml.SequenceNode:
		l := make([]any, len(n.Content))
		for i, c := range n.Content {
			if l[i], ok, err = plainValue(c); !ok || err != nil {
				return nil, ok, err
			}
		}
		return l, true, nil
	case yaml.ScalarNode:
		if n.ShortTag() == yaml.NodeTagString {
			return n.Value, true, nil
		}
		err := n.Decode(&v)
		return v, err == nil, err
	}
	return nil, false, nil // aliases
}

// denial is the exit-1 error of a denied stream: every finding no exception covers (the
// warnings too, as a denied render lists them), then a summary.
type denial struct{ r *policies.Report }

func (d denial) Error() string {
	return fmt.Sprintf("%s\npolicy gate (%s) denied the stream: %d finding(s) deny", policies.Diagnostics(d.r.Findings), d.r.Level, d.r.Deny)
}

// source is where an object came from in Helm's output: the chart template (Helm 4's
// filename annotation or Helm 3's "# Source:" comment) and its line in stdin.
type source struct {
	file string
	line int
}

func sourceOf(n *yaml.RNode) source {
	s := source{file: "stdin", line: n.YNode().Line}
	if f := n.GetAnnotations()[kustomize.HelmPostRenderFilenameAnnotation]; f != "" {
		s.file = f
		return s
	}
	y := n.YNode()
	comments := y.HeadComment
	if len(y.Content) > 0 {
		comments += "\n" + y.Content[0].HeadComment // yaml.v3 puts it on the first key
	}
	for _, l := range strings.Split(comments, "\n") {
		if f, ok := strings.CutPrefix(strings.TrimSpace(l), "# Source: "); ok {
			s.file = strings.TrimSpace(f)
		}
	}
	return s
}

// checkObject requires apiVersion, kind and metadata.name: Helm cannot install
// anything less, and failing here keeps the message located.
func checkObject(n *yaml.RNode) error {
	m, err := n.GetMeta()
	if err != nil && !errors.Is(err, yaml.ErrMissingMetadata) {
		return err
	}
	switch {
	case m.APIVersion == "":
		return errors.New("object has no apiVersion")
	case m.Kind == "":
		return errors.New("object has no kind")
	case m.Name == "" && scalar(mapValue(mapValue(n.YNode(), "metadata"), "generateName")) == "":
		return fmt.Errorf("%s has no metadata.name", m.Kind)
	}
	return nil
}

// isCustom reports whether n is a CustomResourceDefinition or a custom resource: an
// apiVersion group with a dot that is not a Kubernetes (*.k8s.io) group.
func isCustom(n *yaml.RNode) bool {
	m, _ := n.GetMeta()
	if m.Kind == "CustomResourceDefinition" {
		return true
	}
	group, _, ok := strings.Cut(m.APIVersion, "/")
	if !ok {
		return false // core v1
	}
	return strings.Contains(group, ".") && !strings.HasSuffix(group, ".k8s.io")
}
