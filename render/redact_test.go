package render

import (
	"strings"
	"testing"
)

// TestEvidenceNeverRecordsKeyMaterial: policy findings and requirements that quote a
// token-shaped value are recorded redacted in the evidence JSON.
func TestEvidenceNeverRecordsKeyMaterial(t *testing.T) {
	token := "eyJ" + "hbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
	ev := &Evidence{Runtime: RuntimeDagster}
	policy := &PolicyReport{Level: "warn", Findings: []Finding{
		{Rule: "POL-X", Severity: "warn", Resource: "ConfigMap/c", Message: "data.note is " + token},
	}}
	ev.finish([]string{"token " + token + " is published"}, []byte("x"), 1, policy, "warn")
	b, err := ev.JSON()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), token) || strings.Contains(string(b), "eyJzdWIi") {
		t.Errorf("evidence records the token:\n%s", b)
	}
	if !strings.Contains(string(b), `data.note is \u003credacted\u003e`) {
		t.Errorf("evidence lost the finding's text:\n%s", b)
	}
}
