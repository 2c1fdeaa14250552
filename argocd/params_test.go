package argocd

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseParameters(t *testing.T) {
	tests := map[string]struct {
		in   string
		want []Parameter
	}{
		"empty":      {in: "", want: nil},
		"null":       {in: " null\n", want: nil},
		"empty list": {in: "[]", want: nil},
		// Argo CD marshals each parameter from a map, so keys arrive sorted.
		"as Argo CD sends them": {
			in: `[{"name":"contract","string":"platform/pec-dev.yaml"},{"array":["a","b"],"name":"runtimes"},{"map":{"k":"v"},"name":"m"}]`,
			want: []Parameter{
				{Name: "contract", Kind: KindString, String: "platform/pec-dev.yaml"},
				{Name: "runtimes", Kind: KindArray, Array: []string{"a", "b"}},
				{Name: "m", Kind: KindMap, Map: map[string]string{"k": "v"}},
			},
		},
		"empty array and map keep their kind": {
			in: `[{"array":[],"name":"a"},{"map":{},"name":"m"}]`,
			want: []Parameter{
				{Name: "a", Kind: KindArray, Array: []string{}},
				{Name: "m", Kind: KindMap, Map: map[string]string{}},
			},
		},
		"name only": {
			in:   `[{"name":"runtime"}]`,
			want: []Parameter{{Name: "runtime"}},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := ParseParameters([]byte(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

func TestParseParametersErrors(t *testing.T) {
	tests := map[string]struct{ in, want string }{
		"not a list":        {`{"name":"x"}`, "want a JSON list"},
		"a string":          {`"x"`, "want a JSON list"},
		"unterminated":      {`[{"name":"x","string":"y"}`, "ARGOCD_APP_PARAMETERS"},
		"trailing data":     {`[] []`, "unexpected data after"},
		"trailing garbage":  {`[]x`, "ARGOCD_APP_PARAMETERS"},
		"unknown key":       {`[{"name":"x","strng":"y"}]`, `unknown key "strng"`},
		"repeated key":      {`[{"name":"x","name":"y"}]`, `key "name" given twice`},
		"duplicate name":    {`[{"name":"x","string":"1"},{"name":"x","string":"2"}]`, `parameter "x" given twice`},
		"no name":           {`[{"string":"1"}]`, "parameter without a name"},
		"empty name":        {`[{"name":"","string":"1"}]`, "parameter without a name"},
		"two values":        {`[{"name":"x","string":"1","array":[]}]`, "both string and array"},
		"number value":      {`[{"name":"x","string":1}]`, "want string: a string, got a number"},
		"null value":        {`[{"name":"x","string":null}]`, "got null"},
		"number in array":   {`[{"name":"x","array":["a",2]}]`, "want array: a list of strings"},
		"array of objects":  {`[{"name":"x","array":[{}]}]`, "want array: a list of strings"},
		"map value object":  {`[{"name":"x","map":{"k":{}}}]`, "want map: string values"},
		"repeated map key":  {`[{"name":"x","map":{"k":"1","k":"2"}}]`, `map key "k" given twice`},
		"list of strings":   {`["runtime"]`, "want a parameter object"},
		"trailing comma":    {`[{"name":"x",}]`, "ARGOCD_APP_PARAMETERS[0]"},
		"secret not echoed": {`[{"name":"x","string":"1","map":"hunter2"}]`, "both string and map"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := ParseParameters([]byte(tc.in))
			if err == nil {
				t.Fatalf("parsed %+v; want an error", got)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error echoes a value: %q", err)
			}
		})
	}
}

func TestParseParametersLimit(t *testing.T) {
	var b strings.Builder
	b.WriteString("[")
	for i := 0; i <= maxParameters; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`{"name":"p` + strings.Repeat("x", i) + `"}`)
	}
	b.WriteString("]")
	if _, err := ParseParameters([]byte(b.String())); err == nil || !strings.Contains(err.Error(), "more than") {
		t.Fatalf("err = %v; want the parameter limit", err)
	}
}

// FuzzParseParameters checks the parser never panics, accepts only valid JSON, and that
// what it accepts survives a round trip through Argo CD's wire shape.
func FuzzParseParameters(f *testing.F) {
	for _, s := range []string{
		``, `null`, `[]`,
		`[{"name":"contract","string":"platform/pec-dev.yaml"}]`,
		`[{"array":["a","b"],"name":"runtimes"},{"map":{"k":"v"},"name":"m"}]`,
		`[{"name":"x","name":"y"}]`, `[{"name":"x","string":1}]`, `[] []`, `[{"name":"x",}]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := ParseParameters(data)
		if err != nil {
			return
		}
		if strings.TrimSpace(string(data)) != "" && !json.Valid(data) {
			t.Fatalf("accepted invalid JSON %q", data)
		}
		wire := make([]map[string]any, 0, len(got))
		names := map[string]bool{}
		for _, p := range got {
			if p.Name == "" || names[p.Name] {
				t.Fatalf("accepted empty or repeated name in %q", data)
			}
			names[p.Name] = true
			m := map[string]any{"name": p.Name}
			switch p.Kind {
			case KindString:
				m["string"] = p.String
			case KindArray:
				m["array"] = p.Array
			case KindMap:
				m["map"] = p.Map
			}
			wire = append(wire, m)
		}
		again, err := json.Marshal(wire)
		if err != nil {
			t.Fatal(err)
		}
		back, err := ParseParameters(again)
		if err != nil {
			t.Fatalf("re-parse of %s: %v", again, err)
		}
		if len(back) == 0 {
			back = nil
		}
		if len(got) == 0 {
			got = nil
		}
		if d := cmp.Diff(got, back); d != "" {
			t.Fatalf("round trip of %q differs:\n%s", data, d)
		}
	})
}
