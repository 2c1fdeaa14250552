package render

import (
	"context"
	"slices"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/floe-dev/floe/config"
	"github.com/floe-dev/floe/policies"
)

// TestDbtTargetIsTheEnvironment: on the floe-jobs path dbt runs against the contract's
// environment (D-RND-10): profiles.yml's one target and `dbt --target` are E, whatever E
// is (dev, staging, prod).
func TestDbtTargetIsTheEnvironment(t *testing.T) {
	for _, env := range []string{"dev", "staging", "prod"} {
		t.Run(env, func(t *testing.T) {
			root := caseRoot(t, "hello-orders-floe-jobs", [3]string{"contract.yaml", "  name: dev\n", "  name: " + env + "\n"})
			in, ds := config.Load(root, "contract.yaml", "product")
			if ds.HasErrors() || in.Contract.Environment.Name != env {
				t.Fatalf("contract environment %q (%v), want %q", in.Contract.Environment.Name, ds, env)
			}
			res, err := Render(context.Background(), Options{Root: root, ContractPath: "contract.yaml", ProductPath: "product", Runtime: RuntimeFloeJobs, ImageTag: testTag})
			if err != nil {
				t.Fatal(err)
			}
			objs, err := policies.ParseObjects("(rendered)", res.YAML)
			if err != nil {
				t.Fatal(err)
			}
			var targets, args []string
			for _, o := range objs {
				if o.Kind() == "ConfigMap" && o.Name() == "hello-orders-dbt-profiles" {
					var profiles map[string]struct {
						Target  string         `yaml:"target"`
						Outputs map[string]any `yaml:"outputs"`
					}
					data, _ := o.Value["data"].(map[string]any)
					if err := yaml.Unmarshal([]byte(data["profiles.yml"].(string)), &profiles); err != nil {
						t.Fatal(err)
					}
					for _, p := range profiles {
						if _, ok := p.Outputs[p.Target]; !ok {
							t.Errorf("profile target %q has no output: %v", p.Target, p.Outputs)
						}
						targets = append(targets, p.Target)
					}
				}
				for _, tmpl := range []map[string]any{mapAt(o.Value, "spec", "template"), mapAt(o.Value, "spec", "jobTemplate", "spec", "template")} {
					containers, _ := mapAt(tmpl, "spec")["containers"].([]any)
					for _, c := range containers {
						list, _ := c.(map[string]any)["args"].([]any)
						for i, a := range list {
							if a == "--target" && i+1 < len(list) {
								args = append(args, list[i+1].(string))
							}
						}
					}
				}
			}
			if !slices.Equal(targets, []string{env}) || !slices.Equal(args, []string{env}) {
				t.Errorf("profiles target %v, dbt --target %v; want [%s] each", targets, args, env)
			}
		})
	}
}
