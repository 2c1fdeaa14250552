package render

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/floe-dev/floe/golden"
)

// TestProvenanceOverGoldenCases: on every golden render case, an attested render (D-EVD-04,
// D-EVD-05) gives the objects of the plain render plus floe.dev/inputs-digest on each
// (the gate's warnings and summary unchanged),
// digests its objects from the stream exactly as encoding each object would, records
// the reads ProductReadSet records, and builds the same statement twice.
func TestProvenanceOverGoldenCases(t *testing.T) {
	eng, err := NewEngine()
	if err != nil {
		t.Fatal(err)
	}
	dirs, err := os.ReadDir(filepath.Join(golden.Dir(t), "render"))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dirs {
		t.Run(d.Name(), func(t *testing.T) {
			c, root := loadCase(t, filepath.Join(golden.Dir(t), "render", d.Name()))
			opts := caseOptions(c, root)
			plain, err := eng.Render(context.Background(), opts)
			if err != nil {
				t.Fatal(err)
			}
			opts.Provenance = true
			res, err := eng.Render(context.Background(), opts)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(plain.Warnings.SortedUnique(), res.Warnings.SortedUnique()); diff != "" || !cmp.Equal(plain.Evidence.Policy.Summary, res.Evidence.Policy.Summary) {
				t.Errorf("the gate judges the annotated objects otherwise:\n%s", diff)
			}
			p := res.Provenance
			if p == nil || !strings.HasPrefix(p.InputsDigest, "sha256:") {
				t.Fatalf("provenance %+v", p)
			}
			line := regexp.MustCompile(`(?m)^ *` + regexp.QuoteMeta(InputsDigestAnnotation+": "+p.InputsDigest) + "\n")
			if got := line.ReplaceAllString(string(res.YAML), ""); got != string(plain.YAML) {
				t.Errorf("the attested render differs from the plain one beyond the annotation:\n%s", cmp.Diff(string(plain.YAML), got))
			}
			if n := len(line.FindAllString(string(res.YAML), -1)); n < len(res.Objects) {
				t.Errorf("%d of %d objects carry the inputs digest", n, len(res.Objects))
			}
			fromStream, err := ObjectSubjects(res.Objects, res.YAML)
			if err != nil {
				t.Fatal(err)
			}
			encoded, err := ObjectSubjects(res.Objects, nil)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(encoded, fromStream); diff != "" || len(encoded) != len(res.Objects) {
				t.Errorf("subjects from the stream differ from those of each object encoded:\n%s", diff)
			}
			probe, err := ProductReadSet(context.Background(), opts)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(probe, p.Reads); diff != "" {
				t.Errorf("recorded reads differ from ProductReadSet's:\n%s", diff)
			}
			st1, err := res.Statement(map[string]string{"floe": "test"}, testTag, testNow)
			if err != nil {
				t.Fatal(err)
			}
			again, err := eng.Render(context.Background(), opts)
			if err != nil {
				t.Fatal(err)
			}
			st2, err := again.Statement(map[string]string{"floe": "test"}, testTag, testNow)
			if err != nil {
				t.Fatal(err)
			}
			b1, _ := st1.JSON()
			b2, _ := st2.JSON()
			if string(b1) != string(b2) {
				t.Errorf("two renders give two statements:\n%s\n%s", b1, b2)
			}
			reads, err := ReadsOf(st1.Predicate.BuildDefinition.ResolvedDependencies)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(p.Reads, reads); diff != "" {
				t.Errorf("the statement's dependencies do not give back the reads:\n%s", diff)
			}
		})
	}
}

// TestInputsDigestMoves: the inputs digest changes with any read's answer and with the
// runtime, image and enforcement level, and with nothing else.
func TestInputsDigestMoves(t *testing.T) {
	reads := &ReadSet{Reads: []Read{{"file", "a.yaml", "sha256:00"}, {"stat", "b", "missing"}}}
	base := InputsDigest(reads, "dagster", "r/p:1", "warn")
	if again := InputsDigest(&ReadSet{Reads: slices.Clone(reads.Reads)}, "dagster", "r/p:1", "warn"); again != base {
		t.Fatalf("the same inputs give %s and %s", base, again)
	}
	changed := func(i int, r Read) *ReadSet {
		s := &ReadSet{Reads: slices.Clone(reads.Reads)}
		s.Reads[i] = r
		return s
	}
	for name, got := range map[string]string{
		"answer":      InputsDigest(changed(0, Read{"file", "a.yaml", "sha256:01"}), "dagster", "r/p:1", "warn"),
		"path":        InputsDigest(changed(0, Read{"file", "c.yaml", "sha256:00"}), "dagster", "r/p:1", "warn"),
		"existence":   InputsDigest(changed(1, Read{"stat", "b", "file"}), "dagster", "r/p:1", "warn"),
		"runtime":     InputsDigest(reads, "floe-jobs", "r/p:1", "warn"),
		"image":       InputsDigest(reads, "dagster", "r/p:2", "warn"),
		"enforcement": InputsDigest(reads, "dagster", "r/p:1", "strict"),
	} {
		if got == base {
			t.Errorf("a changed %s leaves the digest %s", name, base)
		}
	}
}

// TestReadsOfRefuses: a dependency with an unknown read or neither digest nor answer is
// an error; the chart and the image are not reads.
func TestReadsOfRefuses(t *testing.T) {
	for _, tc := range []struct {
		name string
		deps []ResourceDescriptor
		ok   bool
	}{
		{"chart and image", []ResourceDescriptor{{Name: dependencyChart + "x", Digest: map[string]string{"sha256": "ab"}}, {Name: dependencyImage, URI: "r/p:1"}}, true},
		{"unknown read", []ResourceDescriptor{{Name: "a", Annotations: map[string]string{"read": "exec"}, Digest: map[string]string{"sha256": "ab"}}}, false},
		{"no answer", []ResourceDescriptor{{Name: "a", Annotations: map[string]string{"read": "file"}}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := ReadsOf(tc.deps)
			if (err == nil) != tc.ok || (tc.ok && len(s.Reads) != 0) {
				t.Fatalf("ReadsOf: %v, %+v", err, s)
			}
		})
	}
}
