package render

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"github.com/floe-dev/floe/config"
	"github.com/floe-dev/floe/diff"
	"github.com/floe-dev/floe/golden"
)

// TestOverlaysChangeExactlyWhatTheySay renders one product for both runtimes with and
// without the contract's overlays (a floe component, JSON 6902 patches, labels, a
// strategic-merge patch and a replacement) in strict enforcement, and pins the
// difference between the two renders: it must be the overlays' changes and nothing
// else, and the overlaid render must pass the gate. The golden file is floe diff's text.
func TestOverlaysChangeExactlyWhatTheySay(t *testing.T) {
	root, err := config.OSRoot(filepath.Join("testdata", "overlays"))
	if err != nil {
		t.Fatal(err)
	}
	for _, runtime := range []string{RuntimeDagster, RuntimeFloeJobs} {
		t.Run(runtime, func(t *testing.T) {
			render := func(contract string) []byte {
				t.Helper()
				res, err := Render(context.Background(), Options{Root: root, ContractPath: contract, ProductPath: "product", Runtime: runtime, ImageTag: testTag})
				if err != nil {
					t.Fatalf("%s: %v", contract, err)
				}
				if p := res.Evidence.Policy; p == nil || p.Level != "strict" || len(p.Findings) != 0 {
					t.Errorf("%s: want a strict gate with no findings, got %+v", contract, p)
				}
				return res.YAML
			}
			plain, overlaid := render("contract-plain.yaml"), render("contract.yaml")
			if again := render("contract.yaml"); !bytes.Equal(again, overlaid) {
				t.Fatal("render with overlays is not deterministic")
			}
			checkStream(t, overlaid, expectFor(t, root, runtime))
			r, err := diff.Compare("plain", plain, "overlaid", overlaid)
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			if err := diff.WriteText(&out, r, false); err != nil {
				t.Fatal(err)
			}
			golden.Assert(t, filepath.Join(golden.Dir(t), "render-overlays", runtime+".diff.txt"), out.Bytes())
		})
	}
}
