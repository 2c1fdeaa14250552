package overlay

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"

	"github.com/floe-dev/floe/config"
	"github.com/floe-dev/floe/internal/yamlguard"
	"sigs.k8s.io/kustomize/api/resmap"
	"sigs.k8s.io/kustomize/api/resource"
	"sigs.k8s.io/kustomize/kyaml/filesys"
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
)

// builder fills the in-memory filesystem for one overlay.
type builder struct {
	ctx       context.Context
	root      config.Root
	fs        filesys.FileSystem
	tree      *memoryTree
	resources *resource.Factory // kustomize's own decoder of resource streams
	resmaps   *resmap.Factory
	copied    map[string]bool // root-relative files already copied
	visited   map[string]bool // kustomization directories already written
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
	return b.root.Stat(rel) // the root refuses symlinks leading out of it or into .git
}

// read reads a root-relative file within the overlay's bounds.
func (b *builder) read(rel string) ([]byte, error) {
	if err := b.ctx.Err(); err != nil {
		return nil, err
	}
	if config.InGitDir(rel) {
		return nil, fmt.Errorf("%s: reads a .git directory: refused", rel)
	}
	if b.files >= MaxFiles {
		return nil, fmt.Errorf("%s: the overlay reads more than %d files", rel, MaxFiles)
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

// boundAliases refuses YAML that floe's one guard refuses (aliases expanding too far,
// nesting too deep). Data that is not YAML (a .properties file for a generator) is left to
// kustomize. The message names where, as the caller located it.
func boundAliases(where string, data []byte) error {
	err := yamlguard.Check(where, data)
	var ge *yamlguard.Error
	if errors.As(err, &ge) {
		return fmt.Errorf("%s: %s", where, ge.Message)
	}
	return err
}
