package render

import (
	"bytes"
	"context"
	"fmt"
	"path"
	"testing"
)

// TestChartValues: the values ChartValues returns, rendered by the same engine path,
// give the chart output Render starts from (same objects before floe's filters).
func TestChartValues(t *testing.T) {
	dir := batchRoot(t)
	o := batchOptions(t, dir, "").Options
	for _, tc := range []struct{ product, runtime, chart string }{
		{"products/customer-360", "", "floe-dagster"},
		{"products/hello-orders", "floe-jobs", "floe-jobs"},
	} {
		o.ProductPath, o.Runtime = tc.product, tc.runtime
		ci, err := ChartValues(o)
		if err != nil {
			t.Fatal(err)
		}
		if ci.Chart != tc.chart || ci.Namespace != "floe-dev" || ci.Release != path.Base(tc.product) {
			t.Errorf("%s: chart %q release %q namespace %q", tc.product, ci.Chart, ci.Release, ci.Namespace)
		}
		res, err := testBatchEngine(t).Render(context.Background(), o)
		if err != nil {
			t.Fatal(err)
		}
		img, _ := ci.Values["image"].(map[string]any)
		if got := fmt.Sprintf("%v:%v", img["repository"], img["tag"]); got != res.Image {
			t.Errorf("%s: values image %s, render image %s", tc.product, got, res.Image)
		}
		env, _ := ci.Values["env"].([]any)
		for _, e := range env {
			name := e.(map[string]any)["name"].(string)
			if !bytes.Contains(res.YAML, []byte("name: "+name+"\n")) {
				t.Errorf("%s: env %s of the values is not in the render", tc.product, name)
			}
		}
		if len(env) == 0 {
			t.Errorf("%s: no env in the values", tc.product)
		}
	}
	if _, err := ChartValues(Options{}); exitCodeOf(err) != 2 {
		t.Errorf("no root: %v", err)
	}
}
