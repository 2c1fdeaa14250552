package kustomize

import (
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Low-level helpers over *yaml.Node. The filters walk raw nodes instead of
// piping yaml.Lookup chains: one linear scan of a mapping per field, no
// allocations on the read path. Names carry a "yn" prefix so they cannot clash
// with other files of this package.

// ynGet returns the value of key in mapping m, or nil.
func ynGet(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	c := m.Content
	for i := 0; i+1 < len(c); i += 2 {
		if c[i].Value == key {
			return c[i+1]
		}
	}
	return nil
}

// ynPath follows keys through nested mappings.
func ynPath(m *yaml.Node, keys ...string) *yaml.Node {
	for _, k := range keys {
		m = ynGet(m, k)
		if m == nil {
			return nil
		}
	}
	return m
}

// ynIsNull reports whether n is absent or an explicit null.
func ynIsNull(n *yaml.Node) bool {
	return n == nil || (n.Kind == yaml.ScalarNode && n.Tag == yaml.NodeTagNull)
}

// ynIsMap reports whether n is a mapping.
func ynIsMap(n *yaml.Node) bool { return n != nil && n.Kind == yaml.MappingNode }

// ynScalar returns the value of a scalar node, or "".
func ynScalar(n *yaml.Node) string {
	if n == nil || n.Kind != yaml.ScalarNode || n.Tag == yaml.NodeTagNull {
		return ""
	}
	return n.Value
}

// ynStr builds a string scalar that reads back as a string in YAML 1.1 and
// 1.2 parsers alike ("true", "yes", "0123" and friends get quoted).
func ynStr(v string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagString, Value: v}
	if yaml11NonString(v) {
		n.Style = yaml.DoubleQuotedStyle
	}
	return n
}

// yaml11NonString reports whether a YAML 1.1 reader (the one behind
// kubectl and the API server's YAML path) would take the unquoted v for
// something other than a string, where yaml.v3 (YAML 1.2) would write it
// plain: yes/no/on/off/y/n in any case, 1:20 (base 60), 1_000 and the like.
// Only short values made of letters, digits and "_.:+-" can be such a
// keyword or number; anything else is either a string in both versions or
// quoted by yaml.v3 itself, so kyaml's (costly) check runs only on those.
func yaml11NonString(v string) bool {
	if v == "" || len(v) > 64 {
		return false
	}
	letters := true
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
		case c >= '0' && c <= '9' || c == '_' || c == '.' || c == ':' || c == '+' || c == '-':
			letters = false
		default:
			return false
		}
	}
	if letters {
		// the only all-letter non-strings are YAML 1.1's bool and null keywords
		return yaml11Keywords[v]
	}
	c := v[0]
	if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' {
		return false // numbers start with a digit, a sign or a dot
	}
	digits := true
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c >= '0' && c <= '9':
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			switch c {
			case 'e', 'E', 'x', 'X', 'o', 'O', 'b', 'B', 'a', 'A', 'c', 'C', 'd', 'D', 'f', 'F', 'i', 'I', 'n', 'N':
				// exponent, radix prefixes, hex digits, .inf/.nan: ask kyaml
			default:
				return false // e.g. quantities such as 100m, 256Mi
			}
			digits = false
		default:
			digits = false
		}
	}
	if digits {
		return true // a decimal integer
	}
	return yaml.IsValueNonString(v)
}

// yaml11Keywords are the spellings YAML 1.1 (go-yaml v2's resolve table)
// reads as booleans or null.
var yaml11Keywords = map[string]bool{
	"y": true, "Y": true, "yes": true, "Yes": true, "YES": true,
	"n": true, "N": true, "no": true, "No": true, "NO": true,
	"on": true, "On": true, "ON": true, "off": true, "Off": true, "OFF": true,
	"true": true, "True": true, "TRUE": true, "false": true, "False": true, "FALSE": true,
	"null": true, "Null": true, "NULL": true,
}

// ynKey builds a mapping key scalar.
func ynKey(k string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagString, Value: k}
}

// ynBool builds a boolean scalar.
func ynBool(b bool) *yaml.Node {
	v := "false"
	if b {
		v = "true"
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagBool, Value: v}
}

// ynInt builds an integer scalar from its decimal text.
func ynInt(v string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagInt, Value: v}
}

// ynNewMap builds an empty block mapping.
func ynNewMap() *yaml.Node { return &yaml.Node{Kind: yaml.MappingNode, Tag: yaml.NodeTagMap} }

// ynNewSeq builds an empty block sequence.
func ynNewSeq() *yaml.Node { return &yaml.Node{Kind: yaml.SequenceNode, Tag: yaml.NodeTagSeq} }

// ynSet sets key in mapping m to v, replacing an existing value in place.
func ynSet(m *yaml.Node, key string, v *yaml.Node) {
	c := m.Content
	for i := 0; i+1 < len(c); i += 2 {
		if c[i].Value == key {
			c[i+1] = v
			return
		}
	}
	ynAppend(m, ynKey(key), v)
}

// ynAppend appends nodes to a mapping (as key, value) or a sequence, turning
// a flow collection ({} or []) into block style so additions read naturally.
func ynAppend(c *yaml.Node, items ...*yaml.Node) {
	c.Style &^= yaml.FlowStyle
	c.Content = append(c.Content, items...)
}

// ynSetIfAbsent sets key to v when the key is missing or null; it reports
// whether it did.
func ynSetIfAbsent(m *yaml.Node, key string, v *yaml.Node) bool {
	if !ynIsNull(ynGet(m, key)) {
		return false
	}
	ynSet(m, key, v)
	return true
}

// ynDel removes key from mapping m.
func ynDel(m *yaml.Node, key string) {
	if m == nil || m.Kind != yaml.MappingNode {
		return
	}
	c := m.Content
	for i := 0; i+1 < len(c); i += 2 {
		if c[i].Value == key {
			m.Content = append(c[:i:i], c[i+2:]...)
			return
		}
	}
}

// ynChildMap returns the mapping under key, creating it (or replacing a null)
// when create is set. A non-mapping value yields nil.
func ynChildMap(m *yaml.Node, key string, create bool) *yaml.Node {
	v := ynGet(m, key)
	if ynIsMap(v) {
		return v
	}
	if !create || !ynIsNull(v) || m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	v = ynNewMap()
	ynSet(m, key, v)
	return v
}

// ynStringMap reads a mapping of scalars (labels, annotations) into a Go map.
func ynStringMap(m *yaml.Node) map[string]string {
	if !ynIsMap(m) {
		return nil
	}
	out := make(map[string]string, len(m.Content)/2)
	for i := 0; i+1 < len(m.Content); i += 2 {
		out[m.Content[i].Value] = ynScalar(m.Content[i+1])
	}
	return out
}

// ynSetStr sets key to the string v unless it already holds exactly v, so an
// unchanged value keeps its original quoting. It reports whether it changed.
func ynSetStr(m *yaml.Node, key, v string) bool {
	if cur := ynGet(m, key); cur != nil && cur.Kind == yaml.ScalarNode && cur.Value == v &&
		(cur.Tag == yaml.NodeTagString || (cur.Tag == "" && cur.Style != 0)) {
		return false
	}
	ynSet(m, key, ynStr(v))
	return true
}

// objectID names an object in errors: Kind/namespace/name or Kind/name.
func objectID(obj *yaml.Node) string {
	kind := ynScalar(ynGet(obj, "kind"))
	if kind == "" {
		kind = "<no kind>"
	}
	md := ynGet(obj, "metadata")
	name := ynScalar(ynGet(md, "name"))
	if name == "" {
		name = "<no name>"
	}
	if ns := ynScalar(ynGet(md, "namespace")); ns != "" {
		return kind + "/" + ns + "/" + name
	}
	return kind + "/" + name
}
