package config

import (
	"fmt"
	"sort"
	"strings"
)

// shape describes a free-form (map[string]any) block that Floe nevertheless types
// strictly, so floe can reject unknown keys and bad values there too.
type shape struct {
	kind     string // object, list, string, bool, int, number, any
	fields   map[string]*shape
	required []string
	item     *shape
	enum     []string
	min, max *float64
}

func num(f float64) *float64 { return &f }

func obj(fields map[string]*shape, required ...string) *shape {
	return &shape{kind: "object", fields: fields, required: required}
}
func listOf(s *shape) *shape        { return &shape{kind: "list", item: s} }
func enumOf(v ...string) *shape     { return &shape{kind: "string", enum: v} }
func rangeOf(lo, hi float64) *shape { return &shape{kind: "number", min: num(lo), max: num(hi)} }

var (
	anyShape  = &shape{kind: "any"}
	strShape  = &shape{kind: "string"}
	boolShape = &shape{kind: "bool"}
	intShape  = &shape{kind: "int"}
)

// check validates v (from the free-form decoder) against s at path p.
func (c *checker) check(p string, v any, s *shape) {
	if v == nil || s.kind == "any" {
		return
	}
	switch s.kind {
	case "object":
		m, ok := v.(map[string]any)
		if !ok {
			c.errorf(p, "expected a mapping, got %s", goType(v))
			return
		}
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		names := make([]string, 0, len(s.fields))
		for k := range s.fields {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range keys {
			fs, ok := s.fields[k]
			if !ok {
				msg := fmt.Sprintf("unknown field %q", k)
				if h := closest(k, names); h != "" {
					msg += fmt.Sprintf("; did you mean %q?", h)
				}
				c.errorf(joinPath(p, k), "%s", msg)
				continue
			}
			c.check(joinPath(p, k), m[k], fs)
		}
		for _, r := range s.required {
			if m[r] == nil {
				c.errorf(joinPath(p, r), "required field is missing")
			}
		}
	case "list":
		l, ok := v.([]any)
		if !ok {
			c.errorf(p, "expected a list, got %s", goType(v))
			return
		}
		for i, it := range l {
			c.check(indexPath(p, i), it, s.item)
		}
	case "string":
		str, ok := v.(string)
		if !ok {
			c.errorf(p, "expected a string, got %s", goType(v))
			return
		}
		if s.enum != nil && !oneOf(str, s.enum...) {
			c.errorf(p, "%s is not one of: %s", show(str), enumList(s.enum))
		}
	case "bool":
		if _, ok := v.(bool); !ok {
			c.errorf(p, "expected a boolean (true or false), got %s", goType(v))
		}
	case "int", "number":
		var f float64
		switch x := v.(type) {
		case int:
			f = float64(x)
		case float64:
			if s.kind == "int" {
				c.errorf(p, "expected an integer, got float")
				return
			}
			f = x
		default:
			c.errorf(p, "expected a number, got %s", goType(v))
			return
		}
		c.between(p, f, s.min, s.max)
	}
}

func (c *checker) between(p string, f float64, lo, hi *float64) {
	if lo != nil && f < *lo {
		c.errorf(p, "%v is below the minimum %v", f, *lo)
	}
	if hi != nil && f > *hi {
		c.errorf(p, "%v is above the maximum %v", f, *hi)
	}
}

func goType(v any) string {
	switch v.(type) {
	case map[string]any:
		return "a mapping"
	case []any:
		return "a list"
	case string:
		return "string"
	case bool:
		return "boolean"
	case int, int64, uint64:
		return "integer"
	case float64:
		return "float"
	}
	return strings.TrimPrefix(fmt.Sprintf("%T", v), "*")
}

// Shapes of Manifest blocks typed as maps in types.go (D-IN-09).
var (
	dataContractsShape = obj(map[string]*shape{
		"enforcement": enumOf("off", "warn", "strict"),
		"auto_generation": obj(map[string]*shape{
			"enabled": boolShape, "include_descriptions": boolShape,
			"default_classification": enumOf("public", "internal", "confidential", "pii", "phi", "sensitive", "restricted"),
		}),
		"drift_detection": obj(map[string]*shape{
			"enabled": boolShape, "fail_on_type_mismatch": boolShape,
			"fail_on_missing_column": boolShape, "warn_on_extra_column": boolShape,
		}),
		"inheritance_mode": enumOf("merge", "override", "strict"),
	})
	secretScanningShape = obj(map[string]*shape{
		"enabled":          boolShape,
		"exclude_patterns": listOf(strShape),
		"custom_patterns": listOf(obj(map[string]*shape{
			"name": strShape, "pattern": strShape, "severity": enumOf("error", "warning"),
		}, "name", "pattern")),
		"severity": enumOf("error", "warning"),
	})
	networkPoliciesShape = obj(map[string]*shape{
		"enabled":      boolShape,
		"default_deny": boolShape,
		"custom_egress_rules": listOf(obj(map[string]*shape{
			"to_namespace": strShape, "to_cidr": strShape,
			"ports": listOf(obj(map[string]*shape{"port": &shape{kind: "int", min: num(1), max: num(65535)}, "protocol": enumOf("TCP", "UDP", "SCTP")}, "port")),
		})),
	})
	registryShape = obj(map[string]*shape{
		"uri": strShape,
		"auth": obj(map[string]*shape{
			"type":            enumOf("anonymous", "basic", "token", "aws-irsa", "azure-managed-identity", "gcp-workload-identity"),
			"credentials_ref": anyShape,
		}, "type"),
		"tls_verify": boolShape, "cache": anyShape, "resilience": anyShape, "signing": anyShape, "verification": anyShape,
	}, "uri", "auth")
	qualityGateShape = obj(map[string]*shape{
		"min_test_coverage": rangeOf(0, 100), "required_tests": listOf(strShape),
		"min_score": rangeOf(0, 100), "overridable": boolShape,
	})
	qualityGatesShape = obj(map[string]*shape{"bronze": qualityGateShape, "silver": qualityGateShape, "gold": qualityGateShape})
	thresholdsShape   = obj(map[string]*shape{"min": rangeOf(0, 100), "warn": rangeOf(0, 100)})
	policyConfigShape = obj(map[string]*shape{
		"required_tags": listOf(strShape), "pattern": strShape, "threshold": intShape, "condition": strShape,
	})
)
