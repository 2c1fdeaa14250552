package postrender

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/floe-dev/floe/policies"
)

// TestGateClockIsTheRenderTime: a contract bundle's time.now_ns() is Options.Now.
func TestGateClockIsTheRenderTime(t *testing.T) {
	ctx := context.Background()
	in := demoInputs(t, "demo/customer-360")
	clock := policies.Module{Path: "platform/clock/clock.rego", Source: []byte(`package floe.clock

rules["CLK-01"] := {"title": "The render time", "severity": "warn", "remediation": "none"}

violation contains {"rule": "CLK-01", "i": 0, "msg": sprintf("now %d", [time.now_ns()])}
`)}
	now := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	r := newRenderer(t, in, "", policies.Start(ctx, policies.Options{ExtraBundles: []policies.Module{clock}}))
	_, rep, err := r.Render(ctx, readFile(t, filepath.Join("testdata", "orchestrator-release-customer-360.helm3.yaml")))
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("now %d", now.UnixNano())
	for _, f := range rep.Findings {
		if f.Rule == "CLK-01" {
			if f.Message != want {
				t.Errorf("CLK-01: %q, want %q", f.Message, want)
			}
			return
		}
	}
	t.Errorf("no CLK-01 finding among %d", len(rep.Findings))
}
