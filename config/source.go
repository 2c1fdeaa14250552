package config

import "gopkg.in/yaml.v3"

// Source is one loaded input file: its root-relative path, bytes and YAML node tree,
// kept so later stages can locate a field path at file:line:col.
type Source struct {
	Path string     // root-relative, slash-separated
	Data []byte     // exact bytes read (hashed into evidence and source-hash)
	Node *yaml.Node // document node
}

// Root reads files confined to one directory tree (CLI.md "root"). Every path given to it
// is root-relative; an absolute path, a ".." that climbs out, or a symlink leaving the
// tree is refused. Implementations: the OS directory tree (OSRoot) and a git revision.
type Root interface {
	// ReadFile returns the bytes of a root-relative file, enforcing size limits.
	ReadFile(rel string) ([]byte, error)
	// Stat reports whether rel exists and is a directory.
	Stat(rel string) (isDir bool, err error)
	// ReadDir lists the entry names of a root-relative directory, sorted.
	ReadDir(rel string) ([]string, error)
	// Dir is the absolute directory of the root (for messages and git); "" when virtual.
	Dir() string
}
