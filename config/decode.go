package config

import (
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"

	"github.com/floe-dev/floe/diag"
)

// decoder is floe's strict YAML decoder: it walks yaml.v3 nodes into the structs of
// types.go (honouring `yaml` and `alias` tags) and records every problem as a located
// diagnostic instead of stopping at the first. The tree has passed checkTree, so
// following aliases is bounded.
type decoder struct {
	file  string
	diags diag.List
	// bad holds paths whose value could not be decoded, so validators stay quiet there.
	bad map[string]bool
	// rootUnknown, when set, handles unknown keys of the root object (Manifest: warn).
	rootUnknown func(key *yaml.Node, path string)
	// quietUnknown, when set, suppresses unknown-field errors for keys reported elsewhere.
	quietUnknown func(key string) bool
}

func newDecoder(file string) *decoder { return &decoder{file: file, bad: map[string]bool{}} }

func (d *decoder) errAt(n *yaml.Node, path, format string, args ...any) {
	d.diags = append(d.diags, diag.Diagnostic{File: d.file, Line: n.Line, Col: n.Column, Path: path, Message: fmt.Sprintf(format, args...)})
}

func (d *decoder) warnAt(n *yaml.Node, path, format string, args ...any) {
	d.diags = append(d.diags, diag.Diagnostic{File: d.file, Line: n.Line, Col: n.Column, Path: path, Message: fmt.Sprintf(format, args...), Severity: diag.Warning})
}

// decodeDoc decodes a document node's content into out (a pointer to a struct).
func (d *decoder) decodeDoc(doc *yaml.Node, out any) {
	n := doc
	if n.Kind == yaml.DocumentNode {
		n = n.Content[0]
	}
	n = deref(n)
	if n.Kind != yaml.MappingNode {
		d.errAt(n, "", "expected a mapping at the top of the file, got %s", describe(n))
		d.bad[""] = true
		return
	}
	d.decodeStruct(n, reflect.ValueOf(out).Elem(), "", true)
}

func deref(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.Tag == "!!null" }

func joinPath(base, key string) string {
	if base == "" {
		return key
	}
	return base + "." + key
}

func indexPath(base string, i int) string { return base + "[" + strconv.Itoa(i) + "]" }

// structInfo caches the yaml field table of a struct type.
type structInfo struct {
	fields map[string]int // key (canonical or alias) -> field index
	canon  map[string]string
	names  []string // every accepted key, sorted (for hints)
}

var structCache sync.Map // reflect.Type -> *structInfo

func infoOf(t reflect.Type) *structInfo {
	if si, ok := structCache.Load(t); ok {
		return si.(*structInfo)
	}
	si := &structInfo{fields: map[string]int{}, canon: map[string]string{}}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "" || name == "-" || !f.IsExported() {
			continue
		}
		si.fields[name] = i
		si.canon[name] = name
		si.names = append(si.names, name)
		if a := f.Tag.Get("alias"); a != "" {
			si.fields[a] = i
			si.canon[a] = name
			si.names = append(si.names, a)
		}
	}
	sort.Strings(si.names)
	structCache.Store(t, si)
	return si
}

func (d *decoder) decodeStruct(n *yaml.Node, v reflect.Value, path string, root bool) {
	si := infoOf(v.Type())
	seen := map[string]*yaml.Node{} // canonical name -> key node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := deref(n.Content[i]), n.Content[i+1]
		if !d.plainKey(k, path) {
			continue
		}
		if k.Tag != "!!str" {
			d.errAt(k, joinPath(path, k.Value), "key %q must be a string, got %s", k.Value, describe(k))
			continue
		}
		kp := joinPath(path, k.Value)
		idx, ok := si.fields[k.Value]
		if !ok {
			switch {
			case root && d.rootUnknown != nil:
				d.rootUnknown(k, kp)
			case d.quietUnknown != nil && d.quietUnknown(k.Value):
			default:
				msg := fmt.Sprintf("unknown field %q", k.Value)
				if h := closest(k.Value, si.names); h != "" {
					msg += fmt.Sprintf("; did you mean %q?", h)
				}
				d.errAt(k, kp, "%s", msg)
			}
			continue
		}
		c := si.canon[k.Value]
		if prev, dup := seen[c]; dup {
			if prev.Value == k.Value {
				d.errAt(k, kp, "duplicate key %q (first at line %d)", k.Value, prev.Line)
			} else {
				d.errAt(k, kp, "%q and %q name the same field (first at line %d)", prev.Value, k.Value, prev.Line)
			}
			continue
		}
		seen[c] = k
		d.decodeValue(val, v.Field(idx), kp)
	}
}

func (d *decoder) wrongType(n *yaml.Node, path, want string) {
	d.bad[path] = true
	got := describe(n)
	if want == "a string" && n.Kind == yaml.ScalarNode {
		if unquotable(path, n.Value) || len(n.Value) > 40 {
			d.errAt(n, path, "expected a string, got %s (quote the value)", got)
			return
		}
		d.errAt(n, path, "expected a string, got %s %s (quote it: \"%s\")", got, n.Value, n.Value)
		return
	}
	d.errAt(n, path, "expected %s, got %s", want, got)
}

func (d *decoder) decodeValue(n *yaml.Node, v reflect.Value, path string) {
	n = deref(n)
	if isNull(n) {
		return // absent: the zero value; validators decide whether it was required
	}
	switch v.Kind() {
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		d.decodeValue(n, p.Elem(), path)
		v.Set(p)
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			d.wrongType(n, path, "a mapping")
			return
		}
		d.decodeStruct(n, v, path, false)
	case reflect.String:
		// a timestamp (2027-03-31) is kept as written: dates are strings to floe
		if n.Kind != yaml.ScalarNode || (n.Tag != "!!str" && n.Tag != "!!timestamp") {
			d.wrongType(n, path, "a string")
			return
		}
		v.SetString(n.Value)
	case reflect.Bool:
		var b bool
		if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" || n.Decode(&b) != nil {
			d.wrongType(n, path, "a boolean (true or false)")
			return
		}
		v.SetBool(b)
	case reflect.Int, reflect.Int64, reflect.Int32:
		var i int64
		if n.Kind != yaml.ScalarNode || n.Tag != "!!int" || n.Decode(&i) != nil {
			d.wrongType(n, path, "an integer")
			return
		}
		v.SetInt(i)
	case reflect.Float64, reflect.Float32:
		var f float64
		if n.Kind != yaml.ScalarNode || (n.Tag != "!!int" && n.Tag != "!!float") || n.Decode(&f) != nil {
			d.wrongType(n, path, "a number")
			return
		}
		v.SetFloat(f)
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			d.wrongType(n, path, "a list")
			return
		}
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, item := range n.Content {
			ip := indexPath(path, i)
			if isNull(deref(item)) && v.Type().Elem().Kind() != reflect.Interface {
				d.errAt(item, ip, "list item is empty (null)")
				d.bad[ip] = true
				continue
			}
			d.decodeValue(item, s.Index(i), ip)
		}
		v.Set(s)
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			d.wrongType(n, path, "a mapping")
			return
		}
		m := reflect.MakeMapWithSize(v.Type(), len(n.Content)/2)
		seen := map[string]*yaml.Node{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := deref(n.Content[i]), n.Content[i+1]
			if !d.mapKey(k, path, seen) {
				continue
			}
			kp := joinPath(path, k.Value)
			ev := reflect.New(v.Type().Elem()).Elem()
			if isNull(deref(val)) && ev.Kind() != reflect.Interface && ev.Kind() != reflect.Pointer {
				d.errAt(k, kp, "value is empty (null)")
				d.bad[kp] = true
				continue
			}
			d.decodeValue(val, ev, kp)
			m.SetMapIndex(reflect.ValueOf(k.Value), ev)
		}
		v.Set(m)
	case reflect.Interface:
		if x, ok := d.anyValue(n, path); ok {
			if x != nil {
				v.Set(reflect.ValueOf(x))
			}
		}
	default:
		d.errAt(n, path, "internal: cannot decode into %s", v.Type())
	}
}

// plainKey refuses merge keys and complex (non-scalar) keys.
func (d *decoder) plainKey(k *yaml.Node, path string) bool {
	switch {
	case k.Kind == yaml.ScalarNode && k.Tag == "!!merge":
		d.errAt(k, path, "YAML merge keys (<<) are not supported; write the fields out")
		return false
	case k.Kind != yaml.ScalarNode:
		d.errAt(k, path, "a key must be a plain string, got %s", describe(k))
		return false
	}
	return true
}

// mapKey checks a key of a free-form mapping: a plain string, not duplicated.
func (d *decoder) mapKey(k *yaml.Node, path string, seen map[string]*yaml.Node) bool {
	if !d.plainKey(k, path) {
		return false
	}
	if k.Tag != "!!str" {
		d.errAt(k, joinPath(path, k.Value), "key %q must be a string, got %s (quote it)", k.Value, describe(k))
		return false
	}
	if prev, dup := seen[k.Value]; dup {
		d.errAt(k, joinPath(path, k.Value), "duplicate key %q (first at line %d)", k.Value, prev.Line)
		return false
	}
	seen[k.Value] = k
	return true
}

// anyValue converts a free-form node to map[string]any / []any / scalars.
func (d *decoder) anyValue(n *yaml.Node, path string) (any, bool) {
	n = deref(n)
	switch n.Kind {
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		seen := map[string]*yaml.Node{}
		ok := true
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := deref(n.Content[i])
			if !d.mapKey(k, path, seen) {
				ok = false
				continue
			}
			x, vok := d.anyValue(n.Content[i+1], joinPath(path, k.Value))
			ok = ok && vok
			m[k.Value] = x
		}
		return m, ok
	case yaml.SequenceNode:
		s := make([]any, len(n.Content))
		ok := true
		for i, item := range n.Content {
			x, vok := d.anyValue(item, indexPath(path, i))
			ok = ok && vok
			s[i] = x
		}
		return s, ok
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!null":
			return nil, true
		case "!!str", "!!bool", "!!int", "!!float", "!!timestamp":
			var x any
			if n.Tag == "!!timestamp" { // keep dates as written, like Floe's YAML safe-load strings
				return n.Value, true
			}
			if err := n.Decode(&x); err != nil {
				d.errAt(n, path, "cannot read the %s value", describe(n))
				return nil, false
			}
			return x, true
		}
		d.errAt(n, path, "unsupported YAML tag %s", n.Tag)
		d.bad[path] = true
		return nil, false
	}
	d.errAt(n, path, "unsupported YAML node")
	return nil, false
}

// describe names a node's YAML type for messages.
func describe(n *yaml.Node) string {
	n = deref(n)
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!str":
			return "string"
		case "!!int":
			return "integer"
		case "!!float":
			return "float"
		case "!!bool":
			return "boolean"
		case "!!null":
			return "null"
		case "!!timestamp":
			return "timestamp"
		case "!!merge":
			return "merge key <<"
		}
		return "value tagged " + n.Tag
	}
	return "an unsupported node"
}

// closest returns the candidate nearest to key by edit distance, or "" when none is close.
func closest(key string, cands []string) string {
	lk := strings.ToLower(key)
	best, bestD := "", 1<<30
	for _, c := range cands {
		dist := levenshtein(lk, strings.ToLower(c))
		if dist < bestD {
			best, bestD = c, dist
		}
	}
	limit := len(key) / 3
	if limit < 1 {
		limit = 1
	}
	if limit > 3 {
		limit = 3
	}
	if bestD > limit {
		return ""
	}
	return best
}

func levenshtein(a, b string) int {
	if len(a) > 64 || len(b) > 64 { // long keys: not worth a hint, keep it cheap
		return 1 << 20
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
