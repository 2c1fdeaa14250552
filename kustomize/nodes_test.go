package kustomize

import (
	"strings"
	"testing"
	"unicode/utf8"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// TestYAML11NonString checks the fast paths against kyaml's reference
// check: every value a YAML 1.1 reader takes for a non-string comes out
// quoted (by ynStr or by yaml.v3 itself), and ynStr quotes nothing else.
func TestYAML11NonString(t *testing.T) {
	values := []string{
		"", "a", "y", "Y", "n", "yes", "Yes", "YES", "yEs", "nO", "oN", "tRUE", "NuLL", "no", "on", "ON", "off", "true", "False", "null", "Null", "NULL", "~",
		"0", "1", "12", "0123", "-1", "+1", "1.5", ".5", "1e3", "1E3", "0x1F", "0o17", "0b101", "1_000", "1:20", "190:20:30",
		".inf", "-.Inf", ".nan", "100m", "256Mi", "1Gi", "1.5Gi", "2e", "12h", "v1", "dagster", "floe-jobs", "a.b_c-d",
		"customer-360", "http://x:1", "a: b", "- x", "*/5 * * * *", "{\"k8s\":{}}", "yes please", "1 2",
		"Europe/Berlin", "/app", "0.0.0.0", "3030", "2001-12-14", "2001-12-14t21:59:43.10-05:00", "=", "<<",
	}
	for _, v := range values {
		want := yaml.IsValueNonString(v)
		got := yaml11NonString(v)
		if got && !want {
			t.Errorf("yaml11NonString(%q) = true, kyaml says it is a string", v)
		}
		if want && !fltEmitsQuoted(t, v) {
			t.Errorf("%q is a YAML 1.1 non-string but is emitted unquoted", v)
		}
	}
}

// fltEmitsQuoted reports whether ynStr(v) is written quoted.
func fltEmitsQuoted(t *testing.T, v string) bool {
	t.Helper()
	out, err := EmitStream([]*yaml.RNode{yaml.NewRNode(&yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{ynKey("k"), ynStr(v)}})})
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := yaml.Unmarshal(out, &m); err != nil {
		t.Fatal(err)
	}
	if s, ok := m["k"].(string); !ok || s != v {
		t.Fatalf("%q emitted as %q reads back as %#v", v, out, m["k"])
	}
	return len(out) > 3 && (out[3] == '"' || out[3] == '\'' || out[3] == '|' || out[3] == '>')
}

func FuzzYAML11NonString(f *testing.F) {
	for _, s := range []string{"yes", "1:20", "100m", "0x1F", "1e3", "abc", "1_0", "~", "a: b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		if strings.ContainsAny(v, "\n\r") || !utf8.ValidString(v) {
			return
		}
		if yaml.IsValueNonString(v) && !fltEmitsQuoted(t, v) {
			t.Fatalf("%q is a YAML 1.1 non-string but is emitted unquoted", v)
		}
	})
}
