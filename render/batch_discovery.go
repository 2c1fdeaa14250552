package render

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/floe-dev/floe/config"
	"github.com/floe-dev/floe/diag"
)

// FindProducts lists the root-relative directories under dir (dir included) that hold a
// floe.yaml, sorted. Hidden entries (names starting with ".") are skipped, symlinked
// directories are not followed (every product is found once, under its real path, and a
// cycle cannot occur), and a floe.yaml that is a symlink is taken only when it resolves
// inside the root — otherwise it is skipped with a warning.
func FindProducts(root config.Root, dir string) ([]string, diag.List, error) {
	dir, err := config.CleanRel(dir)
	if err != nil {
		return nil, nil, diag.Usage(fmt.Errorf("render --all %s: %w", dir, err))
	}
	isDir, err := root.Stat(dir)
	if err != nil {
		return nil, nil, diag.Usage(fmt.Errorf("render --all: %w", err))
	}
	if !isDir {
		return nil, nil, diag.Usage(fmt.Errorf("render --all %s: not a directory", dir))
	}
	var found []string
	var warnings diag.List
	var walk func(rel string) error
	walk = func(rel string) error {
		ents, err := listDir(root, rel)
		if err != nil {
			return fmt.Errorf("render --all: %s: %w", rel, err)
		}
		for _, e := range ents {
			if strings.HasPrefix(e.name, ".") {
				continue
			}
			child := path.Join(rel, e.name)
			switch {
			case e.name == "floe.yaml":
				if e.symlink {
					isDir, err := root.Stat(child)
					if err != nil || isDir {
						msg := "a symlink that does not resolve to a file inside the root; skipped"
						if err != nil {
							msg = strings.TrimPrefix(err.Error(), child+": ") + "; skipped"
						}
						warnings = append(warnings, diag.Diagnostic{File: child, Message: msg, Severity: diag.Warning})
						continue
					}
				} else if e.dir {
					continue
				}
				found = append(found, rel)
			case e.dir && !e.symlink:
				if err := walk(child); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := walk(dir); err != nil {
		return nil, nil, diag.Usage(err)
	}
	sort.Strings(found)
	return found, warnings, nil
}

// dirEntry is one directory entry as the walk sees it.
type dirEntry struct {
	name         string
	dir, symlink bool
}

// listDir lists a root-relative directory. Over a directory tree on disk the entry types
// come from the directory itself (no Stat per entry; symlinks are reported as such);
// over any other Root every entry is Stat'ed through the root.
func listDir(root config.Root, rel string) ([]dirEntry, error) {
	if base := root.Dir(); base != "" {
		ents, err := os.ReadDir(filepath.Join(base, filepath.FromSlash(rel)))
		if err != nil {
			return nil, err
		}
		out := make([]dirEntry, len(ents))
		for i, e := range ents {
			out[i] = dirEntry{name: e.Name(), dir: e.IsDir(), symlink: e.Type()&fs.ModeSymlink != 0}
		}
		return out, nil // os.ReadDir sorts by name
	}
	names, err := root.ReadDir(rel)
	if err != nil {
		return nil, err
	}
	out := make([]dirEntry, 0, len(names))
	for _, n := range names {
		isDir, err := root.Stat(path.Join(rel, n))
		if err != nil {
			continue // leaves the root or vanished: not a product
		}
		out = append(out, dirEntry{name: n, dir: isDir})
	}
	return out, nil
}
