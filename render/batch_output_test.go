package render

import (
	"bytes"
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/floe-dev/floe/config"
	"github.com/floe-dev/floe/golden"
	"github.com/floe-dev/floe/internal/atomicwrite"
)

// TestOutNames: folders are paths relative to DIR; a product in DIR itself takes DIR's
// name; two products on one folder are refused.
func TestOutNames(t *testing.T) {
	root, err := config.OSRoot(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		dir      string
		products []string
		want     []string
		err      string
	}{
		{"products", []string{"products/a", "products/b/c"}, []string{"a", "b/c"}, ""},
		{"products", []string{"products", "products/a"}, []string{"products", "a"}, ""},
		{".", []string{"a", "b"}, []string{"a", "b"}, ""},
		{".", []string{"."}, []string{filepath.Base(root.Dir())}, ""},
		{"team/a", []string{"team/a", "team/a/a"}, nil, "products team/a and team/a/a would both be written to a"},
	}
	for _, tc := range tests {
		got, err := outNames(root, tc.dir, tc.products)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s %v: error %v, want %q", tc.dir, tc.products, err, tc.err)
			}
			continue
		}
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("%s %v: %v %v, want %v", tc.dir, tc.products, got, err, tc.want)
		}
	}
}

// TestSplitStream: the canonical stream is cut at "---" lines only.
func TestSplitStream(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"a: 1\n", []string{"a: 1\n"}},
		{"a: 1\n---\nb: 2\n", []string{"a: 1\n", "b: 2\n"}},
		{"a: |\n  ---\n  x\n---\nb: '---'\n", []string{"a: |\n  ---\n  x\n", "b: '---'\n"}},
		{"a: 1\n---\nb: 2\n---\nc: 3\n", []string{"a: 1\n", "b: 2\n", "c: 3\n"}},
	}
	for _, tc := range tests {
		var got []string
		for _, d := range splitStream([]byte(tc.in)) {
			got = append(got, string(d))
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("splitStream(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestWriteObjectsFallback: when the stream does not cut into one document per object,
// every object is emitted on its own — the files are the same.
func TestWriteObjectsFallback(t *testing.T) {
	o := batchOptions(t, batchRoot(t), "").Options
	o.ProductPath = "products/hello-orders"
	res, err := testBatchEngine(t).Render(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	cut, emitted := filepath.Join(t.TempDir(), "cut"), filepath.Join(t.TempDir(), "emitted")
	write := func(dir string, res *Result) {
		stage, err := atomicwrite.StageDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		if err := writeObjects(stage, "p", res); err != nil {
			t.Fatal(err)
		}
		if err := stage.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	write(cut, res)
	broken := *res
	broken.YAML = bytes.ReplaceAll(res.YAML, []byte("\n---\n"), []byte("\n"))
	write(emitted, &broken)
	a, _ := tree(t, cut)
	b, _ := tree(t, emitted)
	if a != b || strings.Count(a, "\n") != len(res.Objects) {
		t.Errorf("cut and emitted files differ:\n%s", golden.Diff(b, a))
	}
}

// FuzzSplitStream: the documents joined by "---" lines give the stream back, and no
// document holds a "---" line of its own.
func FuzzSplitStream(f *testing.F) {
	for _, s := range []string{"", "a: 1\n", "a: 1\n---\nb: 2\n", "---\n", "\n---\n---\n", "a: |\n  ---\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		docs := splitStream(in)
		if len(in) == 0 {
			if docs != nil {
				t.Fatalf("empty stream gave %q", docs)
			}
			return
		}
		var joined []byte
		for i, d := range docs {
			if i > 0 {
				joined = append(joined, "---\n"...)
			}
			if i < len(docs)-1 && bytes.Contains(d, []byte("\n---\n")) {
				t.Fatalf("document %d holds a separator: %q", i, d)
			}
			joined = append(joined, d...)
		}
		if !bytes.Equal(joined, in) {
			t.Fatalf("split %q, joined back %q", in, joined)
		}
	})
}
