package config

import (
	"fmt"
	"strings"
)

// MaxSymlinks bounds the symlinks one path may go through (as the kernel does).
const MaxSymlinks = 40

// Lookup is what WalkLinks asks of a tree: the entry name in the directory dir (an
// entry an earlier Lookup returned, or the root). A symlink returns its target too
// (link true): a relative target is read from dir, one starting with "/" from the root;
// a target the tree does not follow (absolute on the host, too long, …) is the Lookup's
// error, as is a name that is missing or not read (.git).
type Lookup[E any] func(dir E, name string) (entry E, target string, link bool, err error)

// WalkLinks resolves the clean, slash-separated, root-relative path c in one tree, a
// component at a time, so that it sees every symlink on the way and follows it from the
// directory it is in: ".." climbs back to the directory resolved before, and a ".."
// above the root or more than MaxSymlinks symlinks is an error. It returns the entry
// c names, never a symlink (a path ending on a symlink to a directory names that
// directory). at names c in messages.
// The OS root (os.Root) and the git-commit root (internal/gitroot) both resolve their
// paths with it (D-SEC-02).
func WalkLinks[E any](c, at string, root E, lookup Lookup[E]) (E, error) {
	var zero E
	var todo []string
	if c != "." {
		todo = strings.Split(c, "/")
	}
	var stack []E // the directories resolved below the root, none a symlink
	cur := root
	links := 0
	for len(todo) > 0 {
		name := todo[0]
		todo = todo[1:]
		switch name {
		case "", ".":
			continue
		case "..":
			if len(stack) == 0 {
				return zero, outsidef("%s: a symlink resolves outside the root", at)
			}
			stack = stack[:len(stack)-1]
			cur = root
			if len(stack) > 0 {
				cur = stack[len(stack)-1]
			}
			continue
		}
		e, target, link, err := lookup(cur, name)
		if err != nil {
			return zero, err
		}
		if !link {
			stack = append(stack, e)
			cur = e
			continue
		}
		if links++; links > MaxSymlinks {
			return zero, fmt.Errorf("%s: too many levels of symlinks", at)
		}
		if rest, abs := strings.CutPrefix(target, "/"); abs {
			stack, cur, target = nil, root, rest
		}
		todo = append(strings.Split(target, "/"), todo...)
	}
	return cur, nil
}
