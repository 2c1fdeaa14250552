package render

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPolicyGateClockIsTheRenderTime: a contract bundle's time.now_ns() is
// Options.Now, not the host's clock.
func TestPolicyGateClockIsTheRenderTime(t *testing.T) {
	eng, err := NewEngine()
	if err != nil {
		t.Fatal(err)
	}
	root := gateRoot(t, "  exceptions:\n    - rule: POL-SEC-04\n      resources: [\"CronJob/*\"]\n      reason: accepted\n      approvedBy: security@example.com\n      expires: \"2027-03-31\"\n  bundles: [platform/clock]\n")
	rego := `package floe.clock

rules["CLK-01"] := {"title": "The render time", "severity": "warn", "remediation": "none"}

violation contains {"rule": "CLK-01", "i": 0, "msg": sprintf("now %d", [time.now_ns()])}
`
	if err := os.MkdirAll(filepath.Join(root.Dir(), "platform", "clock"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root.Dir(), "platform", "clock", "clock.rego"), []byte(rego), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := eng.Render(context.Background(), Options{Root: root, ContractPath: "contract.yaml", ProductPath: "product",
		Runtime: RuntimeFloeJobs, ImageTag: testTag, Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("CLK-01: now %d", testNow.UnixNano())
	var ws []string
	for _, w := range res.Warnings {
		ws = append(ws, w.String())
	}
	if !strings.Contains(strings.Join(ws, "\n"), want) {
		t.Errorf("warnings lack %q:\n%s", want, strings.Join(ws, "\n"))
	}
}
