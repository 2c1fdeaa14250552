package config

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// mapRoot is an in-memory Root for fuzzing (no disk I/O per input).
type mapRoot map[string][]byte

func (m mapRoot) ReadFile(rel string) ([]byte, error) {
	c, err := CleanRel(rel)
	if err != nil {
		return nil, err
	}
	b, ok := m[c]
	if !ok {
		return nil, fs.ErrNotExist
	}
	if len(b) > MaxFileSize {
		return nil, errors.New("too large")
	}
	return b, nil
}

func (m mapRoot) Stat(rel string) (bool, error) {
	c, err := CleanRel(rel)
	if err != nil {
		return false, err
	}
	if _, ok := m[c]; ok {
		return false, nil
	}
	for k := range m {
		if strings.HasPrefix(k, c+"/") || c == "." {
			return true, nil
		}
	}
	return false, fs.ErrNotExist
}

func (m mapRoot) ReadDir(rel string) ([]string, error) {
	var out []string
	for k := range m {
		if path.Dir(k) == rel {
			out = append(out, path.Base(k))
		}
	}
	sort.Strings(out)
	return out, nil
}

func (m mapRoot) Dir() string { return "" }

func seeds(f *testing.F, files ...string) {
	for _, p := range files {
		b, err := os.ReadFile(filepath.Join("testdata", p))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("a: &a [*a]\n"))
	f.Add([]byte("a: &a {b: 1}\nc: *a\n<<: *a\n"))
	f.Add([]byte("---\n---\n"))
	f.Add([]byte("transforms: [{name: a, dependsOn: [a]}]\n"))
}

// demoFiles is a valid demo root the fuzzed file is dropped into.
func demoFiles(t testing.TB) mapRoot {
	m := mapRoot{}
	for _, p := range []string{"platform/pec-dev.yaml", "demo/manifest.yaml", "demo/customer-360/floe.yaml"} {
		b, err := os.ReadFile(filepath.Join("testdata", "demo", p))
		if err != nil {
			t.Fatal(err)
		}
		m[p] = b
	}
	return m
}

func FuzzLoadContract(f *testing.F) {
	seeds(f, "fixtures/pec-dev.yaml", "demo/platform/pec-dev.yaml")
	base := demoFiles(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		r := mapRoot{}
		for k, v := range base {
			r[k] = v
		}
		r["platform/pec-dev.yaml"] = data
		c, ds := LoadContract(r, "platform/pec-dev.yaml")
		if (c == nil) != ds.HasErrors() {
			t.Fatalf("contract %v with diagnostics %v", c != nil, ds)
		}
		Load(r, "platform/pec-dev.yaml", "demo/customer-360")
	})
}

func FuzzLoadManifest(f *testing.F) {
	seeds(f, "fixtures/manifest-demo.yaml", "fixtures/manifest-2tier-quickstart.yaml", "fixtures/manifest-enterprise-quickstart.yaml",
		"fixtures/manifest-domain-sales-quickstart.yaml", "fixtures/extra/manifest-enterprise-docs-target-state.yaml")
	base := demoFiles(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		r := mapRoot{}
		for k, v := range base {
			r[k] = v
		}
		r["demo/manifest.yaml"] = data
		r["demo/parent.yaml"] = data // parent_manifest: parent.yaml finds a copy of itself
		m, ds := LoadManifest(r, "demo/manifest.yaml")
		if (m == nil) != ds.HasErrors() {
			t.Fatalf("manifest %v with diagnostics %v", m != nil, ds)
		}
		Load(r, "platform/pec-dev.yaml", "demo/customer-360")
	})
}

func FuzzLoadProduct(f *testing.F) {
	seeds(f, "fixtures/floe-customer-360.yaml", "fixtures/floe-hello-orders.yaml", "fixtures/floe-demo-legacy-customer-360.yaml",
		"fixtures/extra/floe-quickstart-fixture.yaml", "fixtures/extra/dataproduct-docs-target-state.yaml")
	base := demoFiles(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		r := mapRoot{}
		for k, v := range base {
			r[k] = v
		}
		r["demo/customer-360/floe.yaml"] = data
		in, ds := Load(r, "platform/pec-dev.yaml", "demo/customer-360")
		if (in == nil) != ds.HasErrors() {
			t.Fatalf("inputs %v with diagnostics %v", in != nil, ds)
		}
		if in != nil {
			ValidateRuntime(in, "dagster")
			ValidateRuntime(in, "floe-jobs")
			_ = Slug(in.Product.Metadata.Name) + DBTName(in.Product.Metadata.Name)
		}
		for _, d := range ds {
			if d.File == "" {
				t.Fatalf("unlocated diagnostic %v", d)
			}
		}
		Load(r, "", "demo/customer-360/floe.yaml")
	})
}
