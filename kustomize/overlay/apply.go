package overlay

import (
	"context"
	"fmt"
	"sync"

	"github.com/floe-dev/floe/config"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/provider"
	"sigs.k8s.io/kustomize/api/resmap"
	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// kustomizeMu serialises kustomize runs: krusty sets the process-wide OpenAPI schema on
// every Run, so concurrent builds would race on it.
var kustomizeMu sync.Mutex

// buildFunc runs kustomize on fs at dir (a seam for tests).
type buildFunc func(fs filesys.FileSystem, dir string) (resmap.ResMap, error)

// build runs krusty with plugins disabled (builtins only, statically linked: no exec or
// container functions), files restricted to each kustomization's root, no managed-by
// label and input order kept.
func build(fs filesys.FileSystem, dir string) (resmap.ResMap, error) {
	opts := krusty.MakeDefaultOptions()
	opts.PluginConfig = types.DisabledPluginConfig()
	opts.LoadRestrictions = types.LoadRestrictionsRootOnly
	opts.Reorder = krusty.ReorderOptionNone
	opts.AddManagedbyLabel = false
	return krusty.MakeKustomizer(opts).Run(fs, dir)
}

// Filter is the kio.Filter form of Apply.
type Filter struct {
	Context context.Context // nil means context.Background()
	Root    config.Root
	Dirs    []string // root-relative overlay directories, applied in order
}

// Filter applies the overlays to nodes.
func (f Filter) Filter(nodes []*yaml.RNode) ([]*yaml.RNode, error) {
	ctx := f.Context
	if ctx == nil {
		ctx = context.Background()
	}
	return Apply(ctx, f.Root, f.Dirs, nodes)
}

// Apply applies each root-relative kustomize directory in dirs, in order, to objs and
// returns the resulting objects (objs itself when dirs is empty; objs is never modified).
// The overlay's kustomization must not list the rendered objects: floe inserts them as
// its first resource. Errors name the overlay: "overlay <dir>: …". A cancelled ctx stops
// the reads and returns ctx's error.
func Apply(ctx context.Context, root config.Root, dirs []string, objs []*yaml.RNode) ([]*yaml.RNode, error) {
	return apply(ctx, root, dirs, objs, build)
}

func apply(ctx context.Context, root config.Root, dirs []string, objs []*yaml.RNode, run buildFunc) ([]*yaml.RNode, error) {
	out := objs
	for _, dir := range dirs {
		next, err := applyOne(ctx, root, dir, out, run)
		if err != nil {
			return nil, fmt.Errorf("overlay %s: %w", dir, err)
		}
		out = next
	}
	return out, nil
}

// resourceFactory is kustomize's decoder of resource streams, shared (it keeps no state
// between calls).
var resourceFactory = provider.NewDefaultDepProvider().GetResourceFactory()

func applyOne(ctx context.Context, root config.Root, dir string, objs []*yaml.RNode, run buildFunc) ([]*yaml.RNode, error) {
	rel, err := rootPath(".", dir)
	if err != nil {
		return nil, err
	}
	b := newBuilder(ctx, root, resourceFactory)
	isDir, err := b.stat(rel)
	if err != nil {
		return nil, err
	}
	if !isDir {
		return nil, fmt.Errorf("%s: not a directory", rel)
	}
	if err := b.writeRendered(objs); err != nil {
		return nil, err
	}
	if err := b.writeComponents(); err != nil {
		return nil, err
	}
	if err := b.kustomization(rel, 0, true); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m, err := b.run(run, b.tree.path(rel, true))
	if err != nil {
		return nil, err
	}
	if m == nil {
		return nil, nil
	}
	nodes := m.ToRNodeSlice()
	for _, n := range nodes {
		if err := stripAnnotations(n); err != nil {
			return nil, err
		}
	}
	return nodes, nil
}

// run runs kustomize under kustomizeMu, turning a panic into an error and the in-memory
// paths in its messages back into root-relative ones.
func (b *builder) run(run buildFunc, dir string) (m resmap.ResMap, err error) {
	kustomizeMu.Lock()
	defer kustomizeMu.Unlock()
	defer func() {
		if r := recover(); r != nil {
			m, err = nil, &kustomizeError{msg: b.tree.message(fmt.Sprintf("kustomize panicked: %v", r))}
		}
	}()
	m, err = run(b.fs, dir)
	if err != nil {
		return nil, &kustomizeError{msg: b.tree.message(err.Error()), err: err}
	}
	return m, nil
}
