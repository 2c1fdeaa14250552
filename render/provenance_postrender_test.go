package render

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/floe-dev/floe/diag"
)

// TestPostRenderStatement (D-EVD-09): the statement names each object and the stream,
// records the reads and Helm's stream as resolved dependencies (the stream not as a read
// of the root), and its inputs digest moves with the stream, the selector and the level;
// two objects of one name are an error.
func TestPostRenderStatement(t *testing.T) {
	reads := &ReadSet{Reads: []Read{{Op: "file", Path: "platform/pec.yaml", Answer: "sha256:" + strings.Repeat("a", 64)}}}
	a := &PostRenderAttestation{
		Subjects: []Subject{{Name: "Service//web", Digest: map[string]string{"sha256": "01"}}, {Name: "Deployment//web", Digest: map[string]string{"sha256": "02"}}},
		Output:   []byte("kind: Deployment\n"), Input: []byte("helm\n"), Reads: reads,
		Params: ExternalParameters{Contract: "platform/pec.yaml", Select: "app=web", Enforcement: "strict"},
	}
	st, err := a.Statement(map[string]string{"floe": "test"}, time.Unix(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range st.Subject {
		names = append(names, s.Name)
	}
	if got := strings.Join(names, " "); got != "Deployment//web Service//web stream" {
		t.Errorf("subjects %s", got)
	}
	bd := st.Predicate.BuildDefinition
	if bd.BuildType != PostRenderBuildType || len(bd.ResolvedDependencies) != 2 || bd.ResolvedDependencies[1].Name != DependencyHelmStream ||
		bd.ResolvedDependencies[1].Digest["sha256"] != sha256Hex(a.Input) {
		t.Errorf("buildType %s, dependencies %+v", bd.BuildType, bd.ResolvedDependencies)
	}
	back, err := ReadsOf(bd.ResolvedDependencies)
	if err != nil || len(back.Reads) != 1 || back.Reads[0] != reads.Reads[0] {
		t.Errorf("ReadsOf: %+v, %v; want only the root's read", back, err)
	}
	base := PostRenderInputsDigest(reads, a.Input, "app=web", "strict")
	if bd.InternalParameters.InputsDigest != base {
		t.Errorf("inputsDigest %s, want %s", bd.InternalParameters.InputsDigest, base)
	}
	for name, d := range map[string]string{
		"stream":   PostRenderInputsDigest(reads, []byte("helm 2\n"), "app=web", "strict"),
		"selector": PostRenderInputsDigest(reads, a.Input, "", "strict"),
		"level":    PostRenderInputsDigest(reads, a.Input, "app=web", "warn"),
	} {
		if d == base {
			t.Errorf("the inputs digest does not move with the %s", name)
		}
	}
	a.Subjects = append(a.Subjects, Subject{Name: "Service//web"})
	var code diag.ExitCode
	if _, err := a.Statement(nil, time.Time{}); err == nil || !strings.Contains(err.Error(), "two objects named Service//web") ||
		!errors.As(err, &code) || code.ExitCode() != 2 {
		t.Errorf("two objects of one name: %v; want an input error (exit 2)", err)
	}
}
