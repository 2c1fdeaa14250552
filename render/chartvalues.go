package render

import (
	"errors"
	"os"

	"github.com/floe-dev/floe/config"
	"github.com/floe-dev/floe/diag"
)

// ChartInput is what the helm stage of one render gets: the embedded chart, the release
// and the values floe computes.
type ChartInput struct {
	Chart     string // embedded chart name (charts.Dagster or charts.Jobs)
	Release   string // the product name
	Namespace string
	Values    map[string]any
}

// ChartValues runs the load and resolve stages for one product and returns the helm
// stage's input without rendering. bench/ gives these values to `helm template` of the
// same chart, so floe is compared with the pipeline a platform scripts today on the same
// work. (It repeats Render's prologue; keep the two in step.)
func ChartValues(opts Options) (*ChartInput, error) {
	if opts.Root == nil || opts.ContractPath == "" {
		return nil, diag.Usage(errors.New("chart values: a root and a contract are required"))
	}
	in, ds := config.Load(opts.Root, opts.ContractPath, opts.ProductPath)
	if ds.HasErrors() {
		return nil, ds
	}
	runtime := opts.Runtime
	if runtime == "" {
		runtime = in.Contract.Runtime.RecommendedAlphaSpine
	}
	if rs := config.ValidateRuntime(in, runtime); rs.HasErrors() {
		return nil, rs
	}
	tag := opts.ImageTag
	if tag == "" {
		t, err := ResolveImageTag(opts.Root, "", os.Getenv)
		if err != nil {
			return nil, err
		}
		tag = t
	}
	r, err := resolve(in, runtime, tag, opts.Annotations)
	if err != nil {
		return nil, err
	}
	return &ChartInput{Chart: chartName(runtime), Release: r.P, Namespace: r.NS, Values: r.values()}, nil
}
