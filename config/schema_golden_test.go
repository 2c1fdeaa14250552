package config

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// reKindLine finds a document's kind without decoding it (hostile goldens included).
var reKindLine = regexp.MustCompile(`(?m)^kind:\s*(\S+)\s*$`)

// TestSchemaAgreesWithLoaderOnGoldenInputs: over every input file of every golden case
// (validate, render, batch, diff, …), a file floe's loader accepts on its own is accepted
// by the JSON Schema of its kind, so an editor never flags what floe takes. The schema
// may accept more (cross-file rules, file existence and value shapes are the loader's).
func TestSchemaAgreesWithLoaderOnGoldenInputs(t *testing.T) {
	schemas := compileSchemas(t)
	kinds := map[string]string{KindContract: "contract", KindManifest: "manifest", KindProduct: "product"}
	checked := map[string]int{}
	err := filepath.WalkDir(filepath.Join("..", "golden"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".yaml") || strings.HasPrefix(d.Name(), "expected") {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		m := reKindLine.FindSubmatch(data)
		if m == nil || kinds[string(m[1])] == "" || strings.Contains(string(data), "\n---") {
			return nil
		}
		kind := kinds[string(m[1])]
		root := mustRoot(t, filepath.Dir(p))
		var loaderErr error
		switch kind {
		case "contract":
			_, ds := LoadContract(root, d.Name())
			loaderErr = ds.Err()
		case "manifest":
			_, ds := LoadManifest(root, d.Name())
			loaderErr = ds.Err()
		case "product":
			_, ds := LoadProduct(root, d.Name())
			loaderErr = ds.Err()
		}
		if loaderErr != nil {
			return nil
		}
		checked[kind]++
		if err := schemas[kind].Validate(instance(t, data)); err != nil {
			t.Errorf("%s: floe accepts this %s, its schema does not: %v", p, kind, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"contract", "manifest", "product"} {
		if checked[k] < 5 {
			t.Errorf("only %d golden %s inputs checked; the walk is not finding them", checked[k], k)
		}
	}
	t.Logf("checked %v", checked)
}
