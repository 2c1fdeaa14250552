package diff

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	_ "github.com/floe-dev/floe/golden" // the -update flag
)

func TestParse(t *testing.T) {
	tests := map[string]struct {
		in      string
		want    []string // ID strings in stream order
		wantErr string
	}{
		"empty stream":    {in: "", want: nil},
		"only separators": {in: "---\n---\n# comment\n---\n", want: nil},
		"null document":   {in: "~\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n", want: []string{"ConfigMap a"}},
		"group and namespace": {
			in:   "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d, namespace: ns}\n",
			want: []string{"Deployment.apps ns/d"},
		},
		"List flattened, nested": {
			in: `apiVersion: v1
kind: List
items:
- {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}
- apiVersion: v1
  kind: ServiceList
  items:
  - {apiVersion: v1, kind: Service, metadata: {name: s, namespace: n}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: b}
`,
			want: []string{"ConfigMap a", "Service n/s", "ConfigMap b"},
		},
		"List kind with a spec is an object": {
			in:   "apiVersion: x.io/v1\nkind: AllowList\nmetadata: {name: l}\nspec: {}\nitems: [1]\n",
			want: []string{"AllowList.x.io l"},
		},
		"scalar document": {in: "hello\n", wantErr: "f.yaml:1:1: document is a string, not a Kubernetes object"},
		"no kind":         {in: "apiVersion: v1\nmetadata: {name: a}\n", wantErr: "f.yaml:1:1: kind: missing"},
		"no name":         {in: "apiVersion: v1\nkind: ConfigMap\nmetadata: {namespace: x}\n", wantErr: "f.yaml:3:11: metadata.name: missing"},
		"name not a string": {
			in:      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: 12\n",
			wantErr: "f.yaml:4:9: metadata.name: must be a string, got integer",
		},
		"no metadata": {in: "apiVersion: v1\nkind: ConfigMap\n", wantErr: "f.yaml:1:1: metadata: missing or not a mapping"},
		"bad list item": {
			in:      "apiVersion: v1\nkind: List\nitems:\n- 3\n",
			wantErr: "f.yaml:4:3: items[0]: list item is a integer, not a Kubernetes object",
		},
		"duplicate object": {
			in:      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n",
			wantErr: "f.yaml:5:1: duplicate object ConfigMap a (first at line 1)",
		},
		"same name, other group is another object": {
			in:   "apiVersion: v1\nkind: Service\nmetadata: {name: a}\n---\napiVersion: serving.knative.dev/v1\nkind: Service\nmetadata: {name: a}\n",
			want: []string{"Service a", "Service.serving.knative.dev a"},
		},
		"duplicate key": {in: "apiVersion: v1\nkind: ConfigMap\nkind: Secret\n", wantErr: `f.yaml:3:1: duplicate key "kind"`},
		"syntax error":  {in: "a: [\n", wantErr: "f.yaml:1:1: did not find expected node content"},
		"self alias":    {in: "a: &x [*x]\n", wantErr: "f.yaml"},
		"every problem": {
			in:      "apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n---\n- 1\n",
			wantErr: "f.yaml:3:11: metadata.name: missing (objects without it cannot be compared)\nf.yaml:5:1: document is a list, not a Kubernetes object",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			objs, err := Parse("f.yaml", []byte(tc.in))
			if tc.wantErr != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tc.wantErr) {
					t.Fatalf("error = %v, want prefix %q", err, tc.wantErr)
				}
				if objs != nil {
					t.Errorf("objects returned with an error: %v", objs)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, o := range objs {
				got = append(got, o.ID().String())
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("objects (-want +got):\n%s", d)
			}
		})
	}
}

func TestParseValues(t *testing.T) {
	in := `apiVersion: v1
kind: ConfigMap
metadata: {name: a}
base: &b {x: 1, y: 2}
data:
  <<: *b
  y: 3
  str: "1"
  int: 1
  hex: 0x10
  float: 1.0
  bool: true
  null: ~
  date: 2024-01-01
  big: 18446744073709551615
  bin: !!binary aGk=
  list: [a, *b]
`
	objs, err := Parse("f.yaml", []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"x": int64(1), "y": int64(3), "str": "1", "int": int64(1), "hex": int64(16), "float": 1.0,
		"bool": true, "null": nil, "date": "2024-01-01", "big": uint64(18446744073709551615), "bin": "aGk=",
		"list": []any{"a", map[string]any{"x": int64(1), "y": int64(2)}},
	}
	if d := cmp.Diff(want, objs[0].Body["data"]); d != "" {
		t.Errorf("values (-want +got):\n%s", d)
	}
}

func TestParseAliasBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("a00: &a00 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 12; i++ {
		b.WriteString("a" + itoa(i) + ": &a" + itoa(i) + " [")
		for j := 0; j < 10; j++ {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString("*a" + itoa(i-1))
		}
		b.WriteString("]\n")
	}
	_, err := Parse("bomb.yaml", []byte(b.String()))
	if err == nil || !strings.Contains(err.Error(), "bomb.yaml:5:54: YAML aliases expand to more than 100000 nodes") {
		t.Fatalf("error = %v, want the alias limit", err)
	}
}

func itoa(i int) string { return string(rune('0'+i/10)) + string(rune('0'+i%10)) }
