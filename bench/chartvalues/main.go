// Command chartvalues prepares the inputs of the peer pipeline bench/peers.sh times
// against `floe render`, from what floe itself computes for one product
// (render.ChartValues), so that both sides do the same work:
//
//	chartvalues -root DIR -contract FILE -product DIR -image-tag SHA [-runtime R] -out DIR
//
// writes into DIR:
//   - values.yaml: the chart values floe computes (`helm template -f values.yaml`);
//   - kustomize/kustomization.yaml: what a platform overlay adds after helm — namespace,
//     labels, annotations, image, service account, pod and container security context,
//     resources and the telemetry env on every workload container (resources:
//     rendered.yaml, the helm output);
//   - params.json: data.floe.params for `conftest test --data` (the contract's and the
//     product's expected values, as the floe gate gets them).
//
// It prints "CHART RELEASE NAMESPACE" on stdout.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"gopkg.in/yaml.v3"

	"github.com/floe-dev/floe/config"
	"github.com/floe-dev/floe/policies"
	"github.com/floe-dev/floe/render"
)

func main() {
	rootDir := flag.String("root", ".", "root directory")
	contract := flag.String("contract", "", "root-relative contract")
	product := flag.String("product", "", "root-relative product directory")
	runtime := flag.String("runtime", "", "dagster or floe-jobs (default: the contract's)")
	tag := flag.String("image-tag", "", "image tag (git SHA)")
	out := flag.String("out", "", "directory to write values.yaml, kustomize/ and params.json into")
	flag.Parse()
	if err := run(*rootDir, *contract, *product, *runtime, *tag, *out); err != nil {
		fmt.Fprintln(os.Stderr, "chartvalues:", err)
		os.Exit(1)
	}
}

// workload is where each chart's workload container sits, for the overlay's patch.
var workload = map[string]struct{ apiVersion, kind, container, podSpec string }{
	"floe-dagster": {"apps/v1", "Deployment", "dagster", "spec.template.spec"},
	"floe-jobs":    {"batch/v1", "CronJob", "dbt", "spec.jobTemplate.spec.template.spec"},
}

func run(rootDir, contract, product, runtime, tag, out string) error {
	root, err := config.OSRoot(rootDir)
	if err != nil {
		return err
	}
	ci, err := render.ChartValues(render.Options{Root: root, ContractPath: contract, ProductPath: product, Runtime: runtime, ImageTag: tag})
	if err != nil {
		return err
	}
	in, ds := config.Load(root, contract, product)
	if ds.HasErrors() {
		return ds
	}
	v := ci.Values
	if err := os.MkdirAll(filepath.Join(out, "kustomize"), 0o755); err != nil {
		return err
	}
	if err := writeYAML(filepath.Join(out, "values.yaml"), v); err != nil {
		return err
	}

	w, ok := workload[ci.Chart]
	if !ok {
		return fmt.Errorf("chart %s: no workload known", ci.Chart)
	}
	img := v["image"].(map[string]any)
	container := map[string]any{
		"name":      w.container,
		"env":       v["env"],
		"resources": v["resources"],
		"securityContext": map[string]any{
			"allowPrivilegeEscalation": false, "readOnlyRootFilesystem": true, "runAsNonRoot": true,
			"capabilities": map[string]any{"drop": []any{"ALL"}},
		},
	}
	podSpec := map[string]any{
		"serviceAccountName": v["serviceAccountName"],
		"securityContext":    map[string]any{"runAsNonRoot": true, "seccompProfile": map[string]any{"type": "RuntimeDefault"}},
		"containers":         []any{container},
	}
	patch := map[string]any{"apiVersion": w.apiVersion, "kind": w.kind, "metadata": map[string]any{"name": "any"}}
	nest(patch, w.podSpec, podSpec)
	pb, err := yaml.Marshal(patch)
	if err != nil {
		return err
	}
	k := map[string]any{
		"apiVersion":        "kustomize.config.k8s.io/v1beta1",
		"kind":              "Kustomization",
		"namespace":         ci.Namespace,
		"resources":         []any{"rendered.yaml"},
		"labels":            []any{map[string]any{"pairs": v["labels"], "includeSelectors": false}},
		"commonAnnotations": v["annotations"],
		"images":            []any{map[string]any{"name": img["repository"], "newTag": img["tag"]}},
		"patches":           []any{map[string]any{"target": map[string]any{"kind": w.kind}, "patch": string(pb)}},
	}
	if err := writeYAML(filepath.Join(out, "kustomize", "kustomization.yaml"), k); err != nil {
		return err
	}

	p := policies.ContractParams(in.Contract)
	p.Product, p.ProductVersion = in.Product.Metadata.Name, in.Product.Metadata.Version
	labels, _ := v["labels"].(map[string]any)
	ann, _ := v["annotations"].(map[string]any)
	p.Mode, _ = labels["floe.dev/mode"].(string)
	p.LineageNamespace, _ = ann["floe.dev/lineage-namespace"].(string)
	p.LineageEnabled = p.LineageNamespace != ""
	if s := in.Product.Schedule; s != nil && s.Cron != "" {
		p.Schedule = &policies.Schedule{Timezone: s.TZ(), Enabled: s.ScheduleEnabled()}
	}
	pj, err := json.MarshalIndent(map[string]any{"floe": map[string]any{"params": p}}, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(out, "params.json"), append(pj, '\n'), 0o644); err != nil {
		return err
	}
	_, err = fmt.Println(ci.Chart, ci.Release, ci.Namespace)
	return err
}

// nest sets m[a][b]…= v for the dotted path.
func nest(m map[string]any, dotted string, v any) {
	cur := m
	for {
		i := 0
		for i < len(dotted) && dotted[i] != '.' {
			i++
		}
		if i == len(dotted) {
			cur[dotted] = v
			return
		}
		next := map[string]any{}
		cur[dotted[:i]] = next
		cur, dotted = next, dotted[i+1:]
	}
}

func writeYAML(name string, v any) error {
	b, err := yaml.Marshal(v)
	if err != nil {
		return err
	}
	return os.WriteFile(name, b, 0o644)
}
