package diff

import (
	"bytes"
	"encoding/json"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Value is one leaf of a manifest: a scalar (string, int64, uint64, float64, bool,
// nil) or an empty mapping or list. Its YAML type is part of it.
type Value struct{ V any }

// String formats v the way text and markdown show it: strings quoted, numbers, true,
// false, null, {} and [] bare, so that "1" and 1 read differently.
func (v Value) String() string { return format(v.V) }

// MarshalJSON encodes v with its type; NaN and infinities become the strings ".nan",
// ".inf" and "-.inf", which JSON cannot hold as numbers.
func (v Value) MarshalJSON() ([]byte, error) {
	switch x := v.V.(type) {
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return json.Marshal(format(x))
		}
		return []byte(format(x)), nil
	case map[string]any:
		return []byte("{}"), nil // only empty mappings are leaves
	case []any:
		var b bytes.Buffer
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			j, err := Value{e}.MarshalJSON()
			if err != nil {
				return nil, err
			}
			b.Write(j)
		}
		b.WriteByte(']')
		return b.Bytes(), nil
	case string:
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(x); err != nil {
			return nil, err
		}
		return bytes.TrimRight(b.Bytes(), "\n"), nil
	}
	return json.Marshal(v.V)
}

func format(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return strconv.FormatBool(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case uint64:
		return strconv.FormatUint(x, 10)
	case float64:
		switch {
		case math.IsNaN(x):
			return ".nan"
		case math.IsInf(x, 1):
			return ".inf"
		case math.IsInf(x, -1):
			return "-.inf"
		}
		s := strconv.FormatFloat(x, 'g', -1, 64)
		if !strings.ContainsAny(s, ".e") {
			s += ".0" // keep 1.0 apart from the integer 1
		}
		return s
	case string:
		return strconv.Quote(x)
	case map[string]any:
		if len(x) == 0 {
			return "{}"
		}
		return "{…}"
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = format(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return "?"
}

// text is the bytes a leaf stands for: a string's own bytes, else its formatted form.
func text(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return format(v)
}

// typeName names the YAML type of a leaf for messages.
func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "bool"
	case int64, uint64:
		return "int"
	case float64:
		return "float"
	case string:
		return "string"
	case map[string]any:
		return "map"
	case []any:
		return "list"
	}
	return "?"
}

// equal is deep equality that keeps types apart ("1" ≠ 1 ≠ 1.0) and holds NaN equal
// to itself, so that a stream always equals itself.
func equal(a, b any) bool {
	switch x := a.(type) {
	case nil:
		return b == nil
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case int64:
		y, ok := b.(int64)
		return ok && x == y
	case uint64:
		y, ok := b.(uint64)
		return ok && x == y
	case float64:
		y, ok := b.(float64)
		return ok && math.Float64bits(x) == math.Float64bits(y)
	case string:
		y, ok := b.(string)
		return ok && x == y
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !equal(x[i], y[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, xv := range x {
			yv, ok := y[k]
			if !ok || !equal(xv, yv) {
				return false
			}
		}
		return true
	}
	return false
}

// canon writes a type-tagged, key-sorted encoding of v: equal values, and only
// those, have the same encoding.
func canon(b *strings.Builder, v any) {
	switch x := v.(type) {
	case nil:
		b.WriteByte('n')
	case bool:
		if x {
			b.WriteByte('t')
		} else {
			b.WriteByte('f')
		}
	case int64:
		b.WriteByte('i')
		b.WriteString(strconv.FormatInt(x, 10))
		b.WriteByte(';')
	case uint64:
		b.WriteByte('u')
		b.WriteString(strconv.FormatUint(x, 10))
		b.WriteByte(';')
	case float64:
		b.WriteByte('d')
		b.WriteString(strconv.FormatUint(math.Float64bits(x), 16))
		b.WriteByte(';')
	case string:
		canonString(b, x)
	case []any:
		b.WriteByte('[')
		for _, e := range x {
			canon(b, e)
		}
		b.WriteByte(']')
	case map[string]any:
		b.WriteByte('{')
		for _, k := range slices.Sorted(maps.Keys(x)) {
			canonString(b, k)
			canon(b, x[k])
		}
		b.WriteByte('}')
	}
}

func canonString(b *strings.Builder, s string) {
	b.WriteByte('s')
	b.WriteString(strconv.Itoa(len(s)))
	b.WriteByte(':')
	b.WriteString(s)
}

func canonical(v any) string {
	var b strings.Builder
	canon(&b, v)
	return b.String()
}

// isLeaf reports whether v is reported as one field: a scalar or an empty collection.
func isLeaf(v any) bool {
	switch x := v.(type) {
	case map[string]any:
		return len(x) == 0
	case []any:
		return len(x) == 0
	}
	return true
}

func quote(s string) string { return strconv.Quote(s) }
