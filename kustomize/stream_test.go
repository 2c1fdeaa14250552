package kustomize

import (
	"bytes"
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/floe-dev/floe/golden"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

func TestParseEmitStream(t *testing.T) {
	cases := map[string]struct {
		in, want string
	}{
		"helm template output with comments and empty documents": {
			in: `---
# Source: floe-jobs/templates/serviceaccount.yaml
apiVersion: v1
kind: ServiceAccount
metadata:
  name: sa # trailing comment
---
---
# Source: floe-jobs/templates/empty.yaml
---

--- # a separator with a comment
apiVersion: v1
kind: ConfigMap
metadata:
  name: c
data:
  zip: "0123"
  flag: "true"
  yes: "yes"
  cron: "*/5 * * * *"
  plain: 1:20
  text: |
    line one
    line two
`,
			want: `# Source: floe-jobs/templates/serviceaccount.yaml
apiVersion: v1
kind: ServiceAccount
metadata:
  name: sa # trailing comment
---
# a separator with a comment
apiVersion: v1
kind: ConfigMap
metadata:
  name: c
data:
  zip: "0123"
  flag: "true"
  yes: "yes"
  cron: "*/5 * * * *"
  plain: 1:20
  text: |
    line one
    line two
`,
		},
		"List objects are flattened, Helm 4 file annotation passed to items": {
			in: `apiVersion: v1
kind: List
metadata:
  annotations:
    postrenderer.helm.sh/postrender-filename: chart/templates/list.yaml
items:
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: a
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: b
    annotations:
      postrenderer.helm.sh/postrender-filename: chart/templates/own.yaml
---
apiVersion: v1
kind: ConfigMapList
items:
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: c
---
apiVersion: example.dev/v1
kind: AllowList
metadata:
  name: not-a-list-of-objects
items:
- 10.0.0.0/8
---
apiVersion: v1
kind: List
items: []
`,
			want: `apiVersion: v1
kind: ConfigMap
metadata:
  name: a
  annotations:
    postrenderer.helm.sh/postrender-filename: chart/templates/list.yaml
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: b
  annotations:
    postrenderer.helm.sh/postrender-filename: chart/templates/own.yaml
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: c
---
apiVersion: example.dev/v1
kind: AllowList
metadata:
  name: not-a-list-of-objects
items:
- 10.0.0.0/8
`,
		},
		"reader annotations are not added; internal ones are stripped": {
			in: `apiVersion: v1
kind: Secret
metadata:
  name: s
  annotations:
    config.kubernetes.io/index: "0"
    internal.config.kubernetes.io/path: x.yaml
    postrenderer.helm.sh/postrender-filename: chart/templates/secret.yaml
---
apiVersion: v1
kind: Secret
metadata:
  name: t
  annotations:
    config.k8s.io/id: "1"
`,
			want: `apiVersion: v1
kind: Secret
metadata:
  name: s
  annotations:
    postrenderer.helm.sh/postrender-filename: chart/templates/secret.yaml
---
apiVersion: v1
kind: Secret
metadata:
  name: t
`,
		},
		"anchors and aliases are expanded": {
			in: `kind: Deployment
metadata:
  name: d
  labels: &l
    app: x
spec:
  selector:
    matchLabels: *l
  template:
    metadata:
      labels:
        <<: *l
        tier: web
`,
			want: `kind: Deployment
metadata:
  name: d
  labels:
    app: x
spec:
  selector:
    matchLabels:
      app: x
  template:
    metadata:
      labels:
        tier: web
        app: x
`,
		},
		"CRLF, BOM, document end marker, no trailing newline": {
			in:   "\xef\xbb\xbfkind: A\r\nmetadata:\r\n  name: a\r\n...\r\n---\r\nkind: B\r\nmetadata:\r\n  name: b",
			want: "kind: A\nmetadata:\n  name: a\n---\nkind: B\nmetadata:\n  name: b\n",
		},
		"wide sequences become compact": {
			in:   "kind: A\nmetadata:\n  name: a\nlist:\n  - x\n  - y:\n      - z\n",
			want: "kind: A\nmetadata:\n  name: a\nlist:\n- x\n- y:\n  - z\n",
		},
		"blanks at line ends (comments) are trimmed, quoted ones kept": {
			in:   "# head   \nkind: A   \nmetadata:\n  name: a # line\t\ndata:\n  x: |\n    a  \n    b\n  y: \"a \"\n# foot  \n",
			want: "# head\nkind: A\nmetadata:\n  name: a # line\ndata:\n  x: \"a  \\nb\\n\"\n  y: \"a \"\n\n# foot\n",
		},
		"only comments and separators": {in: "# nothing\n---\n---\n# here\n", want: ""},
		"empty input":                  {in: "", want: ""},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			nodes, err := ParseStream([]byte(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			for _, n := range nodes {
				for k := range n.GetAnnotations() {
					if internalAnnotation(k) && !strings.Contains(tc.in, k) {
						t.Errorf("reader annotation %s added", k)
					}
				}
			}
			out, err := EmitStream(nodes)
			if err != nil {
				t.Fatal(err)
			}
			if string(out) != tc.want {
				t.Fatalf("output differs:\n%s", golden.Diff(tc.want, string(out)))
			}
			fltCheckStreamShape(t, out)
			// emitting is stable: parse(emit(x)) emits the same bytes
			again, err := ParseStream(out)
			if err != nil {
				t.Fatal(err)
			}
			out2, _ := EmitStream(again)
			if !bytes.Equal(out, out2) {
				t.Fatalf("second round trip differs:\n%s", golden.Diff(string(out), string(out2)))
			}
		})
	}
}

// fltCheckStreamShape checks the output rules: no trailing whitespace, a
// final newline, documents separated by "---" lines.
func fltCheckStreamShape(t *testing.T, out []byte) {
	t.Helper()
	if len(out) == 0 {
		return
	}
	if out[len(out)-1] != '\n' {
		t.Errorf("no trailing newline")
	}
	for i, l := range strings.Split(strings.TrimSuffix(string(out), "\n"), "\n") {
		if strings.TrimRight(l, " \t") != l {
			t.Errorf("line %d has trailing whitespace: %q", i+1, l)
		}
		if strings.HasPrefix(l, "---") && l != "---" {
			t.Errorf("line %d: separator with content: %q", i+1, l)
		}
	}
}

func TestParseStreamErrors(t *testing.T) {
	cases := map[string]struct {
		in  string
		err string
	}{
		"bad indentation in the second document": {
			in:  "kind: A\nmetadata:\n  name: a\n---\nkind: B\nmetadata:\n  name: b\n   bad: indent\n",
			err: "document 2 (line 8): malformed YAML",
		},
		"leading separator and comments do not shift the count": {
			in:  "---\n# Source: a.yaml\nkind: A\n---\n# Source: b.yaml\nkind: B\nmetadata: {name: [}\n",
			err: "document 2 (line 7): malformed YAML",
		},
		"empty documents count": {
			in:  "---\nkind: A\n---\n---\nkind: [\n",
			err: "document 3",
		},
		"preamble without separator is document 1": {
			in:  "kind: A\nmetadata:\n\tname: tab\n",
			err: "document 1 (line 3): malformed YAML",
		},
		"a list is not an object": {
			in:  "kind: A\n---\n- a\n- b\n",
			err: "document 2 (line 3): not a Kubernetes object but a YAML list",
		},
		"a scalar is not an object": {
			in:  "---\njust text\n",
			err: "document 1 (line 2): not a Kubernetes object but a YAML scalar",
		},
		"billion laughs": {
			in: "kind: A\nmetadata: {name: lol}\na: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n" +
				"c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n" +
				"e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n" +
				"g: [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n",
			err: "document 1 (line 7): YAML aliases expand to more than 100000 nodes",
		},
		"recursive alias": {
			in:  "kind: A\nmetadata: {name: loop}\na: &a [x, *a]\n",
			err: "document 1 (line 3): YAML alias *a refers to a node that contains it",
		},
		"unknown alias": {
			in:  "kind: A\nx: *nope\n",
			err: "unknown anchor",
		},
		"a key given twice": {
			in:  "kind: ConfigMap\nmetadata: {name: c}\ndata:\n  x: \"1\"\n  y: \"2\"\n  x: \"3\"\n",
			err: `ConfigMap/c (line 1): line 6: mapping key "x" already defined at line 4`,
		},
		"a key given twice in a long mapping": {
			in:  "kind: ConfigMap\nmetadata: {name: c}\ndata:\n" + longMapping(100) + "  k042: again\n",
			err: `ConfigMap/c (line 1): line 104: mapping key "k042" already defined at line 46`,
		},
		"a key given twice in a list item": {
			in:  "kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - {name: a, image: x, image: y}\n",
			err: `Pod/p (line 1): line 5: mapping key "image" already defined at line 5`,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := ParseStream([]byte(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("error = %v, want one containing %q", err, tc.err)
			}
		})
	}
}

// longMapping is n lines "  kNNN: vNNN" (a block mapping indented by two).
func longMapping(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "  k%03d: v%03d\n", i, i)
	}
	return b.String()
}

// TestUniqueKeysAllowed: the same key in different mappings, a string and a number
// that read alike, and merge keys are not duplicates.
func TestUniqueKeysAllowed(t *testing.T) {
	in := "kind: A\nmetadata: {name: a, labels: {name: a}}\nb: &b {x: 1}\nc:\n  <<: *b\n  y: 2\nd: {\"1\": a, 1: b}\ne:\n" + longMapping(100)
	if _, err := ParseStream([]byte(in)); err != nil {
		t.Fatal(err)
	}
}

func TestDocumentAt(t *testing.T) {
	data := []byte("# c\n---\na: 1\n---\nb: 2\n--- # x\nc: 3\n")
	for line, want := range map[int]int{1: 1, 2: 1, 3: 1, 4: 2, 5: 2, 6: 3, 7: 3} {
		if got := documentAt(data, line); got != want {
			t.Errorf("documentAt(line %d) = %d, want %d", line, got, want)
		}
	}
	data = []byte("a: 1\n---\nb: 2\n")
	for line, want := range map[int]int{1: 1, 2: 2, 3: 2} {
		if got := documentAt(data, line); got != want {
			t.Errorf("no leading separator: documentAt(line %d) = %d, want %d", line, got, want)
		}
	}
}

// TestKioPipelineInterop runs the filters inside kyaml's own kio.Pipeline,
// which stamps internal annotations on every node: StreamWriter removes them.
func TestKioPipelineInterop(t *testing.T) {
	in := "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n"
	var out bytes.Buffer
	err := kio.Pipeline{
		Inputs:  []kio.Reader{StreamReader{Reader: strings.NewReader(in)}},
		Filters: []kio.Filter{Telemetry{Defaults: []EnvVar{{"A", "1"}}}},
		Outputs: []kio.Writer{StreamWriter{Writer: &out}},
	}.Execute()
	if err != nil {
		t.Fatal(err)
	}
	want := in + "    env:\n    - name: A\n      value: \"1\"\n"
	if out.String() != want {
		t.Fatalf("output differs:\n%s", golden.Diff(want, out.String()))
	}
	if _, err := (StreamReader{}).Read(); err == nil {
		t.Error("StreamReader without input: no error")
	}
}

// TestUntouchedObjectsByteEqual: objects a filter does not concern come out
// exactly as a plain parse/emit round trip gives them.
func TestUntouchedObjectsByteEqual(t *testing.T) {
	const others = `# Source: chart/templates/crd.yaml
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: runs.example.dev
spec:
  group: example.dev
  versions:
  - name: v1
    schema:
      openAPIV3Schema:
        properties:
          spec:
            properties:
              containers: {type: array}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: c
  annotations: {checksum: "0123"}
data:
  workspace.yaml: |
    load_from:
      - grpc_server: {host: customer-360, port: 3030}
---
apiVersion: v1
kind: Service
metadata:
  name: s
spec:
  selector: {component: user-deployments}
  ports: [{name: grpc, port: 3030}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: np
spec:
  podSelector: {}
`
	want := fltRoundTrip(t, others)
	filters := map[string]kio.Filter{
		"ServiceAccount":            ServiceAccount{Name: "sa"},
		"Image":                     Image{Image: "x:1"},
		"PodSecurity":               PodSecurity{},
		"Resources":                 Resources{Requests: map[string]string{"cpu": "1"}},
		"Telemetry":                 Telemetry{Enforce: []EnvVar{{"A", "1"}}, ConfigMapName: "c"},
		"CronJobTimeZone":           CronJobTimeZone{TimeZone: "UTC"},
		"DropTestHooks":             DropTestHooks{},
		"Labels selected elsewhere": Labels{Labels: map[string]string{"a": "b"}, Selector: "app=none"},
	}
	for name, f := range filters {
		t.Run(name, func(t *testing.T) {
			got, err := fltApply(t, others, f)
			if err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Fatalf("changed:\n%s", golden.Diff(want, got))
			}
		})
	}
	// and the round trip itself only normalises layout, never content
	if !strings.Contains(want, "  workspace.yaml: |\n    load_from:\n      - grpc_server: {host: customer-360, port: 3030}\n") {
		t.Errorf("block scalar content was altered:\n%s", want)
	}
}

func TestEmitStreamQuoting(t *testing.T) {
	n := yaml.MustParse("kind: ConfigMap\nmetadata:\n  name: q\n")
	data := ynChildMap(n.YNode(), "data", true)
	for _, v := range []string{"0123", "true", "yes", "no", "on", "off", "y", "n", "null", "~", "1e3", "0x1F", "1:20", "*/5 * * * *", "", " lead", "a: b", "- x", "#c", "plain", "with space"} {
		ynSet(data, "k"+v, ynStr(v))
	}
	out, err := EmitStream([]*yaml.RNode{n})
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseStream(out)
	if err != nil {
		t.Fatal(err)
	}
	got := back[0].GetDataMap()
	for k, v := range got {
		if k[1:] != v {
			t.Errorf("%s read back as %q:\n%s", k, v, out)
		}
	}
	// YAML 1.1 readers (kubectl, sigs.k8s.io/yaml) must not see booleans either
	for _, v := range []string{"yes", "no", "on", "off", "y", "n"} {
		if !strings.Contains(string(out), `k`+v+`: "`+v+`"`) {
			t.Errorf("%q not double-quoted:\n%s", v, out)
		}
	}
}

// TestEmitStreamInParts: a long stream is encoded by several goroutines; the bytes are
// those of encoding it in one piece, whatever GOMAXPROCS is.
func TestEmitStreamInParts(t *testing.T) {
	var in strings.Builder
	for i := range 300 {
		fmt.Fprintf(&in, "---\n# doc %d\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-%03d\n  annotations: {config.kubernetes.io/index: '%d'}\ndata: {k: \"v %d  \", n: '%d'}\n", i, i, i, i, i)
	}
	emit := func(procs int) []byte {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		nodes, err := ParseStream([]byte(in.String()))
		if err != nil {
			t.Fatal(err)
		}
		out, err := EmitStream(nodes)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	one := emit(1)
	if n := bytes.Count(one, []byte("\n---\n")); n != 299 {
		t.Fatalf("%d separators, want 299", n)
	}
	if bytes.Contains(one, []byte("config.kubernetes.io/index")) || !bytes.HasPrefix(one, []byte("# doc 0\n")) {
		t.Fatalf("unexpected output start:\n%.200s", one)
	}
	for _, procs := range []int{2, 3, 8} {
		if got := emit(procs); !bytes.Equal(got, one) {
			t.Errorf("GOMAXPROCS %d:\n%s", procs, golden.Diff(string(one), string(got)))
		}
	}
}

// TestEmitKeepsEmptyNulls: an empty null inside a flow collection or as a key comes out
// as null, not as the empty string yaml.v3 would write; block values stay empty.
func TestEmitKeepsEmptyNulls(t *testing.T) {
	for _, in := range []string{
		"kind: A\ndata: {x}\n",
		"kind: A\ndata: {x: , y: 1}\n",
		"{kind: A, x}\n",
		"kind: A\nlist: [a, {b: }]\n",
		"kind: A\nnested: {a: [{b}]}\n",
		"kind: A\n? \n: v\n",
		"kind: A\nblock:\n  x:\n",
	} {
		nodes, err := ParseStream([]byte(in))
		if err != nil {
			t.Fatalf("%q: %v", in, err)
		}
		out, err := EmitStream(nodes)
		if err != nil {
			t.Fatal(err)
		}
		var want, got any
		if err := yaml.Unmarshal([]byte(in), &want); err != nil {
			t.Fatal(err)
		}
		if err := yaml.Unmarshal(out, &got); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(want, got) {
			t.Errorf("%q came out as %q: %v, want %v", in, out, got, want)
		}
	}
}
