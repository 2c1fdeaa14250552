package charts

import (
	"bytes"
	"sort"
	"strings"
	"testing"

	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/engine"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/client-go/kubernetes/scheme"

	_ "github.com/floe-dev/floe/golden"
)

// render renders c with the given values overrides, validating them against the chart's
// values.schema.json as `helm template` does.
func render(t *testing.T, c *chart.Chart, overrides map[string]any) (map[string]string, error) {
	t.Helper()
	vals, err := chartutil.ToRenderValues(c, overrides, chartutil.ReleaseOptions{Name: "example", Namespace: "ns", IsInstall: true, Revision: 1}, nil)
	if err != nil {
		return nil, err
	}
	return engine.Engine{Strict: true}.Render(c, vals)
}

// docs returns the non-empty rendered manifests, sorted by template name.
func docs(out map[string]string) []string {
	var names []string
	for n, s := range out {
		if strings.HasSuffix(n, ".yaml") && strings.TrimSpace(s) != "" {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	var res []string
	for _, n := range names {
		res = append(res, out[n])
	}
	return res
}

func TestChartsRenderStandalone(t *testing.T) {
	decoder := serializer.NewCodecFactory(scheme.Scheme, serializer.EnableStrict).UniversalDeserializer()
	tests := map[string]struct {
		chart     string
		overrides map[string]any
		kinds     []string
	}{
		"dagster defaults": {Dagster, nil, []string{"ConfigMap", "ConfigMap", "Deployment", "Service"}},
		"jobs defaults":    {Jobs, nil, []string{"ConfigMap", "CronJob"}},
		"jobs unscheduled": {Jobs, map[string]any{"schedule": map[string]any{"cron": ""}, "job": map[string]any{"nameSuffix": "-01234567"}}, []string{"ConfigMap", "Job"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			c, err := Load(tc.chart)
			if err != nil {
				t.Fatal(err)
			}
			if c.Metadata.Name != tc.chart || c.Metadata.Version == "" {
				t.Fatalf("metadata = %+v", c.Metadata)
			}
			out, err := render(t, c, tc.overrides)
			if err != nil {
				t.Fatal(err)
			}
			var kinds []string
			for _, d := range docs(out) {
				obj, gvk, err := decoder.Decode([]byte(d), nil, nil)
				if err != nil {
					t.Fatalf("strict decode: %v\n%s", err, d)
				}
				_ = obj
				kinds = append(kinds, gvk.Kind)
			}
			sort.Strings(kinds)
			if strings.Join(kinds, ",") != strings.Join(tc.kinds, ",") {
				t.Errorf("kinds = %v, want %v", kinds, tc.kinds)
			}
		})
	}
}

func TestValuesSchemaRejects(t *testing.T) {
	tests := map[string]struct {
		chart     string
		overrides map[string]any
		want      string
	}{
		"unknown top-level key": {Jobs, map[string]any{"imagePullSecrets": []any{"x"}}, "imagePullSecrets"},
		"bad pull policy":       {Dagster, map[string]any{"image": map[string]any{"pullPolicy": "Sometimes"}}, "pullPolicy"},
		"relative mount":        {Jobs, map[string]any{"writableDirs": []any{map[string]any{"name": "x", "mountPath": "tmp"}}}, "mountPath"},
		"bad product name":      {Dagster, map[string]any{"product": map[string]any{"name": "Bad_Name"}}, "name"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			c, err := Load(tc.chart)
			if err != nil {
				t.Fatal(err)
			}
			_, err = render(t, c, tc.overrides)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want mention of %q", err, tc.want)
			}
		})
	}
}

func TestLoadUnknown(t *testing.T) {
	if _, err := Load("nope"); err == nil {
		t.Fatal("Load(nope) succeeded")
	}
}

func TestEmbeddedFilesMatchNames(t *testing.T) {
	for _, n := range Names() {
		b, err := FS().(interface{ ReadFile(string) ([]byte, error) }).ReadFile(n + "/Chart.yaml")
		if err != nil || !bytes.Contains(b, []byte("name: "+n)) {
			t.Errorf("%s/Chart.yaml: %v", n, err)
		}
	}
}
