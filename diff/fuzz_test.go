package diff

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// FuzzCompare: any pair of inputs either fails to parse with located diagnostics or
// compares without panicking; every format renders (the JSON is valid); and a stream
// compared with itself has no differences.
func FuzzCompare(f *testing.F) {
	for _, name := range []string{"from.yaml", "to.yaml", "secrets.yaml"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, b[:len(b)/2])
	}
	f.Add([]byte("apiVersion: v1\nkind: List\nitems: [{apiVersion: v1, kind: A, metadata: {name: a}}]\n"), []byte("a: &a [*a]"))
	f.Add([]byte("apiVersion: v1\nkind: A\nmetadata: {name: a}\nx: [.nan, 1, '1', {name: n}]\n"), []byte("---\n~\n---\n"))
	f.Add([]byte("<<: {apiVersion: v1, kind: A, metadata: {name: a}}\nx: !!binary aGk=\n"), []byte("apiVersion: v1\nkind: A\nmetadata: {name: b}\n"))
	f.Fuzz(func(t *testing.T, a, b []byte) {
		r, err := Compare("a", a, "b", b)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			return
		}
		for _, format := range []Format{Text, Markdown, JSON} {
			var out bytes.Buffer
			if err := Write(&out, r, format, true); err != nil {
				t.Fatalf("%s: %v", format, err)
			}
			if format == JSON && !json.Valid(out.Bytes()) {
				t.Fatalf("invalid JSON:\n%s", out.Bytes())
			}
		}
		self, err := Compare("a", a, "a", a)
		if err != nil {
			t.Fatalf("a parsed once but not twice: %v", err)
		}
		if self.Differs() {
			var out bytes.Buffer
			_ = WriteText(&out, self, false)
			t.Fatalf("a stream differs from itself:\n%s", out.String())
		}
	})
}
