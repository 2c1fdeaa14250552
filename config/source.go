package config

import (
	"reflect"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Source is one loaded input file: its root-relative path, bytes and YAML node tree,
// kept so later stages can locate a field path at file:line:col.
type Source struct {
	Path string     // root-relative, slash-separated
	Data []byte     // exact bytes read (hashed into evidence and source-hash)
	Node *yaml.Node // document node
}

// Root reads files confined to one directory tree (D-SEC-02, D-CLI-01). Every path given to it
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

// Pos locates a field path (e.g. `transforms[1].dependsOn[0]`) in the source: the line and
// column of the key of a mapping entry, or of the item of a list. When the path does not
// exist, the position of its deepest existing ancestor; (0, 0) when nothing matches.
// Accepted alternative spellings (dependsOn/depends_on) are found either way.
func (s *Source) Pos(path string) (line, col int) {
	if s == nil || s.Node == nil {
		return 0, 0
	}
	n, _ := s.lookup(path)
	if n == nil {
		return 0, 0
	}
	return n.Line, n.Column
}

// Has reports whether the field path exists in the source with a non-null value.
func (s *Source) Has(path string) bool {
	if s == nil || s.Node == nil {
		return false
	}
	_, full := s.lookup(path)
	return full
}

// lookup walks path; it returns the position node of the deepest match and whether the
// whole path matched a non-null value.
func (s *Source) lookup(path string) (*yaml.Node, bool) {
	cur := s.Node
	if cur.Kind == yaml.DocumentNode && len(cur.Content) > 0 {
		cur = cur.Content[0]
	}
	cur = deref(cur)
	posNode := cur
	segs := splitPath(path)
	for i := 0; i < len(segs); i++ {
		sg := segs[i]
		if sg.index >= 0 {
			if cur.Kind != yaml.SequenceNode || sg.index >= len(cur.Content) {
				return posNode, false
			}
			cur = deref(cur.Content[sg.index])
			posNode = cur
			continue
		}
		if cur.Kind != yaml.MappingNode {
			return posNode, false
		}
		// a key may itself contain dots (labels): try the longest run of key segments first
		found := false
		for j := len(segs); j > i && !found; j-- {
			if !allKeys(segs[i:j]) {
				continue
			}
			key := joinKeys(segs[i:j])
			if k, v := mapLookup(cur, key); k != nil {
				posNode, cur, found = k, deref(v), true
				i = j - 1
			}
		}
		if !found {
			return posNode, false
		}
	}
	return posNode, !isNull(cur)
}

type pathSeg struct {
	key   string
	index int // -1 for a key
}

func splitPath(p string) []pathSeg {
	var segs []pathSeg
	for p != "" {
		switch {
		case p[0] == '.':
			p = p[1:]
		case p[0] == '[':
			end := strings.IndexByte(p, ']')
			if end < 0 {
				return append(segs, pathSeg{key: p, index: -1})
			}
			i, err := strconv.Atoi(p[1:end])
			if err != nil {
				i = 1 << 30
			}
			segs = append(segs, pathSeg{index: i})
			p = p[end+1:]
		default:
			end := strings.IndexAny(p, ".[")
			if end < 0 {
				end = len(p)
			}
			segs = append(segs, pathSeg{key: p[:end], index: -1})
			p = p[end:]
		}
	}
	return segs
}

func allKeys(segs []pathSeg) bool {
	for _, s := range segs {
		if s.index >= 0 {
			return false
		}
	}
	return true
}

func joinKeys(segs []pathSeg) string {
	parts := make([]string, len(segs))
	for i, s := range segs {
		parts[i] = s.key
	}
	return strings.Join(parts, ".")
}

// mapLookup finds key (or its accepted alternative spelling) in a mapping node.
func mapLookup(m *yaml.Node, key string) (k, v *yaml.Node) {
	alt := fieldAliases[key]
	for i := 0; i+1 < len(m.Content); i += 2 {
		kn := deref(m.Content[i])
		if kn.Value == key || (alt != "" && kn.Value == alt) {
			return kn, m.Content[i+1]
		}
	}
	return nil, nil
}

// fieldAliases maps each canonical key to its alias and back (from the `alias` tags).
var fieldAliases = func() map[string]string {
	m := map[string]string{}
	seen := map[reflect.Type]bool{}
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct || seen[t] {
			return
		}
		seen[t] = true
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			if a := f.Tag.Get("alias"); a != "" && name != "" {
				m[name], m[a] = a, name
			}
			walk(f.Type)
		}
	}
	walk(reflect.TypeOf(Contract{}))
	walk(reflect.TypeOf(Manifest{}))
	walk(reflect.TypeOf(FloeSpec{}))
	return m
}()
