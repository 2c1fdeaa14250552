package citations

import (
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// selfTest is this file: its sample strings are citations on purpose, so the repository
// scan skips it (and only it).
const selfTest = "internal/citations/citations_test.go"

// designDoc is where design IDs are defined.
const designDoc = "docs/design.md"

func kinds(fs []Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Kind)
	}
	return out
}

func TestExternal(t *testing.T) {
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"// Manifest enums (SPEC §1.2).", []string{"spec section", "section sign"}},
		{`"description": "SPEC \u00a71.3 with ..."`, []string{"spec section", "section sign"}},
		{"chart location (SPEC variant D2)", []string{"spec section"}},
		{"// drops test hooks (SPEC P-24)", []string{"spec section", "proposal number"}},
		{"// dbt profiles (§2.6) and", []string{"section sign"}},
		{"// P-32: the product's pods reach DNS", []string{"proposal number"}},
		{"schedule has no cron (P-07)", []string{"proposal number"}},
		{"rules of the spec (P-nn proposals)", []string{"proposal number"}},
		{"// exit codes (CLI.md):", []string{"CLI contract doc"}},
		{"see style.md", []string{"style guide"}},
		{"Read `../dagster-chart.md`", []string{"Dagster chart notes"}},
		{"see ../shared/spec/SPEC.md", []string{"shared directory"}},
		{"see ../../shared/style.md", []string{"style guide", "shared directory"}},
		{"as ../shared says", []string{"shared directory"}},
		{"read /work/shared for the rules", []string{"shared directory"}},
		// not citations
		{"- path: ../shared/backoff.yaml", nil},
		{`symlink(t, "../shared/real.yaml", target)`, nil},
		{"// the CronJob name P-dbt must stay ≤ 52 characters", nil},
		{"rule POL-SEC-03 and code FLOE-E204", nil},
		{"warning: plugins: X-03: the manifest has no plugins.catalog", nil},
		{"SCHED-DAGSTER-UNWIRED: Dagster does not run floe schedules yet", nil},
		{"// the product NetworkPolicy (D-RND-18)", nil},
		{"the spec is nil when the list holds errors", nil},
		{"a P-123 ticket, APP-12", nil},
	} {
		if got := kinds(External(tc.text)); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("External(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

func TestDesignIDs(t *testing.T) {
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"// labels (D-RND-17) and NetworkPolicy (D-RND-18)", []string{"D-RND-17", "D-RND-18"}},
		{"(D-IN-05..07, D-RND-07)", []string{"D-IN-05", "D-IN-07", "D-RND-07"}},
		{"policy gate (D-GATE-01..07, `floe check`)", []string{"D-GATE-01", "D-GATE-07"}},
		{"POL-SEC-03, FLOE-E204, X-01, D2, P-dbt", nil},
		{"AD-RND-01 and D-RND-1 and D-R-01", nil},
	} {
		var got []string
		for _, f := range DesignIDs(tc.text) {
			got = append(got, f.Match)
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("DesignIDs(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

func TestDefined(t *testing.T) {
	doc := "# rules\n\n- **D-IN-01 Contract.** text D-IN-99 cited, not defined\n" +
		"- **D-RND-02 Names.** text\n  - **D-RND-03 nested** is not an entry\n- **D-IN-01 Again.**\n"
	got := Defined(doc)
	want := map[string]int{"D-IN-01": 2, "D-RND-02": 1}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Defined = %v, want %v", got, want)
	}
}

// scanned reports whether the repository scan reads path (slash-separated, relative to
// the module root): source, rego, docs, YAML, JSON and text goldens. Docs of history
// (docs/history/, CHANGELOG, HISTORY) may quote what older code said, and are skipped.
func scanned(path string) bool {
	base := filepath.Base(path)
	if strings.HasPrefix(path, "docs/history/") || strings.HasPrefix(base, "CHANGELOG") || strings.HasPrefix(base, "HISTORY") {
		return false
	}
	if path == selfTest || base == "Makefile" {
		return path != selfTest
	}
	switch filepath.Ext(path) {
	case ".go", ".rego", ".md", ".yaml", ".yml", ".json", ".sarif", ".txt", ".tpl", ".sh":
		return true
	}
	return false
}

func TestScanned(t *testing.T) {
	for path, want := range map[string]bool{
		"config/types.go": true, "policies/pss.rego": true, "README.md": true,
		"charts/floe-jobs/values.yaml": true, "golden/check/bad/expected.sarif": true,
		"charts/floe-jobs/templates/_helpers.tpl": true, "Makefile": true,
		selfTest: false, "docs/history/2026.md": false, "CHANGELOG.md": false,
		"bin/floe": false, "go.sum": false,
	} {
		if got := scanned(path); got != want {
			t.Errorf("scanned(%q) = %v, want %v", path, got, want)
		}
	}
}

// repositoryFiles returns the files of the repository the scan reads, keyed by their
// slash-separated path relative to the module root. .git and build output (bin/) are
// not the repository's content.
func repositoryFiles(t *testing.T) map[string]string {
	t.Helper()
	root := filepath.Join("..", "..")
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root: %v", err)
	}
	files := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel == ".git" || rel == "bin" {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() || !scanned(rel) {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		files[rel] = string(b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := files[designDoc]; !ok {
		t.Fatalf("%s not found under the module root", designDoc)
	}
	return files
}

// TestRepositoryCitesNothingOutside fails on any citation of a document outside the
// repository in a comment, message, doc or golden.
func TestRepositoryCitesNothingOutside(t *testing.T) {
	files := repositoryFiles(t)
	if len(files) < 100 {
		t.Fatalf("scanned only %d files: the walk is not seeing the repository", len(files))
	}
	for path, text := range files {
		for _, f := range External(text) {
			t.Errorf("%s:%d: cites a document outside the repository (%s: %q); cite a design ID from %s instead", path, f.Line, f.Kind, f.Match, designDoc)
		}
	}
}

// TestRepositoryDesignIDsDefined fails on a design ID cited anywhere that docs/design.md
// does not define, and on an ID defined twice.
func TestRepositoryDesignIDsDefined(t *testing.T) {
	files := repositoryFiles(t)
	defined := Defined(files[designDoc])
	if len(defined) < 50 {
		t.Fatalf("%s defines only %d IDs: the entry pattern no longer matches", designDoc, len(defined))
	}
	for id, n := range defined {
		if n > 1 {
			t.Errorf("%s: %s is defined %d times", designDoc, id, n)
		}
	}
	cited := 0
	for path, text := range files {
		for _, f := range DesignIDs(text) {
			if path != designDoc {
				cited++
			}
			if defined[f.Match] == 0 {
				t.Errorf("%s:%d: cites %s, which %s does not define", path, f.Line, f.Match, designDoc)
			}
		}
	}
	if cited == 0 {
		t.Error("no design ID is cited outside the design document: the scan is not seeing the code")
	}
}
