// Package yamlguard is the one bound every YAML input passes before floe walks it:
// size, nesting depth (counted through aliases), alias count and the nodes aliases add
// once expanded. Expansion is counted with each anchor's size worked out once, so a
// "billion laughs" document is refused after a walk linear in what was written, long
// before anything expands it.
package yamlguard

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	kyaml "go.yaml.in/yaml/v3"
	"gopkg.in/yaml.v3"
)

// The limits every door applies.
const (
	// MaxFileBytes is the largest input file floe reads from a repository.
	MaxFileBytes = 4 << 20
	// MaxStreamBytes is the largest manifest stream floe reads (stdin, --from/--to,
	// check FILEs): rendered streams outgrow the input files.
	MaxStreamBytes = 64 << 20
	// MaxDepth is the deepest nesting of YAML collections accepted, aliases included.
	MaxDepth = 128
	// MaxAliases is the most alias nodes (*name) one input may contain.
	MaxAliases = 10_000
	// MaxExpansion is the most nodes YAML aliases may add to one input when expanded.
	MaxExpansion = 100_000
)

// Limits bound one input. A zero field means no bound of that kind.
type Limits struct {
	MaxBytes     int // size of the input in bytes
	MaxDepth     int // nesting of collections, counted through aliases
	MaxAliases   int // alias nodes in the input
	MaxExpansion int // nodes the aliases add once expanded
	// MaxExpansionBytes bounds the bytes of scalars the aliases add once expanded, for a
	// caller whose decoder copies an alias's text out (into JSON) rather than sharing it.
	MaxExpansionBytes int
}

var (
	// File bounds a file read from a repository (config inputs, overlay files).
	File = Limits{MaxBytes: MaxFileBytes, MaxDepth: MaxDepth, MaxAliases: MaxAliases, MaxExpansion: MaxExpansion}
	// Stream bounds a manifest stream; only its size differs from File.
	Stream = Limits{MaxBytes: MaxStreamBytes, MaxDepth: MaxDepth, MaxAliases: MaxAliases, MaxExpansion: MaxExpansion}
)

// Error is a refusal located in the input: Name:Line:Column: Message (Line and Column
// are 0 when the refusal is about the whole input, e.g. its size).
type Error struct {
	Name         string
	Line, Column int
	Message      string
	// Unreadable: the text is not YAML the guard can parse (CheckReadable), rather than
	// YAML past a bound.
	Unreadable bool
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d:%d: %s", e.Name, e.Line, e.Column, e.Message)
	}
	return fmt.Sprintf("%s: %s", e.Name, e.Message)
}

// Check bounds data, a file read from a repository, with the File limits.
func Check(name string, data []byte) error { return File.Check(name, data) }

// Check bounds data (one or more YAML documents) before anything walks it: its size,
// then every document's depth and aliases, the budgets shared by all the documents. A
// YAML syntax error is not the guard's to report: Check stops there and returns nil,
// and the caller's parser reports it with its own location.
func (l Limits) Check(name string, data []byte) error {
	return l.check(name, data, false)
}

// CheckReadable is Check for a caller whose own YAML parser is not the guard's: text
// the guard cannot parse is refused too, since the other parser might still read it.
func (l Limits) CheckReadable(name string, data []byte) error {
	return l.check(name, data, true)
}

func (l Limits) check(name string, data []byte, readable bool) error {
	if l.MaxBytes > 0 && len(data) > l.MaxBytes {
		return &Error{Name: name, Message: fmt.Sprintf("%d bytes, larger than the %s limit", len(data), size(l.MaxBytes))}
	}
	g := l.New(name)
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var doc yaml.Node
		if err := decode(dec, &doc); err != nil {
			if readable && !errors.Is(err, io.EOF) {
				return &Error{Name: name, Message: "not YAML the guard can read: " + err.Error(), Unreadable: true}
			}
			return nil // end of input, or a syntax error the caller's parser reports
		}
		if err := g.Node(&doc); err != nil {
			return err
		}
	}
}

// decode is dec.Decode with a panic of yaml.v3 turned into an error.
func decode(dec *yaml.Decoder, doc *yaml.Node) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("yaml: %v", r)
		}
	}()
	return dec.Decode(doc)
}

// Guard checks documents already parsed into nodes, one after another, the alias
// budgets shared by all of them. Callers that parse a stream themselves call Node (a
// gopkg.in/yaml.v3 node) or KYAMLNode (a kyaml node) on each document before walking it.
type Guard struct {
	limits    Limits
	name      string
	anchors   map[any]shape // anchored nodes: their expanded shape, or pending
	aliases   int
	expansion int
	bytes     int // of scalars added by aliases
}

// shape is what a node stands for once its aliases are expanded.
type shape struct {
	nodes, height int
	bytes         int  // of its scalars' text
	pending       bool // being walked: an alias to it is a cycle
}

// New starts a Guard for the input called name.
func (l Limits) New(name string) *Guard {
	return &Guard{limits: l, name: name}
}

// Node checks one parsed document (or any node) against the limits. It walks what was
// written once; an alias costs a map look-up, never a walk of its anchor again.
func (g *Guard) Node(n *yaml.Node) error {
	if n == nil {
		return nil
	}
	_, err := walker[*yaml.Node]{g, readV3}.walk(n, 0)
	return err
}

// KYAMLNode is Node for the yaml.v3 fork kyaml parses into (sigs.k8s.io/kustomize/kyaml/yaml.Node).
func (g *Guard) KYAMLNode(n *kyaml.Node) error {
	if n == nil {
		return nil
	}
	_, err := walker[*kyaml.Node]{g, readKYAML}.walk(n, 0)
	return err
}

// fields are what the guard reads of a node.
type fields[N any] struct {
	alias     bool
	target    N // of an alias; the zero N when it has none
	anchored  bool
	content   []N
	line, col int
	value     string
}

func readV3(n *yaml.Node) fields[*yaml.Node] {
	return fields[*yaml.Node]{n.Kind == yaml.AliasNode, n.Alias, n.Anchor != "", n.Content, n.Line, n.Column, n.Value}
}

func readKYAML(n *kyaml.Node) fields[*kyaml.Node] {
	return fields[*kyaml.Node]{n.Kind == kyaml.AliasNode, n.Alias, n.Anchor != "", n.Content, n.Line, n.Column, n.Value}
}

// walker walks one kind of node tree for a Guard.
type walker[N comparable] struct {
	g    *Guard
	read func(N) fields[N]
}

func (w walker[N]) refuse(f fields[N], format string, args ...any) error {
	return &Error{Name: w.g.name, Line: f.line, Column: f.col, Message: fmt.Sprintf(format, args...)}
}

func (w walker[N]) walk(n N, depth int) (shape, error) {
	g, f := w.g, w.read(n)
	l := g.limits
	if l.MaxDepth > 0 && depth > l.MaxDepth {
		return shape{}, w.refuse(f, "YAML nesting deeper than %d levels; refusing", l.MaxDepth)
	}
	if f.alias {
		return w.alias(f, depth)
	}
	if f.anchored {
		if g.anchors == nil {
			g.anchors = map[any]shape{}
		}
		if s, seen := g.anchors[n]; seen && !s.pending {
			return s, nil // walked already (an anchor reached again through its alias)
		}
		g.anchors[n] = shape{pending: true}
	}
	var none N
	s := shape{nodes: 1, bytes: len(f.value)}
	for _, c := range f.content {
		if c == none {
			continue
		}
		cs, err := w.walk(c, depth+1)
		if err != nil {
			return shape{}, err
		}
		s.nodes += cs.nodes
		s.bytes += cs.bytes
		s.height = max(s.height, cs.height+1)
	}
	if f.anchored {
		g.anchors[n] = s
	}
	return s, nil
}

// alias accounts for one alias node: its count, and the depth and nodes its anchor
// adds where the alias stands.
func (w walker[N]) alias(f fields[N], depth int) (shape, error) {
	g := w.g
	l := g.limits
	g.aliases++
	if l.MaxAliases > 0 && g.aliases > l.MaxAliases {
		return shape{}, w.refuse(f, "more than %d YAML aliases; refusing", l.MaxAliases)
	}
	var none N
	if f.target == none {
		return shape{}, w.refuse(f, "YAML alias *%s without anchor", f.value)
	}
	s, seen := g.anchors[f.target]
	if seen && s.pending {
		return shape{}, w.refuse(f, "YAML alias *%s refers to a node that contains it", f.value)
	}
	if !seen { // an anchor not walked yet (not in document order): walk it once now
		var err error
		if s, err = w.walk(f.target, depth); err != nil {
			return shape{}, err
		}
		if g.anchors == nil {
			g.anchors = map[any]shape{}
		}
		g.anchors[f.target] = s
	}
	if l.MaxDepth > 0 && depth+s.height > l.MaxDepth {
		return shape{}, w.refuse(f, "YAML nesting deeper than %d levels (through alias *%s); refusing", l.MaxDepth, f.value)
	}
	g.expansion += s.nodes
	if l.MaxExpansion > 0 && g.expansion > l.MaxExpansion {
		return shape{}, w.refuse(f, "YAML aliases expand to more than %d nodes; refusing (alias bomb?)", l.MaxExpansion)
	}
	g.bytes += s.bytes
	if l.MaxExpansionBytes > 0 && g.bytes > l.MaxExpansionBytes {
		return shape{}, w.refuse(f, "YAML aliases expand to more than %s of text; refusing (alias bomb?)", size(l.MaxExpansionBytes))
	}
	return s, nil
}

// ReadAll reads r (stdin, or a stream named on the command line) up to max bytes. A
// longer input is refused unread past the limit, the error naming name and the limit.
func ReadAll(name string, r io.Reader, max int) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, int64(max)+1))
	if err != nil {
		return nil, fmt.Errorf("%s: reading: %w", name, err)
	}
	if len(data) > max {
		return nil, &Error{Name: name, Message: fmt.Sprintf("larger than the %s limit; refusing", size(max))}
	}
	return data, nil
}

// size spells a byte limit for a message: "4 MiB", or bytes below 1 MiB.
func size(n int) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}
