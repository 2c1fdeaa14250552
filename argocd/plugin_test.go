package argocd

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/floe-dev/floe/golden"
)

func TestPluginYAML(t *testing.T) {
	p, err := ParsePlugin(PluginYAML)
	if err != nil {
		t.Fatal(err)
	}
	checks := map[string]struct{ got, want any }{
		"apiVersion":       {p.APIVersion, "argoproj.io/v1alpha1"},
		"kind":             {p.Kind, "ConfigManagementPlugin"},
		"name":             {p.Metadata.Name, "floe"},
		"version":          {p.Spec.Version, "v1"},
		"discover":         {p.Spec.Discover.FileName, "floe.yaml"},
		"generate":         {p.Spec.Generate.Command, []string{"floe", "argocd", "generate"}},
		"generate args":    {len(p.Spec.Generate.Args), 0},
		"no init":          {len(p.Spec.Init.Command), 0},
		"dynamic":          {p.Spec.Parameters.Dynamic.Command, []string{"floe", "argocd", "parameters"}},
		"preserveFileMode": {p.Spec.PreserveFileMode, false},
		"no git creds":     {p.Spec.ProvideGitCreds, false},
	}
	for name, c := range checks {
		if d := cmp.Diff(c.want, c.got); d != "" {
			t.Errorf("%s (-want +got):\n%s", name, d)
		}
	}
	var names []string
	for _, a := range p.Spec.Parameters.Static {
		names = append(names, a.Name)
		if a.Title == "" || a.Tooltip == "" || a.CollectionType != "string" {
			t.Errorf("static parameter %s: want title, tooltip and collectionType string: %+v", a.Name, a)
		}
		if strings.Contains(a.Tooltip, "\n") {
			t.Errorf("static parameter %s: tooltip spans lines", a.Name)
		}
		if a.String != "" {
			t.Errorf("static parameter %s: default %q; floe's defaults are empty (= the contract's / platform's)", a.Name, a.String)
		}
	}
	if want := []string{ParamContract, ParamRuntime, ParamEnforcement}; !slices.Equal(names, want) {
		t.Errorf("static parameters %v, want %v", names, want)
	}
}

func TestParsePluginStrict(t *testing.T) {
	for name, in := range map[string]string{
		"unknown key":  "apiVersion: argoproj.io/v1alpha1\nkind: ConfigManagementPlugin\nmetadata: {name: x}\nspec: {generate: {command: [a]}, gennerate: {}}\n",
		"wrong kind":   "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\nspec: {generate: {command: [a]}}\n",
		"no generate":  "apiVersion: argoproj.io/v1alpha1\nkind: ConfigManagementPlugin\nmetadata: {name: x}\nspec: {}\n",
		"not yaml map": "- a\n",
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := ParsePlugin([]byte(in)); err == nil {
				t.Fatal("parsed; want an error")
			}
		})
	}
}

// TestStaticDefaultsApplied: the defaults plugin.yaml announces are what FromEnv applies
// when nothing is set (Argo CD does not send announced defaults).
func TestStaticDefaultsApplied(t *testing.T) {
	o, err := FromEnv(argoEnv(nil), cwd)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range StaticAnnouncements() {
		var got string
		switch a.Name {
		case ParamRuntime:
			got = o.Runtime
		case ParamEnforcement:
			got = o.Enforcement
		default:
			continue
		}
		if got != a.String {
			t.Errorf("%s = %q, want plugin.yaml's default %q", a.Name, got, a.String)
		}
	}
}

func TestParameters(t *testing.T) {
	o, err := FromEnv(argoEnv(map[string]string{EnvFloeEnforce: "strict"}), cwd)
	if err != nil {
		t.Fatal(err)
	}
	info := &ContractInfo{
		Name: "floe-dev", Environment: "dev", Namespace: "floe-dev", Runtime: "dagster",
		Compute: []string{"duckdb", "spark"}, DefaultCompute: "duckdb",
	}
	tests := map[string]struct {
		opts Options
		info *ContractInfo
	}{
		"with-contract":    {o, info},
		"without-contract": {Options{}, nil},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := MarshalAnnouncements(Parameters(tc.opts, tc.info))
			if err != nil {
				t.Fatal(err)
			}
			golden.Assert(t, filepath.Join(golden.Dir(t), "argocd", "parameters-"+name+".json"), got)
		})
	}
	// The announcement must not alter the shared static list.
	if d := cmp.Diff(staticAnnouncements, StaticAnnouncements()); d != "" {
		t.Fatal(d)
	}
}
