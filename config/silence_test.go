package config

import (
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/floe-dev/floe/diag"
)

func TestWarningID(t *testing.T) {
	for msg, want := range map[string]string{
		"X-03: the manifest has no plugins.catalog":        "X-03",
		"SCHED-DAGSTER-UNWIRED: Dagster does not run it":   "SCHED-DAGSTER-UNWIRED",
		"FLOE-E220: description required":                  "FLOE-E220",
		"per-transform compute override is not executable": "",
		"x-03: lower case is no ID":                        "",
		"X03: no dash":                                     "",
		"field: X-03: an ID after a word":                  "",
		"":                                                 "",
	} {
		if got := WarningID(msg); got != want {
			t.Errorf("WarningID(%q) = %q, want %q", msg, got, want)
		}
	}
}

func TestSilenceWarnings(t *testing.T) {
	ds := diag.List{
		{Severity: diag.Warning, Message: "X-03: silenced"},
		{Severity: diag.Error, Message: "X-03: an error is never silenced"},
		{Severity: diag.Warning, Message: "X-01: another ID"},
		{Severity: diag.Warning, Message: "no ID at all"},
	}
	c := &Contract{Policy: &ContractPolicy{Silence: []string{"X-03"}}}
	got := SilenceWarnings(c, ds)
	if len(got) != 3 || got[0].Message != "X-03: an error is never silenced" || got[1].Message != "X-01: another ID" {
		t.Fatalf("SilenceWarnings = %v", got)
	}
	if len(ds) != 4 || ds[0].Message != "X-03: silenced" {
		t.Fatalf("the input list was modified: %v", ds)
	}
	if got := SilenceWarnings(nil, ds); len(got) != 4 {
		t.Fatalf("a nil contract silenced %v", got)
	}
}

// TestEveryGoldenWarningHasAnID: every warning any golden file records starts with an
// ID (after its field path), so policy.silence can name it (D-CLI-05).
func TestEveryGoldenWarningHasAnID(t *testing.T) {
	seen := 0
	err := filepath.WalkDir(filepath.Join("..", "golden"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".txt") {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for line := range strings.SplitSeq(string(data), "\n") {
			_, rest, ok := strings.Cut(line, ": warning: ")
			if !ok {
				continue
			}
			seen++
			if WarningID(rest) != "" {
				continue
			}
			if _, msg, ok := strings.Cut(rest, ": "); ok && WarningID(msg) != "" {
				continue
			}
			t.Errorf("%s: a warning without an ID: %s", p, line)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if seen < 10 {
		t.Fatalf("only %d golden warnings found; the walk is not finding them", seen)
	}
}

// TestEveryConfigWarningCanBeSilenced: each warning the loaders raise, made to appear
// by an edit of a valid product, contract and Manifest, is gone when the contract lists
// its ID under policy.silence, and only it.
func TestEveryConfigWarningCanBeSilenced(t *testing.T) {
	fixture := func(name string) string {
		b, err := os.ReadFile(filepath.Join("testdata", "fixtures", name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	base := map[string]string{
		"contract.yaml":     strings.Replace(fixture("pec-dev.yaml"), "path: demo/manifest.yaml", "path: manifest.yaml", 1),
		"manifest.yaml":     fixture("manifest-demo.yaml"),
		"product/floe.yaml": fixture("floe-customer-360.yaml"),
	}
	type edit struct{ file, old, new string }
	for _, tc := range []struct {
		id    string
		edits []edit
	}{
		{"D-IN-07", []edit{{"product/floe.yaml", "  cron: \"*/10 * * * *\"\n", ""}}},
		{"D-IN-12", []edit{
			{"contract.yaml", "      - name: duckdb\n", "      - name: duckdb\n      - name: snowflake\n"},
			{"product/floe.yaml", "  - name: stg_crm_customers\n", "  - name: stg_crm_customers\n    compute: snowflake\n"},
		}},
		{"D-IN-18", []edit{{"manifest.yaml", "plugins:\n", "data_architecture: medallion\nplugins:\n"}}},
		{"X-03", nil}, // the demo Manifest has no telemetry_backend
	} {
		t.Run(tc.id, func(t *testing.T) {
			files := maps.Clone(base)
			for _, e := range tc.edits {
				if !strings.Contains(files[e.file], e.old) {
					t.Fatalf("%s: edit %q does not apply", e.file, e.old)
				}
				files[e.file] = strings.Replace(files[e.file], e.old, e.new, 1)
			}
			loud := loadWarnings(t, files)
			if !slices.Contains(loud, tc.id) {
				t.Fatalf("no %s warning to silence (the premise): %v", tc.id, loud)
			}
			files["contract.yaml"] += "policy:\n  silence: [" + tc.id + "]\n"
			quiet := loadWarnings(t, files)
			want := slices.DeleteFunc(slices.Clone(loud), func(id string) bool { return id == tc.id })
			if !slices.Equal(quiet, want) {
				t.Errorf("silenced %s: warnings %v, want %v", tc.id, quiet, want)
			}
		})
	}
	// D-IN-19 needs an enterprise and a domain Manifest: the golden mesh case has both.
	t.Run("D-IN-19", func(t *testing.T) {
		dir := filepath.Join("..", "golden", "render", "domain-mesh-dagster")
		files := map[string]string{}
		for _, name := range []string{"contract.yaml", "product/floe.yaml", "platform/enterprise/manifest.yaml", "platform/sales/manifest.yaml"} {
			b, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			files[name] = string(b)
		}
		if loud := loadWarnings(t, files); !slices.Contains(loud, "D-IN-19") {
			t.Fatalf("no D-IN-19 warning to silence (the premise): %v", loud)
		}
		files["contract.yaml"] += "policy:\n  silence: [D-IN-19]\n"
		if quiet := loadWarnings(t, files); slices.Contains(quiet, "D-IN-19") {
			t.Errorf("D-IN-19 not silenced: %v", quiet)
		}
	})
}

// loadWarnings writes files into a new root, loads contract.yaml with
// product/floe.yaml and returns the IDs of the warnings; an error fails the test.
func loadWarnings(t *testing.T, files map[string]string) []string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		write(t, filepath.Join(dir, name), content)
	}
	_, ds := Load(mustRoot(t, dir), "contract.yaml", "product/floe.yaml")
	if ds.HasErrors() {
		t.Fatalf("load: %v", ds)
	}
	var ids []string
	for _, d := range ds.Warnings() {
		id := WarningID(d.Message)
		if id == "" {
			t.Errorf("a warning without an ID: %s", d)
		}
		ids = append(ids, id)
	}
	return ids
}
