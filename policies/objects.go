package policies

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Object is one Kubernetes object of the checked stream and where it came from.
type Object struct {
	File  string         // name given by the caller: root-relative path, "stdin", …
	Line  int            // 1-based line where the object starts; 0 when unknown
	Doc   int            // 0-based index of the YAML document in File
	Value map[string]any // the object, JSON-compatible (string keys only)
	// Origin says what the object is when the gate built it rather than read it (a
	// Dagster run pod: DagsterRuns); its findings' messages start with it.
	Origin string
}

// Kind is the object's kind ("" when absent).
func (o Object) Kind() string { s, _ := o.Value["kind"].(string); return s }

// Name is metadata.name ("" when absent).
func (o Object) Name() string { return o.meta("name") }

// Namespace is metadata.namespace ("" when absent).
func (o Object) Namespace() string { return o.meta("namespace") }

// Resource is "Kind/name", the form findings and exceptions use.
func (o Object) Resource() string { return o.Kind() + "/" + o.Name() }

func (o Object) meta(key string) string {
	m, _ := o.Value["metadata"].(map[string]any)
	s, _ := m[key].(string)
	return s
}

// ParseObjects splits a multi-document YAML stream into objects, recording each
// object's document index and starting line. Empty documents (comments only, bare
// `---`) are skipped; `kind: *List` documents are flattened into their items. A
// document that is not a mapping, lacks apiVersion/kind, or is malformed YAML is an
// error naming name:line.
func ParseObjects(name string, data []byte) ([]Object, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var out []Object
	for doc := 0; ; doc++ {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, yamlError(name, err)
		}
		if len(n.Content) == 0 {
			continue
		}
		root := n.Content[0]
		if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
			continue // an empty document
		}
		objs, err := parseDoc(name, doc, root)
		if err != nil {
			return nil, err
		}
		out = append(out, objs...)
	}
}

func parseDoc(name string, doc int, root *yaml.Node) ([]Object, error) {
	obj, err := decodeObject(name, root)
	if err != nil {
		return nil, err
	}
	kind, _ := obj["kind"].(string)
	if !strings.HasSuffix(kind, "List") || obj["items"] == nil {
		return []Object{{File: name, Line: root.Line, Doc: doc, Value: obj}}, nil
	}
	items := mappingValue(root, "items")
	if items == nil || items.Kind != yaml.SequenceNode {
		return nil, fmt.Errorf("%s:%d: %s: items is not a list", name, root.Line, kind)
	}
	var out []Object
	for _, it := range items.Content {
		o, err := decodeObject(name, it)
		if err != nil {
			return nil, err
		}
		out = append(out, Object{File: name, Line: it.Line, Doc: doc, Value: o})
	}
	return out, nil
}

// mappingValue returns the value node of key in a mapping node (following an alias).
func mappingValue(m *yaml.Node, key string) *yaml.Node {
	if m.Kind == yaml.AliasNode {
		m = m.Alias
	}
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			v := m.Content[i+1]
			if v.Kind == yaml.AliasNode {
				v = v.Alias
			}
			return v
		}
	}
	return nil
}

func decodeObject(name string, n *yaml.Node) (map[string]any, error) {
	if n.Kind != yaml.MappingNode && !(n.Kind == yaml.AliasNode && n.Alias != nil && n.Alias.Kind == yaml.MappingNode) {
		return nil, fmt.Errorf("%s:%d: document is not a mapping (a Kubernetes object)", name, n.Line)
	}
	var raw any
	if err := n.Decode(&raw); err != nil {
		return nil, yamlError(name, err)
	}
	o, err := NewObject(name, n.Line, 0, raw)
	return o.Value, err
}

// NewObject makes the Object of one document as a YAML library decodes it into an
// `any` (yaml.v3 and go.yaml.in/yaml/v3 give the same): maps get string keys,
// timestamps become text, and NaN, infinities and objects without apiVersion or kind
// are refused with an error naming file:line.
func NewObject(file string, line, doc int, raw any) (Object, error) {
	v, err := normalize(raw, 0)
	if err != nil {
		return Object{}, fmt.Errorf("%s:%d: %w", file, line, err)
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return Object{}, fmt.Errorf("%s:%d: document is not a mapping (a Kubernetes object)", file, line)
	}
	for _, k := range []string{"apiVersion", "kind"} {
		if s, ok := obj[k].(string); !ok || s == "" {
			return Object{}, fmt.Errorf("%s:%d: object has no %s", file, line, k)
		}
	}
	return Object{File: file, Line: line, Doc: doc, Value: obj}, nil
}

var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// yamlError rewrites yaml.v3's "yaml: line N: msg" as "name:N: msg". yaml.v3 reports
// parser (not scanner) errors at the 0-based line of their context; those messages
// all start with "did not find expected", so they are moved one line down.
func yamlError(name string, err error) error {
	msg := err.Error()
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
	}
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		if strings.HasPrefix(m[2], "did not find expected") {
			line++
		}
		return fmt.Errorf("%s:%d: %s", name, line, m[2])
	}
	return fmt.Errorf("%s: %s", name, strings.TrimPrefix(msg, "yaml: "))
}

const maxDepth = 200

// normalize turns a yaml.v3-decoded value into JSON-compatible data: maps get string
// keys, timestamps become RFC 3339 text, and NaN/Inf are refused.
func normalize(v any, depth int) (any, error) {
	if depth > maxDepth {
		return nil, errors.New("document nests too deeply")
	}
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			n, err := normalize(e, depth+1)
			if err != nil {
				return nil, err
			}
			x[k] = n
		}
		return x, nil
	case map[any]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			n, err := normalize(e, depth+1)
			if err != nil {
				return nil, err
			}
			ks := keyString(k)
			if _, dup := m[ks]; dup {
				return nil, fmt.Errorf("mapping key %q appears twice", ks)
			}
			m[ks] = n
		}
		return m, nil
	case []any:
		for i, e := range x {
			n, err := normalize(e, depth+1)
			if err != nil {
				return nil, err
			}
			x[i] = n
		}
		return x, nil
	case time.Time:
		if x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 && x.Nanosecond() == 0 && x.Location() == time.UTC {
			return x.Format("2006-01-02"), nil
		}
		return x.Format(time.RFC3339Nano), nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, errors.New("NaN and infinite numbers are not valid in Kubernetes objects")
		}
		return x, nil
	case nil, string, bool, int, int64, uint64:
		return x, nil
	default:
		return fmt.Sprint(x), nil
	}
}

func keyString(k any) string {
	switch x := k.(type) {
	case string:
		return x
	case nil:
		return "null"
	default:
		if t, ok := x.(time.Time); ok {
			return t.Format(time.RFC3339Nano)
		}
		return fmt.Sprint(x)
	}
}
