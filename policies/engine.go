package policies

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/floe-dev/floe/diag"
)

// Severity of a rule or finding.
const (
	Deny = "deny" // fails the gate at level strict
	Warn = "warn" // reported, never fails the gate
)

// Rule is one policy's metadata, read from its package's `rules` object.
type Rule struct {
	ID          string // e.g. POL-SEC-04
	Title       string
	Severity    string // Deny or Warn: the default severity of its findings
	Remediation string
	Package     string // rego package, e.g. floe.rootfs
}

// Finding is one rule violated by one object.
//
// Its JSON is the render evidence's policy findings: the rule's title and remediation
// and the exception's reason stay out (the rules list has them).
type Finding struct {
	Rule            string `json:"rule"`
	Title           string `json:"-"`
	Severity        string `json:"severity"` // Deny or Warn (after the gate's level: Warn at level warn)
	Resource        string `json:"resource"` // Kind/name
	Namespace       string `json:"namespace,omitempty"`
	File            string `json:"file,omitempty"` // "(rendered)": the output stream; or the contract
	Line            int    `json:"line,omitempty"`
	Message         string `json:"message"` // never contains a secret value
	Remediation     string `json:"-"`
	Excepted        bool   `json:"excepted"` // a live contract exception covers it; not counted
	ExceptionReason string `json:"-"`        // the exception's reason when Excepted
}

// Params are the expected values the policies compare against (data.floe.params).
// An empty field switches off the checks that need it.
type Params struct {
	Namespace        string    `json:"namespace"`      // contract environment.kubernetes.namespace
	ServiceAccount   string    `json:"serviceAccount"` // contract access.serviceAccount
	Registry         string    `json:"registry"`       // contract runtime.artifactRegistry
	TagPolicy        string    `json:"tagPolicy"`      // contract runtime.imageTagPolicy
	Environment      string    `json:"environment"`    // contract environment.name
	Product          string    `json:"product"`        // floe.yaml metadata.name
	ProductVersion   string    `json:"productVersion"` // floe.yaml metadata.version
	Mode             string    `json:"mode"`           // simple | centralized | mesh
	LineageEnabled   bool      `json:"lineageEnabled"`
	LineageNamespace string    `json:"lineageNamespace"`
	Schedule         *Schedule `json:"schedule,omitempty"` // the product's schedule, when it has one
	// Chart is set when the objects are a chart's (post-render): its
	// app.kubernetes.io/instance is the Helm release, not the product (D-GATE-09).
	Chart bool `json:"chart,omitempty"`
	// Platform is set when the objects are the platform's own workloads (post-render's
	// platform components), which belong to no product (D-GATE-10).
	Platform bool `json:"platform,omitempty"`
	// NetworkPolicy is set when the Manifest enables network policies (D-RND-18).
	NetworkPolicy *NetworkPolicy `json:"networkPolicy,omitempty"`
	// Now is the render time: the evaluation's clock, which time.now_ns() (and
	// io.jwt.decode_verify) read in every rule, built-in or bundled. Zero reads as the
	// Unix epoch, never as the host's clock. It is not part of data.floe.params.
	Now time.Time `json:"-"`
}

// NetworkPolicy is what POL-NET-02 expects of the product NetworkPolicy.
type NetworkPolicy struct {
	EgressPorts []int `json:"egressPorts"` // every port its egress must admit
}

// Schedule is the product schedule POL-CJ-01 compares CronJobs with.
type Schedule struct {
	Timezone string `json:"timezone"`
	Enabled  bool   `json:"enabled"`
}

// Options configure an Engine.
type Options struct {
	// ExtraBundles are platform policy modules (contract policy.bundles), read by the
	// caller through the root (ContractBundles). `*_test.rego` files among them are
	// ignored. They are compiled with Capabilities: a call of any other builtin is
	// refused, located, before the compile.
	ExtraBundles []Module
	// Timeout bounds one Check, all its evaluations together, and separately the
	// compile of ExtraBundles; 0 means DefaultTimeout. Exceeding it is an ErrTimeLimit
	// error.
	Timeout time.Duration
	// MaxFindings bounds the findings of one Check, and MaxMessageBytes the bytes of
	// their messages; 0 means DefaultMaxFindings, DefaultMaxMessageBytes. Exceeding
	// either is an ErrResultLimit error.
	MaxFindings     int
	MaxMessageBytes int
}

// Engine is the compiled policy set: build it once per process with New, then Check
// any number of streams (safe for concurrent use).
type Engine struct {
	whole     rego.PreparedEvalQuery // every package, over the whole stream
	byPackage rego.PreparedEvalQuery // the packages named in input.packages
	isSplit   bool                   // byPackage is prepared: Check may split the stream
	rules     map[string]Rule
	order     []Rule

	splitPkgs, wholePkgs *ast.Term // package names without "floe.", for input.packages
	hasWhole             bool      // some packages must see the whole stream

	limits limits
	what   string // "evaluating policies", naming the contract's bundles when there are any
}

// violationQuery gathers every violation of every floe.* package in one evaluation, and
// packagesQuery those of the packages named in input.packages; both mount the
// parameters of the check at data.floe.params.
const (
	violationQuery = `vs := [[pkg, v] | v := data.floe[pkg].violation[_]] with data.floe.params as input.params`
	packagesQuery  = `vs := [[pkg, v] | some pkg in input.packages; v := data.floe[pkg].violation[_]] with data.floe.params as input.params`
)

// chunkSize is the smallest part of a stream the per-object packages are evaluated on
// by a goroutine of their own.
const chunkSize = 64

const rulesQuery = `r := data.floe[pkg].rules[id]`

var ruleID = regexp.MustCompile(`^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$`)

// New compiles the built-in policies and opts.ExtraBundles and reads the rule metadata.
// Without ExtraBundles it returns the process's one built-in Engine (see Prepare),
// compiled on first use (with opts' bounds when it sets any). The compile of
// ExtraBundles stops at opts.Timeout or when ctx ends.
func New(ctx context.Context, opts Options) (*Engine, error) {
	if len(opts.ExtraBundles) == 0 {
		e, err := builtinEngine()
		if err != nil || opts.hasDefaultLimits() {
			return e, err
		}
		bounded := *e
		bounded.limits = opts.limits()
		return &bounded, nil
	}
	return compileBounded(ctx, opts)
}

// compileBounded compiles as compile does, but returns when ctx ends or opts.Timeout
// passes, whichever comes first (OPA's compiler cannot be interrupted: a compile that
// is abandoned finishes in the background, its result unused).
func compileBounded(ctx context.Context, opts Options) (*Engine, error) {
	timeout := opts.limits().timeout
	bounded, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	type result struct {
		e   *Engine
		err error
	}
	done := make(chan result, 1)
	go func() {
		e, err := compile(bounded, opts)
		done <- result{e, err}
	}()
	select {
	case r := <-done:
		if r.err != nil {
			if err := timeLimit("compiling policies", ctx, bounded, timeout); err != nil {
				return nil, err
			}
		}
		return r.e, r.err
	case <-bounded.Done():
		return nil, timeLimit("compiling policies", ctx, bounded, timeout)
	}
}

// builtinEngine compiles the built-in policies once per process.
var builtinEngine = sync.OnceValues(func() (*Engine, error) {
	return compile(context.Background(), Options{})
})

// Prepare starts compiling the built-in policies in the background, at most once per
// process; New without ExtraBundles returns that Engine, waiting for the compile if it
// is still running. A fresh process that will run the gate calls it as early as it can
// (internal/warm does, during package initialization), so that the compile overlaps
// everything else the process does first.
func Prepare() { go builtinEngine() } // New reports any error

// Compiling is an Engine being compiled in the background (Start). Its Check and Rules
// wait for the compile, so it can stand in for the Engine before the compile is done.
type Compiling struct {
	done chan struct{}
	e    *Engine
	err  error
}

// Start compiles an Engine as New does, in the background, and returns at once: a
// command starts the compile first and does its other work meanwhile.
func Start(ctx context.Context, opts Options) *Compiling {
	c := &Compiling{done: make(chan struct{})}
	go func() {
		defer close(c.done)
		c.e, c.err = New(ctx, opts)
	}()
	return c
}

// Wait returns the compiled Engine, or the compile's error.
func (c *Compiling) Wait(ctx context.Context) (*Engine, error) {
	select {
	case <-c.done:
		return c.e, c.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Check waits for the compile and checks objs (Engine.Check), or returns the compile's
// error.
func (c *Compiling) Check(ctx context.Context, objs []Object, p Params) ([]Finding, error) {
	e, err := c.Wait(ctx)
	if err != nil {
		return nil, err
	}
	return e.Check(ctx, objs, p)
}

// Rules waits for the compile and returns the rules; none when the compile failed
// (Wait and Check report why).
func (c *Compiling) Rules() []Rule {
	<-c.done
	if c.err != nil {
		return nil
	}
	return c.e.Rules()
}

func compile(ctx context.Context, opts Options) (*Engine, error) {
	modules := map[string]*ast.Module{}
	builtin := Builtin()
	bundleTerms := 0
	for k, m := range append(builtin, opts.ExtraBundles...) {
		if isTest(m.Path) {
			continue
		}
		if _, dup := modules[m.Path]; dup {
			return nil, fmt.Errorf("policy %s: given twice", m.Path)
		}
		var mod *ast.Module
		var err error
		if k < len(builtin) {
			if mod, err = ast.ParseModuleWithOpts(m.Path, string(m.Source), parseOptions()); err != nil {
				err = fmt.Errorf("policy %w", err)
			}
		} else {
			var terms int
			mod, terms, err = parseBundle(m)
			if bundleTerms += terms; err == nil && bundleTerms > maxBundleTerms {
				err = fmt.Errorf("policy %s: the policy bundles have more than %d terms in all", m.Path, maxBundleTerms)
			}
		}
		if err != nil {
			return nil, err
		}
		modules[m.Path] = mod
	}
	if err := checkPackages(modules); err != nil {
		return nil, err
	}
	compiler := ast.NewCompiler().WithCapabilities(Capabilities())
	compiler.Compile(modules)
	if compiler.Failed() {
		return nil, fmt.Errorf("compiling policies: %w", compiler.Errors)
	}
	e := &Engine{rules: map[string]Rule{}, limits: opts.limits(), what: evaluating(opts.ExtraBundles)}
	if err := e.readRules(ctx, compiler); err != nil {
		return nil, err
	}
	var err error
	if e.whole, err = prepare(ctx, compiler, violationQuery); err != nil {
		return nil, err
	}
	// The built-in packages judge each object on its own (floe.lib says so), so they
	// can be evaluated on parts of a stream in parallel, unless a contract bundle adds
	// to one of their packages. Bundles' own packages, and built-in ones that declare
	// whole_stream, always see the whole stream.
	if !extendsBuiltin(opts.ExtraBundles) {
		if e.byPackage, err = prepare(ctx, compiler, packagesQuery); err != nil {
			return nil, err
		}
		e.isSplit = true
	}
	whole := map[string]bool{}
	for _, m := range modules {
		for _, r := range m.Rules {
			if ruleName(r) == "whole_stream" {
				whole[strings.TrimPrefix(m.Package.Path.String(), "data.")] = true
			}
		}
	}
	var split, rest []*ast.Term
	seen := map[string]bool{}
	for _, path := range slices.Sorted(maps.Keys(modules)) {
		pkg := modules[path].Package.Path
		name := strings.TrimPrefix(pkg.String(), "data.")
		if len(pkg) != 3 || pkg[1].Value.Compare(ast.String("floe")) != 0 || seen[name] {
			continue // not floe.<concern>, whose violations are read, or already listed
		}
		seen[name] = true
		if t := ast.StringTerm(strings.TrimPrefix(name, "floe.")); builtinPackages()[name] && !whole[name] {
			split = append(split, t)
		} else {
			rest = append(rest, t)
		}
	}
	e.splitPkgs, e.wholePkgs, e.hasWhole = ast.ArrayTerm(split...), ast.ArrayTerm(rest...), len(rest) > 0
	return e, nil
}

func prepare(ctx context.Context, compiler *ast.Compiler, query string) (rego.PreparedEvalQuery, error) {
	q, err := rego.New(rego.Compiler(compiler), rego.Capabilities(Capabilities()), rego.Query(query), rego.StrictBuiltinErrors(false)).PrepareForEval(ctx)
	if err != nil {
		return q, fmt.Errorf("preparing the policy query: %w", err)
	}
	return q, nil
}

// builtinPackages are the packages of the built-in policies: "floe.labels", ….
var builtinPackages = sync.OnceValue(func() map[string]bool {
	pkgs := map[string]bool{}
	for _, m := range Builtin() {
		if mod, err := ast.ParsePackage(packageLine(m.Source)); err == nil {
			pkgs[strings.TrimPrefix(mod.Path.String(), "data.")] = true
		}
	}
	return pkgs
})

// packageLine is the first line of src starting with "package ".
func packageLine(src []byte) string {
	for line := range strings.Lines(string(src)) {
		if strings.HasPrefix(line, "package ") {
			return line
		}
	}
	return ""
}

// extendsBuiltin reports whether a bundle module declares a package of the built-in
// policies (floe.lib included), whose rules would then not all be floe's.
func extendsBuiltin(bundles []Module) bool {
	for _, m := range bundles {
		if isTest(m.Path) {
			continue
		}
		if pkg, err := ast.ParsePackage(packageLine(m.Source)); err != nil || builtinPackages()[strings.TrimPrefix(pkg.Path.String(), "data.")] {
			return true
		}
	}
	return false
}

// queried are the rule names the engine reads; only packages floe.<concern> are queried.
var queried = map[string]bool{"violation": true, "rules": true}

// checkPackages refuses modules whose violations would never be evaluated: a rule named
// violation or rules outside a package floe.<concern>, or a package floe.params (the
// path the engine mounts the parameters at). Helper packages of any name are fine.
func checkPackages(modules map[string]*ast.Module) error {
	var errs []error
	for _, path := range slices.Sorted(maps.Keys(modules)) {
		m := modules[path]
		pkg := m.Package.Path // data.floe.x
		name := strings.TrimPrefix(pkg.String(), "data.")
		if name == "floe.params" {
			errs = append(errs, fmt.Errorf("policy %s: package floe.params is reserved for the check's parameters", path))
			continue
		}
		inFloe := len(pkg) == 3 && pkg[1].Value.Compare(ast.String("floe")) == 0
		if inFloe {
			continue
		}
		for _, r := range m.Rules {
			if rn := ruleName(r); queried[rn] {
				errs = append(errs, fmt.Errorf("policy %s: package %s declares %q, which floe never evaluates there; use package floe.<concern>", path, name, rn))
				break
			}
		}
	}
	return errors.Join(errs...)
}

// ruleName is the first segment of a rule's head: violation for `violation contains …`.
func ruleName(r *ast.Rule) string {
	if ref := r.Head.Ref(); len(ref) > 0 {
		if v, ok := ref[0].Value.(ast.Var); ok {
			return string(v)
		}
	}
	return ""
}

// readRules reads the rules' metadata, with the clock at the epoch: a compiled Engine
// serves renders at any time.
func (e *Engine) readRules(ctx context.Context, compiler *ast.Compiler) error {
	q, err := prepare(ctx, compiler, rulesQuery)
	if err != nil {
		return err
	}
	rs, err := q.Eval(ctx, rego.EvalTime(epoch))
	if err != nil {
		return evalError("reading rule metadata", "reading rule metadata", err)
	}
	if len(rs) > e.limits.maxFindings {
		return diag.Usage(fmt.Errorf("reading rule metadata: %w: more than %d rules", ErrResultLimit, e.limits.maxFindings))
	}
	var errs []error
	for _, r := range rs {
		pkg, _ := r.Bindings["pkg"].(string)
		id, _ := r.Bindings["id"].(string)
		meta, _ := r.Bindings["r"].(map[string]any)
		rule := Rule{ID: id, Package: "floe." + pkg}
		rule.Title, _ = meta["title"].(string)
		rule.Severity, _ = meta["severity"].(string)
		rule.Remediation, _ = meta["remediation"].(string)
		switch {
		case !ruleID.MatchString(id):
			errs = append(errs, fmt.Errorf("package %s: rule ID %q is not like POL-SEC-01", rule.Package, id))
		case rule.Title == "" || rule.Remediation == "":
			errs = append(errs, fmt.Errorf("package %s: rule %s needs a title and a remediation", rule.Package, id))
		case rule.Severity != Deny && rule.Severity != Warn:
			errs = append(errs, fmt.Errorf("package %s: rule %s: severity %q is not deny or warn", rule.Package, id, rule.Severity))
		}
		if prev, dup := e.rules[id]; dup {
			errs = append(errs, fmt.Errorf("rule %s is declared by both %s and %s", id, prev.Package, rule.Package))
			continue
		}
		e.rules[id] = rule
	}
	if len(e.rules) == 0 {
		errs = append(errs, errors.New("no policy rules found (packages floe.* declare rules[ID])"))
	}
	for _, r := range e.rules {
		e.order = append(e.order, r)
	}
	sortRules(e.order)
	return errors.Join(errs...)
}

// Rules returns every rule's metadata, sorted by ID.
func (e *Engine) Rules() []Rule { return append([]Rule(nil), e.order...) }

// Rule returns the metadata of one rule.
func (e *Engine) Rule(id string) (Rule, bool) { r, ok := e.rules[id]; return r, ok }

// Check evaluates every policy over the stream and returns the raw findings (each with
// its rule's severity, none excepted), sorted by file, line, rule.
//
// On a large stream the built-in packages are evaluated on parts of it in parallel
// (GOMAXPROCS parts of at least chunkSize objects), and any contract bundle's packages
// and built-in ones declaring whole_stream on the whole; the findings are the same as
// from one evaluation.
//
// Every rule sees p.Now as the time. The evaluations stop at the Engine's time limit
// (ErrTimeLimit), and more findings or message bytes than its limits are an error
// (ErrResultLimit): a Check that cannot finish fails, it never passes.
func (e *Engine) Check(ctx context.Context, objs []Object, p Params) ([]Finding, error) {
	items, err := inputItems(objs)
	if err != nil {
		return nil, err
	}
	params, err := paramsTerm(p)
	if err != nil {
		return nil, err
	}
	bounded, cancel := context.WithTimeout(ctx, e.limits.timeout)
	defer cancel()
	fs, err := e.findings(bounded, e.evaluations(items), params, objs, evalTime(p.Now))
	if err != nil {
		if lerr := timeLimit(e.what, ctx, bounded, e.limits.timeout); lerr != nil {
			return nil, lerr
		}
		return nil, err
	}
	return fs, nil
}

// evaluations plans the queries of one Check over items: one over the whole stream, or
// on a large stream the split packages on parts of it and the whole-stream packages on
// all of it.
func (e *Engine) evaluations(items []*ast.Term) []evaluation {
	parts := 1
	if e.isSplit {
		parts = max(1, min(runtime.GOMAXPROCS(0), len(items)/chunkSize))
	}
	if parts == 1 {
		return []evaluation{{query: e.whole, items: items}}
	}
	var evals []evaluation
	if e.hasWhole {
		evals = append(evals, evaluation{query: e.byPackage, items: items, packages: e.wholePkgs})
	}
	for k := range parts {
		lo, hi := k*len(items)/parts, (k+1)*len(items)/parts
		evals = append(evals, evaluation{query: e.byPackage, items: items[lo:hi], offset: lo, packages: e.splitPkgs})
	}
	return evals
}

// evaluation is one query over items (objects offset… of the stream), limited to
// packages when the list is not nil.
type evaluation struct {
	query    rego.PreparedEvalQuery
	items    []*ast.Term
	offset   int
	packages *ast.Term
}

// findings runs the evaluations concurrently, at time now, and gathers their findings,
// deduplicated and sorted, within the Engine's result limits.
func (e *Engine) findings(ctx context.Context, evals []evaluation, params *ast.Term, objs []Object, now time.Time) ([]Finding, error) {
	results := make([][]any, len(evals))
	errs := make([]error, len(evals))
	var wg sync.WaitGroup
	for k, ev := range evals {
		wg.Go(func() {
			fields := [][2]*ast.Term{
				ast.Item(ast.StringTerm("objects"), ast.ArrayTerm(ev.items...)),
				ast.Item(ast.StringTerm("params"), params),
			}
			if ev.packages != nil {
				fields = append(fields, ast.Item(ast.StringTerm("packages"), ev.packages))
			}
			rs, err := ev.query.Eval(ctx, rego.EvalParsedInput(ast.NewObject(fields...)), rego.EvalTime(now))
			switch {
			case err != nil:
				errs[k] = evalError("evaluating policies", e.what, err)
			case len(rs) != 1:
				errs[k] = fmt.Errorf("evaluating policies: %d results, want 1", len(rs))
			default:
				results[k], _ = rs[0].Bindings["vs"].([]any)
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	n := 0
	for _, vs := range results {
		n += len(vs)
	}
	if n > e.limits.maxFindings {
		return nil, diag.Usage(fmt.Errorf("%s: %w: %d findings, more than %d", e.what, ErrResultLimit, n, e.limits.maxFindings))
	}
	seen := map[Finding]bool{}
	var out []Finding
	size := 0
	for k, vs := range results {
		for _, pv := range vs {
			f, err := e.finding(pv, objs, evals[k].offset, len(evals[k].items))
			if err != nil {
				return nil, err
			}
			if size += len(f.Message); size > e.limits.maxMessageBytes {
				return nil, diag.Usage(fmt.Errorf("%s: %w: the findings' messages exceed %d bytes", e.what, ErrResultLimit, e.limits.maxMessageBytes))
			}
			if !seen[f] {
				seen[f] = true
				out = append(out, f)
			}
		}
	}
	if out == nil {
		out = []Finding{}
	}
	SortFindings(out)
	return out, nil
}

func (e *Engine) finding(pv any, objs []Object, offset, n int) (Finding, error) {
	pair, _ := pv.([]any)
	if len(pair) != 2 {
		return Finding{}, fmt.Errorf("evaluating policies: malformed result %v", pv)
	}
	pkg, _ := pair[0].(string)
	v, _ := pair[1].(map[string]any)
	id, _ := v["rule"].(string)
	msg, _ := v["msg"].(string)
	rule, ok := e.rules[id]
	if !ok {
		return Finding{}, fmt.Errorf("policy package floe.%s: violation of undeclared rule %q", pkg, id)
	}
	num, ok := v["i"].(json.Number)
	i, err := num.Int64()
	if !ok || err != nil || i < 0 || int(i) >= n {
		return Finding{}, fmt.Errorf("policy package floe.%s: rule %s: violation has no valid object index \"i\"", pkg, id)
	}
	i += int64(offset)
	if msg == "" {
		return Finding{}, fmt.Errorf("policy package floe.%s: rule %s: violation has no message \"msg\"", pkg, id)
	}
	sev := rule.Severity
	if s, ok := v["severity"].(string); ok {
		if s != Deny && s != Warn {
			return Finding{}, fmt.Errorf("policy package floe.%s: rule %s: severity %q is not deny or warn", pkg, id, s)
		}
		sev = s
	}
	o := objs[i]
	if o.Origin != "" {
		msg = o.Origin + ": " + msg
	}
	return Finding{
		Rule: id, Title: rule.Title, Severity: sev, Remediation: rule.Remediation,
		Resource: o.Resource(), Namespace: o.Namespace(), File: o.File, Line: o.Line,
		Message: msg,
	}, nil
}

// SortFindings orders findings by file, line, rule, resource and message.
func SortFindings(fs []Finding) {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Rule, b.Rule),
			cmp.Compare(a.Resource, b.Resource), cmp.Compare(a.Message, b.Message))
	})
}

// inputItems converts the objects to the rego input's objects, {object, file, line,
// doc} each. Objects are converted in parallel: on a large stream the conversion costs
// about a third of the evaluation.
func inputItems(objs []Object) ([]*ast.Term, error) {
	items := make([]*ast.Term, len(objs))
	errs := make([]error, len(objs))
	workers := min(runtime.GOMAXPROCS(0), max(1, len(objs)/256))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(objs); i += workers {
				o := objs[i]
				v, err := ast.InterfaceToValue(o.Value)
				if err != nil {
					errs[i] = fmt.Errorf("%s: %s: %w", location(o), o.Resource(), err)
					continue
				}
				items[i] = ast.ObjectTerm(
					ast.Item(ast.StringTerm("object"), ast.NewTerm(v)),
					ast.Item(ast.StringTerm("file"), ast.StringTerm(o.File)),
					ast.Item(ast.StringTerm("line"), ast.IntNumberTerm(o.Line)),
					ast.Item(ast.StringTerm("doc"), ast.IntNumberTerm(o.Doc)),
				)
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return items, nil
}

// paramsTerm is p as the rego input's params.
func paramsTerm(p Params) (*ast.Term, error) {
	pj, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	var pm map[string]any
	if err := json.Unmarshal(pj, &pm); err != nil {
		return nil, err
	}
	pv, err := ast.InterfaceToValue(pm)
	if err != nil {
		return nil, err
	}
	return ast.NewTerm(pv), nil
}

func location(o Object) string {
	if o.Line > 0 {
		return fmt.Sprintf("%s:%d", o.File, o.Line)
	}
	return o.File
}

func sortRules(rs []Rule) { sort.Slice(rs, func(i, j int) bool { return rs[i].ID < rs[j].ID }) }
