package diff

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/floe-dev/floe/golden"
)

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func render(t testing.TB, r *Result, f Format, color bool) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, r, f, color); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestGolden(t *testing.T) {
	from, to := readTestdata(t, "from.yaml"), readTestdata(t, "to.yaml")
	r, err := Compare("from.yaml", from, "to.yaml", to)
	if err != nil {
		t.Fatal(err)
	}
	same, err := Compare("from.yaml", from, "from.yaml", from)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(golden.Dir(t), "diff")
	cases := []struct {
		file   string
		r      *Result
		f      Format
		color  bool
		differ bool
	}{
		{"text.txt", r, Text, false, true},
		{"text-color.txt", r, Text, true, true},
		{"markdown.md", r, Markdown, false, true},
		{"result.json", r, JSON, false, true},
		{"equal.txt", same, Text, false, false},
		{"equal.md", same, Markdown, false, false},
		{"equal.json", same, JSON, false, false},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			if c.r.Differs() != c.differ {
				t.Fatalf("Differs() = %v, want %v", c.r.Differs(), c.differ)
			}
			golden.Assert(t, filepath.Join(dir, c.file), render(t, c.r, c.f, c.color))
		})
	}
}

func TestColorOnlyWhenAsked(t *testing.T) {
	r, err := Compare("a", readTestdata(t, "from.yaml"), "b", readTestdata(t, "to.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []Format{Text, Markdown, JSON} {
		if out := render(t, r, f, false); bytes.Contains(out, []byte("\x1b[")) {
			t.Errorf("%s without colour has escape sequences", f)
		}
	}
	if out := render(t, r, Text, true); !bytes.Contains(out, []byte("\x1b[32m")) {
		t.Errorf("text with colour has no colour")
	}
}

// TestJSONSchema decodes the JSON output into the documented schema, strictly.
func TestJSONSchema(t *testing.T) {
	r, err := Compare("a", readTestdata(t, "from.yaml"), "b", readTestdata(t, "to.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Summary map[string]int `json:"summary"`
		Objects []struct {
			Kind, Namespace, Name, APIVersion, Change string
			RenamedFrom                               *string `json:"renamedFrom"`
			Fields                                    []struct {
				Path, Change       string
				Old, New           *json.RawMessage
				Redacted           bool
				OldBytes, NewBytes *int
			} `json:"fields"`
		} `json:"objects"`
	}
	dec := json.NewDecoder(bytes.NewReader(render(t, r, JSON, false)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"added", "removed", "changed", "renamed", "unchanged"} {
		if _, ok := doc.Summary[k]; !ok {
			t.Errorf("summary.%s missing", k)
		}
	}
	sawTypes := map[string]bool{}
	for _, o := range doc.Objects {
		if (o.Change == "renamed") != (o.RenamedFrom != nil) {
			t.Errorf("%s %s: renamedFrom present iff renamed", o.Kind, o.Name)
		}
		for _, f := range o.Fields {
			if f.Redacted && (f.Old != nil || f.New != nil) {
				t.Errorf("%s: redacted field carries a value", f.Path)
			}
			if f.Old != nil {
				sawTypes[string(*f.Old)] = true
			}
			if f.New != nil {
				sawTypes[string(*f.New)] = true
			}
		}
	}
	// BATCH_SIZE went from the string "1" to the integer 1: both survive as such.
	if !sawTypes[`"1"`] || !sawTypes[`1`] {
		t.Errorf(`want both "1" and 1 among old/new values, got %v`, sawTypes)
	}
}

// secretValues are every secret in testdata/from.yaml, to.yaml and secrets.yaml, in
// the forms they could leak in.
func secretValues() []string {
	plain := secretPlain()
	out := plain
	for _, s := range plain {
		out = append(out, base64.StdEncoding.EncodeToString([]byte(s)))
	}
	return out
}

func secretPlain() []string {
	return []string{
		"hunter2-old-pw", "hunter2-new-pw-rotated", "pg-old-S3cret", "pg-new-S3cret",
		"AKIAIOSFODNN7EXAMPLE", "AKIAI44QH8DHBEXAMPLE", "tok-old-0000000000", "tok-new-1111111111",
		"MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7", "BEGIN PRIVATE KEY",
		"sk-live-new-key", "aHVudGVyMi1vbGQtcHc=", "aHVudGVyMi1uZXctcHctcm90YXRlZA==", "c2stbGl2ZS1uZXcta2V5", "ZmxvZQ==",
		"renamed-secret-value", "ghp_0123456789abcdefghijABCDEFGHIJ012345", "xoxb-123456789012-abcdefABCDEF",
		"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJmbG9lIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ", "inline-pw-123",
		"s3cr3t-string-data", "opaque-api-key-value",
		"s3cr3t-string-old", "inline-pw-456", "xoxb-999999999999", "renamed-secret-old",
	}
}

func TestSecretsNeverPrinted(t *testing.T) {
	from, to, sec := readTestdata(t, "from.yaml"), readTestdata(t, "to.yaml"), readTestdata(t, "secrets.yaml")
	secOld := []byte(strings.NewReplacer("v2", "v1", "s3cr3t-string-data", "s3cr3t-string-old", "inline-pw-123", "inline-pw-456",
		"xoxb-123456789012", "xoxb-999999999999", "renamed-secret-value", "renamed-secret-old").Replace(string(sec)))
	pairs := map[string][2][]byte{
		"from→to":         {from, to},
		"to→from":         {to, from},
		"nothing→from":    {nil, from},
		"to→nothing":      {to, nil},
		"secrets added":   {nil, sec},
		"secrets removed": {sec, nil},
		"secrets changed": {secOld, sec},
	}
	// The tests must be able to fail: the secrets are really in the inputs.
	all := string(from) + string(to) + string(sec) + string(secOld)
	for _, s := range secretPlain() {
		b64 := base64.StdEncoding.EncodeToString([]byte(s))
		if !strings.Contains(all, s) && !strings.Contains(all, b64) {
			t.Fatalf("secret %q is not in the test inputs: the check below proves nothing for it", s)
		}
	}
	for name, p := range pairs {
		r, err := Compare("a.yaml", p[0], "b.yaml", p[1])
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !r.Differs() {
			t.Fatalf("%s: no differences found", name)
		}
		for _, f := range []Format{Text, Markdown, JSON} {
			for _, color := range []bool{false, true} {
				out := string(render(t, r, f, color))
				for _, s := range secretValues() {
					if strings.Contains(out, s) {
						t.Errorf("%s, %s (colour %v): secret %q printed", name, f, color, s)
					}
				}
				if !strings.Contains(out, "bytes") && !strings.Contains(out, "Bytes") {
					t.Errorf("%s, %s: no redacted field shown at all", name, f)
				}
			}
		}
	}
}

func TestSecretRules(t *testing.T) {
	tests := map[string]struct {
		from, to string
		redacted []string // paths that must be redacted
		shown    []string // paths that must show values
	}{
		"Secret data and stringData": {
			from:     "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ntype: Opaque\ndata: {a: YQ==}\nstringData: {b: x}\n",
			to:       "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ntype: kubernetes.io/tls\ndata: {a: Yg==}\nstringData: {b: y}\n",
			redacted: []string{"data.a", "stringData.b"}, shown: []string{"type"},
		},
		"a Secret from another group is not a core Secret": {
			from:  "apiVersion: example.io/v1\nkind: Secret\nmetadata: {name: s}\ndata: {a: x}\n",
			to:    "apiVersion: example.io/v1\nkind: Secret\nmetadata: {name: s}\ndata: {a: y}\n",
			shown: []string{"data.a"},
		},
		"ConfigMap keys by name": {
			from:     cm("data: {db_password: a, API-KEY: a, accessKey: a, plain: a}\nbinaryData: {token.bin: YQ==}\n"),
			to:       cm("data: {db_password: b, API-KEY: b, accessKey: b, plain: b}\nbinaryData: {token.bin: Yg==}\n"),
			redacted: []string{"data.db_password", "data.API-KEY", "data.accessKey", `binaryData["token.bin"]`},
			shown:    []string{"data.plain"},
		},
		"env by name, valueFrom shown": {
			from:     deploy("d", "      - name: c\n        env:\n        - {name: MY_SECRET, value: a}\n        - {name: Credentials_File, value: a}\n        - {name: GH_TOKEN, valueFrom: {secretKeyRef: {name: s, key: a}}}\n        - {name: PLAIN, value: a}\n"),
			to:       deploy("d", "      - name: c\n        env:\n        - {name: MY_SECRET, value: b}\n        - {name: Credentials_File, value: b}\n        - {name: GH_TOKEN, valueFrom: {secretKeyRef: {name: s, key: b}}}\n        - {name: PLAIN, value: b}\n"),
			redacted: []string{"spec.template.spec.containers[name=c].env[name=MY_SECRET].value", "spec.template.spec.containers[name=c].env[name=Credentials_File].value"},
			shown:    []string{"spec.template.spec.containers[name=c].env[name=GH_TOKEN].valueFrom.secretKeyRef.key", "spec.template.spec.containers[name=c].env[name=PLAIN].value"},
		},
		"env entry renamed to a secret name at the same index": {
			from:     cm("env:\n- {name: A, value: x}\n- {value: y}\n"),
			to:       cm("env:\n- {name: A_PASSWORD, value: z}\n- {value: y}\n"),
			redacted: []string{"env[0].value"},
		},
		"values that look like secrets, anywhere": {
			from:     cm("x: {pem: a, aws: a, url: a, arg: a, jwt: a, plainurl: http://a/b}\n"),
			to:       cm("x:\n  pem: \"-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\\n\"\n  aws: ASIAIOSFODNN7EXAMPLE\n  url: https://u:p4ss@h/x\n  arg: --password=hunter2\n  jwt: eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJmbG9lIn0.c2lnbmF0dXJl\n  plainurl: http://a/c\n"),
			redacted: []string{"x.pem", "x.aws", "x.url", "x.arg", "x.jwt"},
			shown:    []string{"x.plainurl"},
		},
		"secret-named keys anywhere, references shown": {
			from:     "apiVersion: x.io/v1\nkind: Db\nmetadata: {name: d}\nspec:\n  auth: {password: aaaaaaaa, apiKey: a, secretName: a, tokenPath: /a, passwordRef: a, token: false}\n  config: '{\"db\":{\"password\":\"x1\",\"host\":\"h1\"}}'\n",
			to:       "apiVersion: x.io/v1\nkind: Db\nmetadata: {name: d}\nspec:\n  auth: {password: bbbbbbbb, apiKey: b, secretName: b, tokenPath: /b, passwordRef: b, token: true}\n  config: '{\"db\":{\"password\":\"x2\",\"host\":\"h2\"}}'\n",
			redacted: []string{"spec.auth.password", "spec.auth.apiKey", "spec.config(json).db.password"},
			shown:    []string{"spec.auth.secretName", "spec.auth.tokenPath", "spec.auth.passwordRef", "spec.auth.token", "spec.config(json).db.host"},
		},
		"placeholders are not secrets": {
			from:  cm("x: {cmd: a}\n"),
			to:    cm("x: {cmd: \"--token=$(TOKEN)\"}\n"),
			shown: []string{"x.cmd"},
		},
		"last-applied annotation": {
			from:     "apiVersion: v1\nkind: Pod\nmetadata: {name: c, annotations: {kubectl.kubernetes.io/last-applied-configuration: a, other: a}}\n",
			to:       "apiVersion: v1\nkind: Pod\nmetadata: {name: c, annotations: {kubectl.kubernetes.io/last-applied-configuration: b, other: b}}\n",
			redacted: []string{`metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"]`},
			shown:    []string{"metadata.annotations.other"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			r, err := Compare("a", []byte(tc.from), "b", []byte(tc.to))
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]Field{}
			for _, o := range r.Objects {
				for _, f := range o.Fields {
					got[f.Path] = f
				}
			}
			for _, p := range tc.redacted {
				f, ok := got[p]
				if !ok {
					t.Errorf("%s: not reported (have %v)", p, keys(got))
				} else if !f.Redacted || f.Old != nil || f.New != nil {
					t.Errorf("%s: not redacted: %+v", p, f)
				}
			}
			for _, p := range tc.shown {
				f, ok := got[p]
				if !ok {
					t.Errorf("%s: not reported (have %v)", p, keys(got))
				} else if f.Redacted {
					t.Errorf("%s: redacted, want the values shown", p)
				}
			}
		})
	}
}

func keys(m map[string]Field) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestDeterministic: the same inputs, in any document order, give the same bytes.
func TestDeterministic(t *testing.T) {
	from, to := readTestdata(t, "from.yaml"), readTestdata(t, "to.yaml")
	docs := strings.Split(string(to), "\n---\n")
	for i, j := 0, len(docs)-1; i < j; i, j = i+1, j-1 {
		docs[i], docs[j] = docs[j], docs[i]
	}
	reversed := []byte(strings.Join(docs, "\n---\n"))
	var first [3][]byte
	for run := 0; run < 5; run++ {
		in := to
		if run%2 == 1 {
			in = reversed
		}
		r, err := Compare("from.yaml", from, "to.yaml", in)
		if err != nil {
			t.Fatal(err)
		}
		for k, f := range []Format{Text, Markdown, JSON} {
			out := render(t, r, f, false)
			if run == 0 {
				first[k] = out
			} else if !bytes.Equal(first[k], out) {
				t.Fatalf("run %d, %s differs:\n%s", run, f, golden.Diff(string(first[k]), string(out)))
			}
		}
	}
}
