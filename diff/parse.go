package diff

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/floe-dev/floe/diag"
	"github.com/floe-dev/floe/internal/yamlguard"
)

// Object is one Kubernetes object of a manifest stream.
type Object struct {
	APIVersion string
	Kind       string
	Namespace  string // "" for cluster-scoped objects or when not set
	Name       string
	Line       int // line of the object in its stream (1-based)
	// Body is the whole object as plain values: map[string]any, []any, string,
	// int64, uint64 (above MaxInt64), float64, bool and nil. YAML types are kept:
	// the string "1" and the integer 1 are different values.
	Body map[string]any
}

// ID identifies an object the way the API server does: two objects with the same ID
// are the same object, whatever their API version.
type ID struct {
	Group     string // "" for the core group
	Kind      string
	Namespace string
	Name      string
}

// ID returns the identity of o.
func (o *Object) ID() ID {
	return ID{Group: group(o.APIVersion), Kind: o.Kind, Namespace: o.Namespace, Name: o.Name}
}

// String is "Kind namespace/name", with ".group" after the kind for non-core groups.
func (id ID) String() string {
	k := id.Kind
	if id.Group != "" {
		k += "." + id.Group
	}
	return k + " " + qualifiedName(id.Namespace, id.Name)
}

func (id ID) less(o ID) bool {
	return cmp.Or(cmp.Compare(id.Kind, o.Kind), cmp.Compare(id.Namespace, o.Namespace),
		cmp.Compare(id.Name, o.Name), cmp.Compare(id.Group, o.Group)) < 0
}

func qualifiedName(ns, name string) string {
	if ns == "" {
		return name
	}
	return ns + "/" + name
}

func group(apiVersion string) string {
	if i := strings.LastIndexByte(apiVersion, '/'); i >= 0 {
		return apiVersion[:i]
	}
	return ""
}

// Parse reads a stream of YAML documents into objects. Empty documents are skipped and
// every List kind (v1 List, DeploymentList, …) is replaced by its items. Problems are
// reported as a diag.List naming file, line and column: every problem found in the
// stream, except that a YAML syntax error ends the reading.
func Parse(file string, data []byte) ([]Object, error) {
	p := &parser{file: file}
	guard := yamlguard.Stream.New(file)
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var objs []Object
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			p.errs = append(p.errs, yamlError(file, err))
			break
		}
		// Bounded (depth, aliases and what they expand to) before value expands it.
		if err := guard.Node(&doc); err != nil {
			p.guardError(err)
			break
		}
		if len(doc.Content) == 0 {
			continue
		}
		n := doc.Content[0]
		v, ok := p.value(n)
		if !ok {
			continue
		}
		if v == nil {
			continue // empty document (or a bare null)
		}
		m, isMap := v.(map[string]any)
		if !isMap {
			p.errorf(n, "", "document is a %s, not a Kubernetes object", kindName(v))
			continue
		}
		objs = p.objects(objs, n, m, "")
	}
	seen := make(map[ID]int, len(objs))
	for _, o := range objs {
		id := o.ID()
		if first, dup := seen[id]; dup {
			p.errs = append(p.errs, diag.Diagnostic{File: file, Line: o.Line, Col: 1,
				Message: fmt.Sprintf("duplicate object %s (first at line %d)", id, first)})
			continue
		}
		seen[id] = o.Line
	}
	if len(p.errs) > 0 {
		p.errs.Sort()
		return nil, p.errs
	}
	return objs, nil
}

type parser struct {
	file string
	errs diag.List
}

// guardError records a refusal of the YAML guard.
func (p *parser) guardError(err error) {
	var ge *yamlguard.Error
	if errors.As(err, &ge) {
		p.errs = append(p.errs, diag.Diagnostic{File: p.file, Line: ge.Line, Col: ge.Column, Message: ge.Message})
		return
	}
	p.errs = append(p.errs, diag.Diagnostic{File: p.file, Message: err.Error()})
}

func (p *parser) errorf(n *yaml.Node, path, format string, args ...any) {
	d := diag.Diagnostic{File: p.file, Path: path, Message: fmt.Sprintf(format, args...)}
	if n != nil {
		d.Line, d.Col = n.Line, n.Column
	}
	p.errs = append(p.errs, d)
}

// objects appends the object m (or, for a List, its items) to objs.
func (p *parser) objects(objs []Object, n *yaml.Node, m map[string]any, path string) []Object {
	kind, _ := m["kind"].(string)
	if items, ok := m["items"].([]any); ok && strings.HasSuffix(kind, "List") && m["spec"] == nil {
		in := mapValue(n, "items")
		for i, it := range items {
			ip := fmt.Sprintf("%sitems[%d]", path, i)
			var itn *yaml.Node
			if in != nil && in.Kind == yaml.SequenceNode && i < len(in.Content) {
				itn = in.Content[i]
			} else {
				itn = n
			}
			im, ok := it.(map[string]any)
			if !ok {
				p.errorf(itn, ip, "list item is a %s, not a Kubernetes object", kindName(it))
				continue
			}
			objs = p.objects(objs, itn, im, ip+".")
		}
		return objs
	}
	o := Object{Line: n.Line, Body: m}
	ok := true
	o.APIVersion = field(p, m, n, path, "apiVersion", true, &ok)
	o.Kind = field(p, m, n, path, "kind", true, &ok)
	meta, isMap := m["metadata"].(map[string]any)
	if !isMap {
		p.errorf(n, path+"metadata", "missing or not a mapping (objects without a name cannot be compared)")
		return objs
	}
	mn := mapValue(n, "metadata")
	if mn == nil {
		mn = n
	}
	o.Name = field(p, meta, mn, path+"metadata.", "name", true, &ok)
	o.Namespace = field(p, meta, mn, path+"metadata.", "namespace", false, &ok)
	if !ok {
		return objs
	}
	return append(objs, o)
}

// field returns the string field of mapping m (node mn), reporting a missing required
// field or a value that is not a string.
func field(p *parser, m map[string]any, mn *yaml.Node, path, name string, required bool, ok *bool) string {
	v, present := m[name]
	if !present || v == nil {
		if required {
			p.errorf(mn, path+name, "missing (objects without it cannot be compared)")
			*ok = false
		}
		return ""
	}
	s, isStr := v.(string)
	if isStr && required && s == "" {
		p.errorf(mapValue(mn, name), path+name, "must not be empty")
		*ok = false
	} else if !isStr {
		at := mn
		if vn := mapValue(mn, name); vn != nil {
			at = vn
		}
		p.errorf(at, path+name, "must be a string, got %s", kindName(v))
		*ok = false
	}
	return s
}

// mapValue returns the value node of key in mapping node n (aliases resolved), or nil.
func mapValue(n *yaml.Node, key string) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// value converts a YAML node into plain values, expanding aliases and merge keys. The
// document passed the YAML guard: its depth and what its aliases add are bounded, and
// no alias refers to a node that contains it.
func (p *parser) value(n *yaml.Node) (any, bool) {
	switch n.Kind {
	case yaml.AliasNode:
		if n.Alias == nil {
			p.errorf(n, "", "unknown alias %q", n.Value)
			return nil, false
		}
		return p.value(n.Alias)
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, true
		}
		return p.value(n.Content[0])
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, ok := p.value(c)
			if !ok {
				return nil, false
			}
			out = append(out, v)
		}
		return out, true
	case yaml.MappingNode:
		return p.mapping(n)
	case yaml.ScalarNode:
		return p.scalar(n)
	}
	p.errorf(n, "", "unexpected YAML node")
	return nil, false
}

func (p *parser) mapping(n *yaml.Node) (any, bool) {
	out := make(map[string]any, len(n.Content)/2)
	var merges []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, vn := n.Content[i], n.Content[i+1]
		for k.Kind == yaml.AliasNode && k.Alias != nil {
			k = k.Alias
		}
		if k.Kind != yaml.ScalarNode {
			p.errorf(k, "", "mapping key is not a scalar")
			return nil, false
		}
		if k.ShortTag() == "!!merge" {
			merges = append(merges, vn)
			continue
		}
		if _, dup := out[k.Value]; dup {
			p.errorf(k, "", "duplicate key %q", k.Value)
			return nil, false
		}
		v, ok := p.value(vn)
		if !ok {
			return nil, false
		}
		out[k.Value] = v
	}
	// Merge keys (<<) fill in keys the mapping does not set itself, first source first.
	for _, mn := range merges {
		v, ok := p.value(mn)
		if !ok {
			return nil, false
		}
		srcs := []any{v}
		if l, isList := v.([]any); isList {
			srcs = l
		}
		for _, s := range srcs {
			sm, isMap := s.(map[string]any)
			if !isMap {
				p.errorf(mn, "", "merge key (<<) needs a mapping or a list of mappings")
				return nil, false
			}
			for k, sv := range sm {
				if _, set := out[k]; !set {
					out[k] = sv
				}
			}
		}
	}
	return out, true
}

func (p *parser) scalar(n *yaml.Node) (any, bool) {
	switch n.ShortTag() {
	case "!!null":
		return nil, true
	case "!!bool":
		var b bool
		if err := n.Decode(&b); err != nil {
			p.errorf(n, "", "invalid boolean %q", n.Value)
			return nil, false
		}
		return b, true
	case "!!int":
		var v any
		if err := n.Decode(&v); err != nil {
			p.errorf(n, "", "invalid integer %q", n.Value)
			return nil, false
		}
		switch x := v.(type) {
		case int:
			return int64(x), true
		case int64:
			return x, true
		case uint64:
			if x <= math.MaxInt64 {
				return int64(x), true
			}
			return x, true
		case float64:
			return x, true
		}
		p.errorf(n, "", "invalid integer %q", n.Value)
		return nil, false
	case "!!float":
		var f float64
		if err := n.Decode(&f); err != nil {
			p.errorf(n, "", "invalid number %q", n.Value)
			return nil, false
		}
		return f, true
	}
	// !!str, !!binary, !!timestamp and custom tags keep their text.
	return n.Value, true
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): `)

func yamlError(file string, err error) diag.Diagnostic {
	msg := err.Error()
	d := diag.Diagnostic{File: file, Message: msg}
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		d.Line, _ = strconv.Atoi(m[1])
		d.Col = 1 // yaml.v3 reports no column
		d.Message = msg[len(m[0]):]
	} else {
		d.Message = strings.TrimPrefix(msg, "yaml: ")
	}
	return d
}

func kindName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "mapping"
	case []any:
		return "list"
	case string:
		return "string"
	case bool:
		return "boolean"
	case int64, uint64:
		return "integer"
	case float64:
		return "number"
	}
	return fmt.Sprintf("%T", v)
}
