package overlay

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"

	"github.com/floe-dev/floe/config"
	"sigs.k8s.io/kustomize/api/resmap"
	"sigs.k8s.io/kustomize/api/resource"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Bounds on what one overlay may expand to. A repository's overlay is a handful of
// kustomizations and patches; these leave room for large platform trees while keeping a
// hostile one (symlinks fanning out, deep reference chains) to well under a second and a
// bounded amount of memory before kustomize runs.
const (
	// MaxFiles is the number of files (kustomizations included) one overlay may read.
	MaxFiles = 10_000
	// MaxKustomizations is the number of kustomization files one overlay may read (each
	// costs a few path resolutions through the root, the most expensive step).
	MaxKustomizations = 1_000
	// MaxBytes is the total size of the files one overlay may read.
	MaxBytes = 64 << 20
	// MaxDepth is how deep kustomizations may reference kustomizations.
	MaxDepth = 64
	// maxNodes bounds the YAML nodes a file or inline document may expand to once its
	// aliases are resolved (kustomize resolves them; an alias "bomb" would stall it).
	maxNodes = 100_000
)

// builder fills the in-memory filesystem for one overlay.
type builder struct {
	ctx       context.Context
	root      config.Root
	fs        filesys.FileSystem
	tree      *memoryTree
	resources *resource.Factory // kustomize's own decoder of resource streams
	resmaps   *resmap.Factory
	copied    map[string]bool  // root-relative files already copied
	resolved  map[string]error // checkResolved's answers
	visited   map[string]bool  // kustomization directories already written
	files     int
	kusts     int
	bytes     int64
}

func newBuilder(ctx context.Context, root config.Root, resources *resource.Factory) *builder {
	return &builder{
		ctx:       ctx,
		root:      root,
		fs:        filesys.MakeFsInMemory(),
		tree:      newMemoryTree(),
		resources: resources,
		resmaps:   resmap.NewFactory(resources),
		copied:    map[string]bool{},
		resolved:  map[string]error{},
		visited:   map[string]bool{},
	}
}

func (b *builder) write(p string, data []byte) error {
	if err := b.fs.MkdirAll(path.Dir(p)); err != nil {
		return err
	}
	return b.fs.WriteFile(p, data)
}

// stat reports whether the root-relative rel is a directory, refusing one that resolves
// (through symlinks) into a .git directory.
func (b *builder) stat(rel string) (bool, error) {
	if err := b.ctx.Err(); err != nil {
		return false, err
	}
	isDir, err := b.root.Stat(rel)
	if err != nil {
		return false, err
	}
	return isDir, b.checkResolved(rel)
}

// checkResolved refuses a path of a root on disk whose symlinks resolve into a .git
// directory. The root itself refuses targets outside it.
func (b *builder) checkResolved(rel string) error {
	dir := b.root.Dir()
	if dir == "" {
		return nil
	}
	if err, ok := b.resolved[rel]; ok {
		return err
	}
	err := resolvesIntoGit(dir, rel)
	b.resolved[rel] = err
	return err
}

func resolvesIntoGit(dir, rel string) error {
	real, err := filepath.EvalSymlinks(filepath.Join(dir, filepath.FromSlash(rel)))
	if err != nil {
		return nil // the root reports it
	}
	r, err := filepath.Rel(dir, real)
	if err != nil {
		return nil
	}
	if inGitDirectory(filepath.ToSlash(r)) {
		return fmt.Errorf("%s: resolves into a .git directory: refused", rel)
	}
	return nil
}

// read reads a root-relative file within the overlay's bounds.
func (b *builder) read(rel string) ([]byte, error) {
	if err := b.ctx.Err(); err != nil {
		return nil, err
	}
	if inGitDirectory(rel) {
		return nil, fmt.Errorf("%s: reads a .git directory: refused", rel)
	}
	if b.files >= MaxFiles {
		return nil, fmt.Errorf("%s: the overlay reads more than %d files", rel, MaxFiles)
	}
	if err := b.checkResolved(rel); err != nil {
		return nil, err
	}
	data, err := b.root.ReadFile(rel)
	if err != nil {
		return nil, err
	}
	b.files++
	b.bytes += int64(len(data))
	if b.bytes > MaxBytes {
		return nil, fmt.Errorf("%s: the overlay reads more than %d MiB", rel, MaxBytes>>20)
	}
	if err := boundAliases(rel, data); err != nil {
		return nil, err
	}
	return data, nil
}

// copyFile copies a root-relative file to its in-memory path and returns that path.
func (b *builder) copyFile(rel string) (string, error) {
	p := b.tree.path(rel, false)
	if b.copied[rel] {
		return p, nil
	}
	data, err := b.read(rel)
	if err != nil {
		return "", err
	}
	b.copied[rel] = true
	return p, b.write(p, data)
}

// exists reports whether rel exists in root; other errors are returned.
func (b *builder) exists(rel string) (isDir, ok bool, err error) {
	isDir, err = b.stat(rel)
	if errors.Is(err, fs.ErrNotExist) {
		return false, false, nil
	}
	return isDir, err == nil, err
}

// boundAliases refuses YAML whose aliases expand past maxNodes. Data that is not YAML (a
// .properties file for a generator) is left to kustomize.
func boundAliases(where string, data []byte) error {
	if !bytes.Contains(data, []byte("*")) {
		return nil // no aliases: at most as many nodes as bytes, which the reads bound
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	memo := map[*yaml.Node]int{}
	total := 0
	for {
		var doc yaml.Node
		if err := dec.Decode(&doc); err != nil {
			return nil // end of stream, or not YAML: kustomize reports it
		}
		total += countNodes(&doc, memo, 0)
		if total > maxNodes {
			return fmt.Errorf("%s: YAML aliases expand to more than %d nodes", where, maxNodes)
		}
	}
}

// countNodes is the number of nodes n expands to, aliases resolved (capped just above
// maxNodes).
func countNodes(n *yaml.Node, memo map[*yaml.Node]int, depth int) int {
	if n == nil {
		return 0
	}
	if c, ok := memo[n]; ok {
		return c
	}
	if depth > 1000 {
		return maxNodes + 1
	}
	memo[n] = maxNodes + 1 // an alias cycle counts as too big
	c := 1
	if n.Kind == yaml.AliasNode {
		c += countNodes(n.Alias, memo, depth+1)
	}
	for _, ch := range n.Content {
		c += countNodes(ch, memo, depth+1)
		if c > maxNodes {
			c = maxNodes + 1
			break
		}
	}
	memo[n] = c
	return c
}
