package render

import (
	"sync"

	"github.com/floe-dev/floe/config"
)

// cachedRoot is a read-through cache over a Root shared by the renders of one batch:
// the contract, the Manifest (and its parents), overlays and policy bundles are read
// from disk once however many products use them. Results, errors included, are kept for
// the batch's lifetime, so every product sees the same snapshot of the shared files.
type cachedRoot struct {
	config.Root
	files onceMap[[]byte]
	stats onceMap[bool]
	dirs  onceMap[[]string]
	// contractReads are the overlay and bundle reads of a contract (readset.go).
	contractReads onceMap[[]Read]
}

// NewCachedRoot is a read-through cache over r for many renders of one snapshot (a
// batch, or one side of `floe diff --all`): every file, listing and existence check is
// asked of r once.
func NewCachedRoot(r config.Root) config.Root { return newCachedRoot(r) }

func newCachedRoot(r config.Root) *cachedRoot {
	if c, ok := r.(*cachedRoot); ok {
		return c
	}
	return &cachedRoot{Root: r}
}

// ReadFile implements config.Root; callers get their own copy of the bytes.
func (c *cachedRoot) ReadFile(rel string) ([]byte, error) {
	b, err := c.files.get(rel, c.Root.ReadFile)
	if err != nil {
		return nil, err
	}
	return append([]byte(nil), b...), nil
}

// Stat implements config.Root.
func (c *cachedRoot) Stat(rel string) (bool, error) { return c.stats.get(rel, c.Root.Stat) }

// ReadDir implements config.Root; callers get their own copy of the names.
func (c *cachedRoot) ReadDir(rel string) ([]string, error) {
	names, err := c.dirs.get(rel, c.Root.ReadDir)
	if err != nil {
		return nil, err
	}
	return append([]string(nil), names...), nil
}

// onceMap computes each key's value once, however many goroutines ask at the same time.
type onceMap[V any] struct {
	mu sync.Mutex
	m  map[string]*onceEntry[V]
}

type onceEntry[V any] struct {
	once sync.Once
	v    V
	err  error
}

func (o *onceMap[V]) get(key string, load func(string) (V, error)) (V, error) {
	o.mu.Lock()
	if o.m == nil {
		o.m = map[string]*onceEntry[V]{}
	}
	e, ok := o.m[key]
	if !ok {
		e = &onceEntry[V]{}
		o.m[key] = e
	}
	o.mu.Unlock()
	e.once.Do(func() { e.v, e.err = load(key) })
	return e.v, e.err
}
