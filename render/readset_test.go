package render

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/floe-dev/floe/config"
)

// questions are a read set's (op, path) pairs.
func questions(s *ReadSet) []string {
	var out []string
	for _, r := range s.Reads {
		out = append(out, r.Op+" "+r.Path)
	}
	return out
}

// TestReadSetCoversRender: the reads ProductReadSet records without rendering are
// exactly the reads a whole render (overlays and policy bundles included) makes, with
// the same answers; and a root that answers one of them otherwise is found.
func TestReadSetCoversRender(t *testing.T) {
	for _, tc := range []struct{ dir, contract string }{
		{"overlays", "contract.yaml"}, // a floe component, patches, a replacement
		{"gate", "contract.yaml"},     // an overlay and a policy bundle
		{"overlays", "contract-plain.yaml"},
	} {
		t.Run(tc.dir+"/"+tc.contract, func(t *testing.T) {
			root, err := config.OSRoot(filepath.Join("testdata", tc.dir))
			if err != nil {
				t.Fatal(err)
			}
			opts := Options{Root: root, ContractPath: tc.contract, ProductPath: "product", ImageTag: testTag}
			probe, err := ProductReadSet(context.Background(), opts)
			if err != nil {
				t.Fatal(err)
			}
			rec := newRecordingRoot(root)
			ropts := opts
			ropts.Root = rec
			if _, err := Render(context.Background(), ropts); err != nil && exitCodeOf(err) != 1 {
				t.Fatalf("render: %v", err)
			}
			full := rec.readSet()
			if got, want := questions(probe), questions(full); !slices.Equal(got, want) {
				t.Fatalf("read sets differ\nprobe:  %v\nrender: %v", got, want)
			}
			if !slices.Equal(probe.Reads, full.Reads) {
				t.Fatalf("answers differ\nprobe:  %v\nrender: %v", probe.Reads, full.Reads)
			}
			if r, changed := probe.FirstChange(root); changed {
				t.Fatalf("the same root answers %s %s otherwise", r.Op, r.Path)
			}
		})
	}

	// A changed overlay patch is found in the read set; a file nobody reads is not.
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(filepath.Join("testdata", "overlays"))); err != nil {
		t.Fatal(err)
	}
	root, err := config.OSRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	probe, err := ProductReadSet(context.Background(), Options{Root: root, ContractPath: "contract.yaml", ProductPath: "product", ImageTag: testTag})
	if err != nil {
		t.Fatal(err)
	}
	patch := "platform/overlays/cost/kustomization.yaml"
	if !slices.Contains(probe.Paths(), patch) {
		t.Fatalf("%s is not in the read set: %v", patch, probe.Paths())
	}
	if err := os.WriteFile(filepath.Join(dir, "unread.yaml"), []byte("x: 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if r, changed := probe.FirstChange(root); changed {
		t.Fatalf("an unread file changed the read set at %s", r.Path)
	}
	f, err := os.OpenFile(filepath.Join(dir, patch), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("# edited\n")
	f.Close()
	if r, changed := probe.FirstChange(root); !changed || r.Path != patch {
		t.Fatalf("edited %s: first change %+v, %v", patch, r, changed)
	}
}

// TestReadSetCached: over a cached root (one snapshot, as a review reads each side) the
// read set is the same as over the plain root, the contract's overlay and bundle reads
// recorded once and given to every product.
func TestReadSetCached(t *testing.T) {
	root, err := config.OSRoot(filepath.Join("testdata", "gate"))
	if err != nil {
		t.Fatal(err)
	}
	opts := Options{Root: root, ContractPath: "contract.yaml", ProductPath: "product", ImageTag: testTag}
	plain, err := ProductReadSet(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	opts.Root = NewCachedRoot(root)
	for range 2 {
		cached, err := ProductReadSet(context.Background(), opts)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(cached.Reads, plain.Reads) {
			t.Fatalf("cached read set differs\ncached: %v\nplain:  %v", cached.Reads, plain.Reads)
		}
	}
}
