package config

import (
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/floe-dev/floe/diag"
	"github.com/floe-dev/floe/golden"
)

// reKindLine finds a document's kind without decoding it (hostile inputs included).
var reKindLine = regexp.MustCompile(`(?m)^kind:\s*(\S+)\s*$`)

var schemaKindOf = map[string]string{KindContract: "contract", KindManifest: "manifest", KindProduct: "product"}

// TestSchemaFilesAreGenerated: config/schemas/ holds exactly what `floe schema` prints,
// the schemas generated from the Go types (`go generate ./config` or
// `go test ./config -update` rewrites them).
func TestSchemaFilesAreGenerated(t *testing.T) {
	for _, k := range SchemaKinds {
		b, err := Schema(k)
		if err != nil {
			t.Fatal(err)
		}
		golden.Assert(t, filepath.Join("schemas", k+".schema.json"), b)
	}
}

// loadKind runs the loader of one kind on rel inside root.
func loadKind(root Root, kind, rel string) diag.List {
	switch kind {
	case "contract":
		_, ds := LoadContract(root, rel)
		return ds
	case "manifest":
		_, ds := LoadManifest(root, rel)
		return ds
	}
	_, ds := LoadProduct(root, rel)
	return ds
}

// inputFiles are the YAML files under golden/, examples/ and every testdata/ directory
// of the module whose single document has one of the three kinds, by kind.
func inputFiles(t *testing.T) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	err := filepath.WalkDir("..", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != ".." && (strings.HasPrefix(d.Name(), ".") || d.Name() == "e2e" || d.Name() == "tools") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".yaml") && !strings.HasSuffix(p, ".yml") {
			return nil
		}
		in := strings.HasPrefix(p, filepath.Join("..", "golden")+string(filepath.Separator)) ||
			strings.HasPrefix(p, filepath.Join("..", "examples")+string(filepath.Separator)) ||
			strings.Contains(p, string(filepath.Separator)+"testdata"+string(filepath.Separator))
		if !in {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil || len(data) > MaxFileSize {
			return nil
		}
		m := reKindLine.FindSubmatch(data)
		if m == nil || schemaKindOf[string(m[1])] == "" || strings.Contains(string(data), "\n---") {
			return nil
		}
		kind := schemaKindOf[string(m[1])]
		out[kind] = append(out[kind], p)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// acceptedBy loads p with the loader of kind, rooted at its directory or, when a path it
// names lies above (a contract's platformManifest.path, a parent_manifest), at the
// nearest ancestor where it loads; true when some root accepts it.
func acceptedBy(t *testing.T, kind, p string) bool {
	t.Helper()
	abs, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	top, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	for dir := filepath.Dir(abs); strings.HasPrefix(dir, top); dir = filepath.Dir(dir) {
		rel, err := filepath.Rel(dir, abs)
		if err != nil {
			t.Fatal(err)
		}
		if !loadKind(mustRoot(t, dir), kind, filepath.ToSlash(rel)).HasErrors() {
			return true
		}
	}
	return false
}

// TestSchemaAcceptsEveryInputTheLoaderAccepts: every contract, Manifest and floe.yaml
// under golden/, examples/ and the testdata/ directories that floe's loader accepts is
// accepted by the JSON Schema of its kind, so an editor never flags what floe takes.
func TestSchemaAcceptsEveryInputTheLoaderAccepts(t *testing.T) {
	schemas := compileSchemas(t)
	checked := map[string]int{}
	for kind, files := range inputFiles(t) {
		for _, p := range files {
			if !acceptedBy(t, kind, p) {
				continue
			}
			checked[kind]++
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if err := schemas[kind].Validate(instance(t, data)); err != nil {
				t.Errorf("%s: floe accepts this %s, its schema does not: %v", p, kind, err)
			}
		}
	}
	for _, k := range SchemaKinds {
		if checked[k] < 10 {
			t.Errorf("only %d %s inputs checked; the walk is not finding them", checked[k], k)
		}
	}
	t.Logf("inputs the loader accepts, checked against the schema: %v", checked)
}

// loaderOnlyCases are golden/validate cases of one file that the loader rejects and the
// schema accepts: each breaks a rule JSON Schema cannot state (or states only for
// editors' sake), named by its design ID.
var loaderOnlyCases = map[string]string{
	"contract-manifest-missing":             "D-IN-17: platformManifest.path must name a file inside the root",
	"decode-alias-merge-key":                "D-IN-20: YAML merge keys are refused; a schema sees the merged mapping",
	"decode-multi-document":                 "D-IN-20: one document per file; a schema sees one document",
	"manifest-mesh-cycle":                   "D-IN-10: the parent_manifest chain has no cycle",
	"manifest-mesh-oci-parent":              "D-IN-10: parent_manifest is a local path",
	"manifest-mesh-parent-escapes-root":     "D-IN-10: parent_manifest resolves inside the root",
	"manifest-mesh-parent-not-enterprise":   "D-IN-10: a domain's parent has scope enterprise",
	"manifest-mesh-whitelist-and-weakening": "D-IN-10: domain plugins are whitelisted, security settings never weaken",
	"product-credentials-in-values":         "D-SEC-04: values with the shape of key material",
	"product-cron-never-fires":              "D-IN-05: a schedule that can fire (days that exist in its months)",
	"product-cron-never-fires-months":       "D-IN-05: a schedule that can fire (days that exist in its months)",
	"product-cron-range":                    "D-IN-05: each cron field within its range",
	"product-dependson-cycle":               "D-IN-04: dependsOn has no cycle",
	"product-dependson-cycle-long":          "D-IN-04: dependsOn has no cycle",
	"product-dependson-cycle-shortest":      "D-IN-04: dependsOn has no cycle",
	"product-dependson-self":                "D-IN-04: dependsOn has no cycle",
	"product-dependson-unknown":             "D-IN-04: dependsOn names a transform",
	"product-huge-value":                    "D-IN-06: schedule.timezone is an IANA zone",
	"product-timezone":                      "D-IN-06: schedule.timezone is an IANA zone",
}

// TestSchemaRejectsEveryGoldenInputTheLoaderRejects: each golden/validate case that
// loads one file (contract, manifest or product) and fails is refused by the schema
// too, unless loaderOnlyCases lists it with the design rule only the loader checks.
// Cases that load several files fail on cross-document rules (D-IN-13), which a
// schema of one file cannot see.
func TestSchemaRejectsEveryGoldenInputTheLoaderRejects(t *testing.T) {
	schemas := compileSchemas(t)
	base := filepath.Join("..", "golden", "validate")
	ents, err := os.ReadDir(base)
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	used := map[string]bool{}
	for _, e := range ents {
		spec, err := os.ReadFile(filepath.Join(base, e.Name(), "load"))
		if err != nil {
			continue
		}
		f := strings.Fields(string(spec))
		if len(f) != 2 {
			continue
		}
		dir := filepath.Join(base, e.Name())
		if !loadKind(mustRoot(t, dir), f[0], f[1]).HasErrors() {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, f[1]))
		if err != nil {
			t.Fatal(err)
		}
		checked++
		inst, ok := instanceOf(data)
		schemaErr := error(nil)
		if ok {
			schemaErr = schemas[f[0]].Validate(inst)
		}
		why, listed := loaderOnlyCases[e.Name()]
		used[e.Name()] = true
		switch {
		case !ok:
			// not YAML a schema validator can be given (a bomb, a binary file, …)
		case schemaErr == nil && !listed:
			t.Errorf("%s: the loader rejects it, the %s schema accepts it (list it in loaderOnlyCases with the rule's D-* ID if only the loader can check it)", e.Name(), f[0])
		case schemaErr != nil && listed:
			t.Errorf("%s: listed as loader-only (%s) but the schema rejects it too: remove it from loaderOnlyCases", e.Name(), why)
		}
	}
	for name := range loaderOnlyCases {
		if !used[name] {
			t.Errorf("loaderOnlyCases lists %s, which is not a failing one-file golden case", name)
		}
	}
	if checked < 20 {
		t.Fatalf("only %d failing one-file golden cases checked", checked)
	}
	t.Logf("%d failing golden cases checked, %d of them loader-only", checked, len(loaderOnlyCases))
}

// TestSchemaRuleNamesAreUsed: every enum, pattern, constant, fragment and shape the
// schema tags can name is named by some tag or schemaExtend (a validator value the
// schema forgot shows up here), and every tag parses.
func TestSchemaRuleNamesAreUsed(t *testing.T) {
	used := map[string]bool{}
	seen := map[reflect.Type]bool{}
	var walk func(reflect.Type)
	walk = func(rt reflect.Type) {
		for rt.Kind() == reflect.Pointer || rt.Kind() == reflect.Slice || rt.Kind() == reflect.Map {
			rt = rt.Elem()
		}
		if rt.Kind() != reflect.Struct || seen[rt] {
			return
		}
		seen[rt] = true
		for i := range rt.NumField() {
			f := rt.Field(i)
			for rule := range strings.SplitSeq(f.Tag.Get("schema"), ",") {
				for _, prefix := range []string{"items.", "values."} {
					for strings.HasPrefix(rule, prefix) {
						rule = strings.TrimPrefix(rule, prefix)
					}
				}
				if key, val, ok := strings.Cut(rule, "="); ok {
					used[key+"="+val] = true
				}
			}
			walk(f.Type)
		}
	}
	for _, src := range schemaSources {
		walk(reflect.TypeOf(src.value))
	}
	// named by schemaExtend methods rather than tags
	used["pattern=dnsLabel"] = true
	for kind, names := range map[string][]string{
		"enum":    slices.Collect(maps.Keys(schemaEnums)),
		"pattern": slices.Collect(maps.Keys(schemaPatterns)),
		"const":   slices.Collect(maps.Keys(schemaConsts)),
		"use":     slices.Collect(maps.Keys(schemaFragments)),
		"shape":   slices.Collect(maps.Keys(schemaShapes)),
	} {
		for _, n := range names {
			if !used[kind+"="+n] {
				t.Errorf("%s %q is registered for the schema but no tag names it", kind, n)
			}
		}
	}
}
