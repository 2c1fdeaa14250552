package policies

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/floe-dev/floe/config"
	"github.com/floe-dev/floe/diag"
	"github.com/floe-dev/floe/wiring"
)

// Checker is a compiled policy set: *Engine, or *Compiling while it compiles.
type Checker interface {
	Check(ctx context.Context, objs []Object, p Params) ([]Finding, error)
	Rules() []Rule
}

var (
	_ Checker = (*Engine)(nil)
	_ Checker = (*Compiling)(nil)
)

// GateConfig is everything a door knows when it builds the policy gate. Every door
// (render, diff, argocd generate, post-render, check) builds it with NewGate, so the
// level, the exceptions, the known rules, the bundles and the parameters are worked
// out in one place.
type GateConfig struct {
	Contract *config.Contract // required
	Manifest *config.Manifest // the contract's platform Manifest; nil: platform defaults
	Product  *config.FloeSpec // nil: no product (the product-specific checks are off)
	// Level raises the Manifest/contract level (--enforcement); "" keeps it.
	Level string
	// Now is the clock: exceptions expire relative to it and the policies read it.
	Now time.Time
	// Root is where the contract's policy.bundles are read when Engine is nil.
	Root config.Root
	// Engine, when set, is a compiled policy set already holding the contract's
	// bundles (Engines.For's, post-render's background compile).
	Engine Checker

	// Governance also runs Floe's compile-time rules (POL-GOV) on Product's
	// transforms: the doors that render the product.
	Governance bool
	// Chart judges a third-party chart (post-render): Helm places its objects at
	// install time and its images and service account are the chart's, so the
	// contract's namespace, service account, registry and tag policy, and the
	// product's version and schedule, are not expected of them.
	Chart bool
	// EgressPorts are the ports the product NetworkPolicy must admit; nil without
	// network policies.
	EgressPorts []int
}

// NewGate assembles the gate: the effective level (ContractLevel), the contract's
// exceptions validated against every rule that can report (the engine's, the
// contract's bundles', the governance rules), and the parameters. Input problems are
// usage errors (exit 2).
func NewGate(ctx context.Context, cfg GateConfig) (*Gate, error) {
	c := cfg.Contract
	if c == nil {
		return nil, fmt.Errorf("policy gate: a contract is required")
	}
	level, err := ContractLevel(c, cfg.Manifest, cfg.Level)
	if err != nil {
		return nil, diag.Usage(err)
	}
	engine := cfg.Engine
	if engine == nil {
		e, err := contractEngine(ctx, cfg.Root, c)
		if err != nil {
			return nil, err
		}
		engine = e
	}
	if compiling, ok := engine.(*Compiling); ok {
		if _, err := compiling.Wait(ctx); err != nil { // the contract's bundles do not compile
			return nil, diag.Usage(err)
		}
	}
	g := &Gate{Level: level, Exceptions: ContractExceptions(c), Now: cfg.Now,
		engine: engine, rules: engine.Rules(), params: GateParams(cfg)}
	// An exception may name any rule floe has, the governance ones included, whichever
	// door reads the contract; the report lists the rules that could report here.
	known := map[string]bool{}
	for _, r := range append(g.rules, GovernanceRules...) {
		known[r.ID] = true
	}
	if err := g.Validate(known); err != nil {
		return nil, diag.Usage(err)
	}
	if cfg.Governance {
		g.rules = append(g.rules, GovernanceRules...)
		g.governance = Governance(cfg.Manifest, cfg.Product)
	}
	return g, nil
}

// GateParams derives the parameters the policies compare against, once for every door:
// the contract's (ContractParams), the lineage setting as the telemetry wiring has it,
// the product's identity and schedule, and the clock.
func GateParams(cfg GateConfig) Params {
	c := cfg.Contract
	p := ContractParams(c)
	p.Now = cfg.Now
	p.LineageEnabled = wiring.ForPlatform(c, cfg.Manifest).Lineage
	if fs := cfg.Product; fs != nil {
		pr := wiring.ForProduct(fs, cfg.Manifest)
		p.Product, p.ProductVersion, p.Mode, p.LineageNamespace = pr.Name, pr.Version, pr.Mode, pr.LineageNamespace
		if s := fs.Schedule; s != nil && s.Cron != "" {
			p.Schedule = &Schedule{Timezone: s.TZ(), Enabled: s.ScheduleEnabled()}
		}
	}
	if cfg.EgressPorts != nil {
		p.NetworkPolicy = &NetworkPolicy{EgressPorts: cfg.EgressPorts}
	}
	if cfg.Chart {
		p.Namespace, p.ServiceAccount, p.Registry, p.TagPolicy = "", "", "", ""
		p.ProductVersion, p.Schedule = "", nil
		p.Chart = true
	}
	return p
}

func sourcePath(c *config.Contract) string {
	if c.Source == nil {
		return "contract"
	}
	return c.Source.Path
}

// Params are the parameters the gate checks with.
func (g *Gate) Params() Params { return g.params }

// Rules are every rule that can report through the gate, sorted by ID.
func (g *Gate) Rules() []Rule {
	rules := append(append([]Rule(nil), g.rules...), ExpiredRule)
	sortRules(rules)
	return rules
}

// Part is a share of a stream checked with its own parameters: post-render judges each
// code location with its product's parameters and the platform's components with the
// platform's (D-PR-06).
type Part struct {
	Objects []Object
	Params  Params
}

// RunParts is Run over a stream checked in parts, each with its parameters (the clock
// is the gate's): the parts are evaluated concurrently and their findings gathered
// into one report, the level and the exceptions applied once.
func (g *Gate) RunParts(ctx context.Context, parts []Part) (*Report, error) {
	if Effective(g.Level) == LevelOff {
		rep := g.Apply(nil, g.rules)
		return &rep, nil
	}
	found := make([][]Finding, len(parts))
	errs := make([]error, len(parts))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(parts)) {
		wg.Go(func() {
			for k := range next {
				p := parts[k].Params
				p.Now = g.params.Now
				// As in Run: the Dagster runs a part's code servers launch are judged with it.
				objs := parts[k].Objects
				runs, err := DagsterRuns(objs)
				if err != nil {
					errs[k] = err
					continue
				}
				found[k], errs[k] = g.engine.Check(ctx, append(objs[:len(objs):len(objs)], runs...), p)
			}
		})
	}
	for k := range parts {
		next <- k
	}
	close(next)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	var raw []Finding
	for _, fs := range found {
		raw = append(raw, fs...)
	}
	SortFindings(raw)
	raw = append(raw, g.governance...)
	rep := g.Apply(raw, g.rules)
	return &rep, nil
}

// Run is the whole gate in one call: nothing is evaluated at level off; otherwise the
// engine checks objs and the Dagster run pods they launch (DagsterRuns), the governance
// findings join, and the gate applies the level and
// the exceptions (judged at the gate's Now).
func (g *Gate) Run(ctx context.Context, objs []Object) (*Report, error) {
	if Effective(g.Level) == LevelOff {
		rep := g.Apply(nil, g.rules)
		return &rep, nil
	}
	// D-GATE-08: what Dagster launches from the stream's code servers is judged with it.
	runs, err := DagsterRuns(objs)
	if err != nil {
		return nil, err
	}
	raw, err := g.engine.Check(ctx, append(objs[:len(objs):len(objs)], runs...), g.params)
	if err != nil {
		return nil, err
	}
	raw = append(raw, g.governance...)
	rep := g.Apply(raw, g.rules)
	return &rep, nil
}
