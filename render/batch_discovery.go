package render

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/floe-dev/floe/config"
	"github.com/floe-dev/floe/diag"
)

// discoveryLimits bound the search for floe.yaml files in a tree floe does not trust.
type discoveryLimits struct {
	depth   int // directories below DIR
	entries int // directory entries read, in all
}

// findLimits are FindProducts' bounds: far beyond any repository's product layout, far
// below what would keep the repo-server walking.
var findLimits = discoveryLimits{depth: 64, entries: 1 << 18}

// FindProducts lists the root-relative directories under dir (dir included) that hold a
// floe.yaml, sorted. Hidden entries (names starting with ".") are skipped, symlinked
// directories are not followed (every product is found once, under its real path, and a
// cycle cannot occur), and a floe.yaml that is a symlink is taken only when it resolves
// inside the root — otherwise it is skipped with a warning. A tree nested more than 64
// directories below dir, or holding more than 262144 entries, is refused (a usage error)
// rather than walked. Errors start with command (e.g. "render --all", "diff --all").
func FindProducts(root config.Root, command, dir string) ([]string, diag.List, error) {
	return findProducts(root, command, dir, findLimits)
}

func findProducts(root config.Root, command, dir string, limits discoveryLimits) ([]string, diag.List, error) {
	dir, err := config.CleanRel(dir)
	if err != nil {
		return nil, nil, diag.Usage(fmt.Errorf("%s %s: %w", command, dir, err))
	}
	isDir, err := root.Stat(dir)
	if err != nil {
		return nil, nil, diag.Usage(fmt.Errorf("%s: %w", command, err))
	}
	if !isDir {
		return nil, nil, diag.Usage(fmt.Errorf("%s %s: not a directory", command, dir))
	}
	var found []string
	var warnings diag.List
	budget := limits.entries // entries left to read
	var walk func(rel string, depth int) error
	walk = func(rel string, depth int) error {
		if depth > limits.depth {
			return fmt.Errorf("%s %s: %s is more than %d directories deep; point --all at a smaller tree", command, dir, rel, limits.depth)
		}
		ents, err := listDir(root, rel, budget)
		if errors.Is(err, errTooManyEntries) {
			return fmt.Errorf("%s %s: more than %d files and directories under it; point --all at a smaller tree", command, dir, limits.entries)
		}
		if err != nil {
			return fmt.Errorf("%s: %s: %w", command, rel, err)
		}
		budget -= len(ents)
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
						msg := "D-RND-23: a symlink that does not resolve to a file inside the root; skipped"
						if err != nil {
							msg = "D-RND-23: " + strings.TrimPrefix(err.Error(), child+": ") + "; skipped"
						}
						warnings = append(warnings, diag.Diagnostic{File: child, Message: msg, Severity: diag.Warning})
						continue
					}
				} else if e.dir {
					continue
				}
				found = append(found, rel)
			case e.dir && !e.symlink:
				if err := walk(child, depth+1); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := walk(dir, 0); err != nil {
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

// errTooManyEntries is listDir's error for a directory with more than max entries.
var errTooManyEntries = errors.New("too many entries")

// listDir lists a root-relative directory, sorted by name, reading at most max entries
// (more is errTooManyEntries). Over a directory tree on disk the entry types come from
// the directory itself (no Stat per entry; symlinks are reported as such); over any
// other Root every entry is Stat'ed through the root.
func listDir(root config.Root, rel string, max int) ([]dirEntry, error) {
	if base := root.Dir(); base != "" {
		f, err := os.Open(filepath.Join(base, filepath.FromSlash(rel)))
		if err != nil {
			return nil, err
		}
		defer f.Close()
		ents, err := f.ReadDir(max + 1)
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, err
		}
		if len(ents) > max {
			return nil, errTooManyEntries
		}
		out := make([]dirEntry, len(ents))
		for i, e := range ents {
			out[i] = dirEntry{name: e.Name(), dir: e.IsDir(), symlink: e.Type()&fs.ModeSymlink != 0}
		}
		slices.SortFunc(out, func(a, b dirEntry) int { return strings.Compare(a.name, b.name) })
		return out, nil
	}
	names, err := root.ReadDir(rel)
	if err != nil {
		return nil, err
	}
	if len(names) > max {
		return nil, errTooManyEntries
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
