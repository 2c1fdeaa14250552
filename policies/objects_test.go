package policies

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseObjects(t *testing.T) {
	type loc struct {
		Resource  string
		Line, Doc int
	}
	for name, tc := range map[string]struct {
		in      string
		want    []loc
		wantErr string
	}{
		"helm stream with comments and empty documents": {
			in:   "---\n# Source: floe-jobs/templates/cronjob.yaml\napiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: a\n---\n---\n# only a comment\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n",
			want: []loc{{"CronJob/a", 3, 0}, {"ConfigMap/b", 11, 3}},
		},
		"list flattened with item lines": {
			in:   "apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Service\n    metadata: {name: s}\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: c}\n",
			want: []loc{{"Service/s", 4, 0}, {"ConfigMap/c", 7, 0}},
		},
		"empty input": {in: "", want: nil},
		"malformed flow sequence": {
			in:      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\ndata: [1, 2\n",
			wantErr: "in.yaml:7: did not find expected ',' or ']'",
		},
		"bad indentation": {
			in:      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n   labels: {}\n",
			wantErr: "in.yaml:5: mapping values are not allowed in this context",
		},
		"duplicate key": {
			in:      "apiVersion: v1\nkind: ConfigMap\nkind: Secret\n",
			wantErr: `in.yaml:3: mapping key "kind" already defined at line 2`,
		},
		"scalar document": {
			in:      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\njust text\n",
			wantErr: "in.yaml:5: document is not a mapping (a Kubernetes object)",
		},
		"no kind": {
			in:      "apiVersion: v1\nmetadata: {name: a}\n",
			wantErr: "in.yaml:1: object has no kind",
		},
		"list with a bad item": {
			in:      "apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    metadata: {name: s}\n",
			wantErr: "in.yaml:4: object has no kind",
		},
	} {
		t.Run(name, func(t *testing.T) {
			objs, err := ParseObjects("in.yaml", []byte(tc.in))
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr {
					t.Fatalf("error %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []loc
			for _, o := range objs {
				if o.File != "in.yaml" {
					t.Errorf("file %q", o.File)
				}
				got = append(got, loc{o.Resource(), o.Line, o.Doc})
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("objects (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseObjectsNormalizes(t *testing.T) {
	objs, err := ParseObjects("x", []byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  annotations: &a {x: y}\n  labels: *a\ndata:\n  1: one\n  date: 2024-01-02\n  when: 2024-01-02T03:04:05Z\n  big: 18446744073709551615\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"1": "one", "date": "2024-01-02", "when": "2024-01-02T03:04:05Z", "big": uint64(18446744073709551615)}
	if diff := cmp.Diff(want, objs[0].Value["data"]); diff != "" {
		t.Errorf("data (-want +got):\n%s", diff)
	}
	labels := objs[0].Value["metadata"].(map[string]any)["labels"]
	if diff := cmp.Diff(map[string]any{"x": "y"}, labels); diff != "" {
		t.Errorf("alias (-want +got):\n%s", diff)
	}
	if objs[0].Namespace() != "" || objs[0].Name() != "a" || objs[0].Kind() != "ConfigMap" {
		t.Errorf("accessors: %q %q %q", objs[0].Namespace(), objs[0].Name(), objs[0].Kind())
	}
}

func TestParseObjectsRefusesNaN(t *testing.T) {
	_, err := ParseObjects("x", []byte("apiVersion: v1\nkind: ConfigMap\ndata: {a: .nan}\n"))
	if err == nil || !strings.Contains(err.Error(), "x:1: NaN") {
		t.Fatalf("error %v", err)
	}
}

// FuzzParseObjects: any input either parses into objects that carry kind and apiVersion
// and convert to rego input, or fails with an error naming the file.
func FuzzParseObjects(f *testing.F) {
	for _, s := range []string{
		"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n",
		"---\n---\napiVersion: v1\nkind: List\nitems: [{apiVersion: v1, kind: Service}]\n",
		"a: [1, 2\n", "- 1\n- 2\n", "apiVersion: v1\nkind: X\nx: &a [*a]\n", "kind: x\napiVersion: y\n1: {2: 3}\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		objs, err := ParseObjects("f.yaml", data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f.yaml") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		for _, o := range objs {
			if o.Kind() == "" {
				t.Fatalf("object without kind: %v", o.Value)
			}
		}
		if _, err := inputItems(objs); err != nil {
			t.Fatalf("parsed objects do not convert to rego input: %v", err)
		}
	})
}
