package render

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/floe-dev/floe/diag"
	"github.com/floe-dev/floe/policies"
)

// TestOverlayContainersKeepTheirImage: a container an overlay adds to a product workload
// keeps its own image, judged by the registry rules (POL-SEC-08), while the chart's
// containers run the product image whatever the overlay says (D-RND-12, D-OVL-03).
func TestOverlayContainersKeepTheirImage(t *testing.T) {
	sidecar := func(image string) weakening {
		return weakening{ops: `- {op: add, path: "{pod}/containers/0/image", value: "registry.example.com/data-products/other:0123456789ab"}
- {op: add, path: "{pod}/containers/-", value: {name: agent, image: "` + image + `"}}`}
	}
	for _, runtime := range []string{RuntimeDagster, RuntimeFloeJobs} {
		product := map[string]string{RuntimeDagster: "dagster", RuntimeFloeJobs: "dbt"}[runtime]
		t.Run(runtime, func(t *testing.T) {
			const agent = "registry.example.com/data-products/metrics-agent:0123456789ab"
			root := weakeningRoot(t, policies.LevelStrict, runtime, sidecar(agent))
			res, err := Render(context.Background(), Options{Root: root, ContractPath: "contract.yaml", ProductPath: "product",
				Runtime: runtime, ImageTag: testTag, Enforcement: policies.LevelStrict})
			if err != nil {
				t.Fatalf("a sidecar from the contract's registry: %v", err)
			}
			objs, err := policies.ParseObjects("(rendered)", res.YAML)
			if err != nil {
				t.Fatal(err)
			}
			seen := 0
			for _, o := range objs {
				for _, tmpl := range []map[string]any{mapAt(o.Value, "spec", "template"), mapAt(o.Value, "spec", "jobTemplate", "spec", "template")} {
					containers, _ := mapAt(tmpl, "spec")["containers"].([]any)
					for _, c := range containers {
						cm := c.(map[string]any)
						want := res.Image
						if cm["name"] == "agent" {
							want = agent
						} else if cm["name"] != product {
							t.Errorf("unexpected container %v", cm["name"])
						}
						if cm["image"] != want {
							t.Errorf("%s container %v runs %v, want %s", o.Resource(), cm["name"], cm["image"], want)
						}
						seen++
					}
				}
			}
			if seen == 0 {
				t.Fatal("no container found")
			}

			const foreign = "ghcr.io/platform/otel-agent:1.2.0"
			root = weakeningRoot(t, policies.LevelStrict, runtime, sidecar(foreign))
			_, err = Render(context.Background(), Options{Root: root, ContractPath: "contract.yaml", ProductPath: "product",
				Runtime: runtime, ImageTag: testTag, Enforcement: policies.LevelStrict})
			var code diag.ExitCode
			if err == nil || !errors.As(err, &code) || code.ExitCode() != 1 ||
				!strings.Contains(err.Error(), `POL-SEC-08: container "agent": image "`+foreign+`" is not from registry "registry.example.com/data-products"`) {
				t.Fatalf("a sidecar from another registry at strict: want a POL-SEC-08 denial, got %v", err)
			}
		})
	}
}
