package render

import (
	"errors"

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
// work. It runs the very stages Render does (loadAndResolve).
func ChartValues(opts Options) (*ChartInput, error) {
	if opts.Root == nil || opts.ContractPath == "" {
		return nil, diag.Usage(errors.New("chart values: a root and a contract are required"))
	}
	_, r, _, err := loadAndResolve(opts)
	if err != nil {
		return nil, err
	}
	return &ChartInput{Chart: chartName(r.runtime), Release: r.productName, Namespace: r.namespace, Values: r.values()}, nil
}
