package diff

import (
	"bytes"
	"strings"
	"testing"

	"github.com/floe-dev/floe/golden"
)

func cm(body string) string {
	return "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: ns}\n" + body
}

func deploy(name, containers string) string {
	return "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: " + name + ", namespace: ns}\nspec:\n  template:\n    spec:\n      containers:\n" + containers
}

func textOf(t *testing.T, from, to string) string {
	t.Helper()
	r, err := Compare("from.yaml", []byte(from), "to.yaml", []byte(to))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := WriteText(&b, r, false); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestCompare(t *testing.T) {
	tests := map[string]struct{ from, to, want string }{
		"identical": {from: cm("data: {a: b}\n"), to: cm("data: {a: b}\n"), want: "no differences: 1 object unchanged\n"},
		"key order and formatting ignored": {
			from: cm("data:\n  a: b\n  c: d\n"),
			to:   "metadata:\n  namespace: ns\n  name: c\ndata: {c: d, a: \"b\"}\nkind: ConfigMap\napiVersion: v1\n",
			want: "no differences: 1 object unchanged\n",
		},
		"document order ignored": {
			from: cm("") + "---\n" + deploy("d", "      - {name: a}\n"),
			to:   deploy("d", "      - {name: a}\n") + "---\n" + cm(""),
			want: "no differences: 2 objects unchanged\n",
		},
		"string and int differ": {
			from: cm("data: {a: \"1\", b: 1, c: 1.0, d: true}\n"),
			to:   cm("data: {a: 1, b: 1.0, c: \"1.0\", d: \"true\"}\n"),
			want: `~ ConfigMap ns/c (v1): changed, 4 fields
    ~ data.a: "1" → 1
    ~ data.b: 1 → 1.0
    ~ data.c: 1.0 → "1.0"
    ~ data.d: true → "true"

0 added, 0 removed, 1 changed, 0 renamed, 0 unchanged
`,
		},
		"list keyed by name, order of other entries kept": {
			from: deploy("d", "      - name: dbt\n        env:\n        - {name: A, value: a}\n        - {name: OTEL_SERVICE_NAME, value: x}\n      - {name: side, image: s:1}\n"),
			to:   deploy("d", "      - name: dbt\n        env:\n        - {name: A, value: a}\n        - {name: OTEL_SERVICE_NAME, value: y}\n        - {name: NEW, value: n}\n"),
			want: `~ Deployment ns/d (apps/v1): changed, 3 fields
    ~ spec.template.spec.containers[name=dbt].env[name=OTEL_SERVICE_NAME].value: "x" → "y"
    + spec.template.spec.containers[name=dbt].env[name=NEW].value: "n"
    - spec.template.spec.containers[name=side].image: "s:1"

0 added, 0 removed, 1 changed, 0 renamed, 0 unchanged
`,
		},
		"keyed list reordered": {
			from: deploy("d", "      - {name: a}\n      - {name: b}\n      - {name: c}\n"),
			to:   deploy("d", "      - {name: c}\n      - {name: a}\n      - {name: b}\n"),
			want: `~ Deployment ns/d (apps/v1): changed, 1 field
    ~ spec.template.spec.containers: reordered ["a", "b", "c"] → ["c", "a", "b"]

0 added, 0 removed, 1 changed, 0 renamed, 0 unchanged
`,
		},
		"duplicate names fall back to index": {
			from: cm("items:\n- {name: a, v: 1}\n- {name: a, v: 2}\n"),
			to:   cm("items:\n- {name: a, v: 1}\n- {name: a, v: 3}\n"),
			want: `~ ConfigMap ns/c (v1): changed, 1 field
    ~ items[1].v: 2 → 3

0 added, 0 removed, 1 changed, 0 renamed, 0 unchanged
`,
		},
		"scalar list insertion aligned by content": {
			from: cm("args: [run, --a, x, --b, y]\n"),
			to:   cm("args: [--pre, run, --a, z, --b, y]\n"),
			want: `~ ConfigMap ns/c (v1): changed, 2 fields
    + args[0]: "--pre"
    ~ args[3]: "x" → "z"

0 added, 0 removed, 1 changed, 0 renamed, 0 unchanged
`,
		},
		"subtree replaced by scalar": {
			from: cm("x: {a: 1, b: [1, 2]}\n"),
			to:   cm("x: 5\n"),
			want: `~ ConfigMap ns/c (v1): changed, 4 fields
    - x.a: 1
    - x.b[0]: 1
    - x.b[1]: 2
    + x: 5

0 added, 0 removed, 1 changed, 0 renamed, 0 unchanged
`,
		},
		"empty collections and nulls": {
			from: cm("a: {}\nb: []\nc: null\n"),
			to:   cm("a: []\nb: [1]\nd: null\n"),
			want: `~ ConfigMap ns/c (v1): changed, 4 fields
    ~ a: {} → []
    + b[0]: 1
    - c: null
    + d: null

0 added, 0 removed, 1 changed, 0 renamed, 0 unchanged
`,
		},
		"odd keys quoted": {
			from: cm("data:\n  \"a b\": 1\n  x.y: 1\n"),
			to:   cm("data:\n  \"a b\": 2\n  x.y: 2\n"),
			want: `~ ConfigMap ns/c (v1): changed, 2 fields
    ~ data["a b"]: 1 → 2
    ~ data["x.y"]: 1 → 2

0 added, 0 removed, 1 changed, 0 renamed, 0 unchanged
`,
		},
		"apiVersion change pairs the object": {
			from: "apiVersion: batch/v1beta1\nkind: CronJob\nmetadata: {name: j}\n",
			to:   "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: j}\n",
			want: `~ CronJob j (batch/v1): changed, 1 field
    ~ apiVersion: "batch/v1beta1" → "batch/v1"

0 added, 0 removed, 1 changed, 0 renamed, 0 unchanged
`,
		},
		"rename across namespaces": {
			from: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: one}\ndata: {k1: v1, k2: v2, k3: v3}\n",
			to:   "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b, namespace: two}\ndata: {k1: v1, k2: v2, k3: changed}\n",
			want: `> ConfigMap two/b (v1): renamed from one/a, 3 fields
    ~ data.k3: "v3" → "changed"
    ~ metadata.name: "a" → "b"
    ~ metadata.namespace: "one" → "two"

0 added, 0 removed, 0 changed, 1 renamed, 0 unchanged
`,
		},
		"too different is not a rename": {
			from: cm("") + "data: {k1: v1, k2: v2}\n",
			to:   "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: other, namespace: ns}\ndata: {k1: v1, k2: x, k3: y}\n",
			want: `- ConfigMap ns/c (v1): removed, 6 fields
    - apiVersion: "v1"
    - data.k1: "v1"
    - data.k2: "v2"
    - kind: "ConfigMap"
    - metadata.name: "c"
    - metadata.namespace: "ns"

+ ConfigMap ns/other (v1): added, 7 fields
    + apiVersion: "v1"
    + data.k1: "v1"
    + data.k2: "x"
    + data.k3: "y"
    + kind: "ConfigMap"
    + metadata.name: "other"
    + metadata.namespace: "ns"

1 added, 1 removed, 0 changed, 0 renamed, 0 unchanged
`,
		},
		"another kind is not a rename": {
			from: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: v}\n",
			to:   "apiVersion: v1\nkind: Secret\nmetadata: {name: b}\ndata: {k: v}\n",
			want: `- ConfigMap a (v1): removed, 4 fields
    - apiVersion: "v1"
    - data.k: "v"
    - kind: "ConfigMap"
    - metadata.name: "a"

+ Secret b (v1): added, 4 fields
    + apiVersion: "v1"
    + data.k: added (1 byte)
    + kind: "Secret"
    + metadata.name: "b"

1 added, 1 removed, 0 changed, 0 renamed, 0 unchanged
`,
		},
		"multi-line strings as a line diff": {
			from: cm("data:\n  run.sh: |\n    #!/bin/sh\n    set -e\n    echo one\n    exit 0\n  new: x\n"),
			to:   cm("data:\n  run.sh: |\n    #!/bin/sh\n    set -e\n    echo two\n    exit 0\n  new: |\n    line 1\n    line 2\n"),
			want: `~ ConfigMap ns/c (v1): changed, 2 fields
    ~ data.new:
        @@ -1 +1,2 @@
        -x
        \ no newline at end
        +line 1
        +line 2
    ~ data["run.sh"]:
        @@ -1,4 +1,4 @@
         #!/bin/sh
         set -e
        -echo one
        +echo two
         exit 0

0 added, 0 removed, 1 changed, 0 renamed, 0 unchanged
`,
		},
		"control characters never reach the terminal": {
			from: cm("data: {a: \"x\"}\n"),
			to:   cm("data: {a: \"\\e[31mred\\nline\"}\n"),
			want: `~ ConfigMap ns/c (v1): changed, 1 field
    ~ data.a:
        @@ -1 +1,2 @@
        -x
        \ no newline at end
        +"\x1b[31mred"
        +line
        \ no newline at end

0 added, 0 removed, 1 changed, 0 renamed, 0 unchanged
`,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := textOf(t, tc.from, tc.to)
			if got != tc.want {
				t.Errorf("text differs:\n%s", golden.Diff(tc.want, got))
			}
		})
	}
}

func TestRenameTieBreak(t *testing.T) {
	// Two removed objects equally similar to one added object: the smaller old
	// identity wins, every time.
	from := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\ndata: {k: v}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: v}\n"
	to := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {k: v}\n"
	for i := 0; i < 20; i++ {
		got := textOf(t, from, to)
		if !strings.Contains(got, "renamed from a,") || !strings.Contains(got, "- ConfigMap b (v1): removed") {
			t.Fatalf("run %d: want c renamed from a and b removed, got:\n%s", i, got)
		}
	}
}

func TestRenamePrefersMostSimilar(t *testing.T) {
	from := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k1: v, k2: v, k3: v, k4: x}\n---\n" +
		"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\ndata: {k1: v, k2: v, k3: v, k4: v}\n"
	to := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {k1: v, k2: v, k3: v, k4: v}\n"
	got := textOf(t, from, to)
	if !strings.Contains(got, "> ConfigMap c (v1): renamed from b, 1 field") {
		t.Fatalf("want c renamed from b (identical data), got:\n%s", got)
	}
}

func TestCompareErrorsFromBothStreams(t *testing.T) {
	_, err := Compare("old.yaml", []byte("- 1\n"), "new.yaml", []byte("apiVersion: v1\nkind: X\n"))
	want := "old.yaml:1:1: document is a list, not a Kubernetes object\nnew.yaml:1:1: metadata: missing or not a mapping (objects without a name cannot be compared)"
	if err == nil || err.Error() != want {
		t.Fatalf("error =\n%v\nwant\n%s", err, want)
	}
}

func TestEmbeddedJSON(t *testing.T) {
	ctx := func(domain, pw string) string {
		return deploy("d", "      - name: dagster\n        env:\n        - name: DAGSTER_CLI_API_GRPC_CONTAINER_CONTEXT\n          value: '{\"k8s\":{\"env\":[{\"name\":\"DB_PASSWORD\",\"value\":\""+pw+"\"},{\"name\":\"A\",\"value\":\"1\"}],\"env_secrets\":[],\"automount_service_account_token\":false,\"labels\":{\"floe.dev/domain\":\""+domain+"\"},\"replicas\":1}}'\n")
	}
	got := textOf(t, ctx("retail", "pw-old-1234"), ctx("retail-eu", "pw-new-5678"))
	want := `~ Deployment ns/d (apps/v1): changed, 2 fields
    ~ spec.template.spec.containers[name=dagster].env[name=DAGSTER_CLI_API_GRPC_CONTAINER_CONTEXT].value(json).k8s.env[name=DB_PASSWORD].value: changed (11 bytes → 11 bytes)
    ~ spec.template.spec.containers[name=dagster].env[name=DAGSTER_CLI_API_GRPC_CONTAINER_CONTEXT].value(json).k8s.labels["floe.dev/domain"]: "retail" → "retail-eu"

0 added, 0 removed, 1 changed, 0 renamed, 0 unchanged
`
	if got != want {
		t.Errorf("text differs:\n%s", golden.Diff(want, got))
	}
	// Not JSON on one side: compared as strings.
	got = textOf(t, cm("data: {a: '{\"x\": 1}'}\n"), cm("data: {a: '{\"x\": 1} trailing'}\n"))
	if !strings.Contains(got, `~ data.a: "{\"x\": 1}" → "{\"x\": 1} trailing"`) {
		t.Errorf("want a string change, got:\n%s", got)
	}
}

func TestAssignedValues(t *testing.T) {
	for s, want := range map[string]bool{
		"--password=hunter22":                     true,
		"token: abcdefgh":                         true,
		`{"api_key":"abc123xyz"}`:                 true,
		"--token=$(TOKEN)":                        false,
		"password: ${DB_PASSWORD}":                false,
		`{"env_secrets":[],"x":1}`:                false,
		`"automount_service_account_token":false`: false,
		"secretName: <set-me>":                    false,
		"tokens are rotated daily":                false,
	} {
		if got := looksSecret(s); got != want {
			t.Errorf("looksSecret(%q) = %v, want %v", s, got, want)
		}
	}
}
