package policies

import (
	"context"
	"crypto/sha256"
	"fmt"
	"sync"

	"github.com/floe-dev/floe/config"
	"github.com/floe-dev/floe/diag"
)

// Engines holds floe's built-in policies, compiled once, and an engine per distinct set
// of contract bundle files, each compiled once: a process rendering many products
// (render --all, the Argo CD plugin) compiles each platform's bundles once. Safe for
// concurrent use.
type Engines struct {
	base *Engine

	mu      sync.Mutex
	bundled map[[32]byte]*Engine
}

// NewEngines compiles the built-in policies.
func NewEngines(ctx context.Context) (*Engines, error) {
	e, err := New(ctx, Options{})
	if err != nil {
		return nil, fmt.Errorf("policy gate: %w", err)
	}
	return &Engines{base: e, bundled: map[[32]byte]*Engine{}}, nil
}

// For is the engine for the contract's policy.bundles (the built-in one without), read
// inside root. Bundle problems are usage errors naming the contract.
func (es *Engines) For(ctx context.Context, root config.Root, c *config.Contract) (*Engine, error) {
	if c.Policy == nil || len(c.Policy.Bundles) == 0 {
		return es.base, nil
	}
	mods, err := ContractBundles(root, c)
	if err != nil {
		return nil, diag.Usage(err)
	}
	h := sha256.New()
	for _, m := range mods {
		fmt.Fprintf(h, "%d:%s%d:", len(m.Path), m.Path, len(m.Source))
		h.Write(m.Source)
	}
	var key [32]byte
	copy(key[:], h.Sum(nil))
	es.mu.Lock()
	defer es.mu.Unlock()
	if e, ok := es.bundled[key]; ok {
		return e, nil
	}
	e, err := compileContract(ctx, c, mods)
	if err != nil {
		return nil, err
	}
	es.bundled[key] = e
	return e, nil
}

// contractEngine compiles the built-in policies with the contract's bundles, read
// inside root.
func contractEngine(ctx context.Context, root config.Root, c *config.Contract) (*Engine, error) {
	mods, err := ContractBundles(root, c)
	if err != nil {
		return nil, diag.Usage(err)
	}
	return compileContract(ctx, c, mods)
}

func compileContract(ctx context.Context, c *config.Contract, mods []Module) (*Engine, error) {
	e, err := New(ctx, Options{ExtraBundles: mods})
	if err != nil {
		return nil, diag.Usage(fmt.Errorf("%s: policy.bundles: %w", sourcePath(c), err))
	}
	return e, nil
}
