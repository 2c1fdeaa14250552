package policies

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
)

// fastPathQuery evaluates each shortcut the rules take next to the long way it stands
// for: label_problems (with well_labelled) against label_details, matching (with
// pattern_words) against every pattern, and images' problems (with pinned_ok) against
// every check.
const fastPathQuery = `x := {
	"labels": data.floe.labels.label_problems(input.labels, input.pod),
	"label_details": data.floe.labels.label_details(input.labels, input.pod),
	"matching": data.floe.secrets.matching(input.value),
	"patterns": sort([w | some w, re in data.floe.secrets.patterns; regex.match(re, input.value)]),
} with data.floe.params as input.params`

// imagesQuery evaluates images' problems (with pinned_ok) next to every check.
const imagesQuery = `x := {
	"problems": data.floe.images.problems(input.value),
	"checks": [p | input.value != ""; some check in data.floe.images.checks; p := data.floe.images.problem(check, input.value)],
} with data.floe.params as input.params`

func fastPathEval(t testing.TB) rego.PreparedEvalQuery { return prepareBuiltin(t, fastPathQuery) }

func prepareBuiltin(t testing.TB, query string) rego.PreparedEvalQuery {
	t.Helper()
	mods := map[string]*ast.Module{}
	for _, m := range Builtin() {
		mod, err := ast.ParseModuleWithOpts(m.Path, string(m.Source), ast.ParserOptions{RegoVersion: ast.RegoV1})
		if err != nil {
			t.Fatal(err)
		}
		mods[m.Path] = mod
	}
	c := ast.NewCompiler()
	if c.Compile(mods); c.Failed() {
		t.Fatal(c.Errors)
	}
	q, err := rego.New(rego.Compiler(c), rego.Query(query)).PrepareForEval(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return q
}

// FuzzFastPaths: the shortcuts agree with the long way on any label set and any value.
// Labels come from text as "key=value" lines; a line without "=" is a label whose value
// is not a string.
func FuzzFastPaths(f *testing.F) {
	good := "app.kubernetes.io/name=floe-jobs\napp.kubernetes.io/instance=orders\napp.kubernetes.io/version=1.4.2\n" +
		"app.kubernetes.io/managed-by=floe\napp.kubernetes.io/part-of=floe-jobs\napp.kubernetes.io/component=dbt\n" +
		"floe.dev/product=orders\nfloe.dev/environment=staging\nfloe.dev/mode=simple\n"
	for _, seed := range []struct {
		labels, value string
		pod           bool
	}{
		{good, "plain", false},
		{good + "floe.dev/job-type=data-pipeline\n", "x", true},
		{good + "deployment=loc-001\nx\"y=a\\\"b\n", "AKIAABCDEFGHIJKLMNOP", false},
		{good + "floe.dev/tier=gold-\n", "password = hunter2", false},
		{strings.Replace(good, "orders\n", "payments\n", 1), "api_key: x, API-KEY=abc", false},
		{strings.Replace(good, "staging", "", 1), "-----BEGIN RSA PRIVATE KEY-----", true},
		{good + "numeric\n", "passwd='x'", false},
		{strings.Replace(good, "=dbt", "=", 1), "", false},
		{"", "", true},
		{"", "registry.example.com/data-products/orders:0123456789ab", false},
		{"", "registry.example.com/data-products/orders:0123456789ab@sha256:00", true},
		{"", "registry.example.com:5000/data-products/orders:deadbeef", false},
		{"", "registry.example.com/data-products-x/orders:0123456", false},
		{"", "orders:0123456789ab:1", false},
		{"", "registry.example.com/data-products/orders@sha256:0123456789ab", false},
		{"", "registry.example.com/data-products/a:b/c:0123456789AB", false},
	} {
		f.Add(seed.labels, seed.value, seed.pod)
	}
	q := fastPathEval(f)
	images := prepareBuiltin(f, imagesQuery)
	params := map[string]any{"product": "orders", "productVersion": "1.4.2", "environment": "staging", "mode": "simple"}
	imageParams := []map[string]any{
		params,
		{"registry": "registry.example.com/data-products/", "tagPolicy": "git-sha", "environment": "dev"},
		{"registry": "registry.example.com/data-products", "tagPolicy": "semver"},
		{"tagPolicy": "digest"},
	}
	f.Fuzz(func(t *testing.T, text, value string, pod bool) {
		labels := map[string]any{}
		for line := range strings.Lines(text) {
			line = strings.TrimSuffix(line, "\n")
			if k, v, ok := strings.Cut(line, "="); ok {
				labels[k] = v
			} else {
				labels[line] = 7
			}
		}
		rs, err := q.Eval(context.Background(), rego.EvalInput(map[string]any{"labels": labels, "pod": pod, "value": value, "params": params}))
		if err != nil {
			t.Fatal(err)
		}
		x := rs[0].Bindings["x"].(map[string]any)
		if !reflect.DeepEqual(x["labels"], x["label_details"]) {
			t.Errorf("labels %q (pod %v): label_problems %v, label_details %v", labels, pod, x["labels"], x["label_details"])
		}
		if got, want := x["matching"], x["patterns"]; !reflect.DeepEqual(got, want) {
			t.Errorf("value %q: matching %v, patterns %v", value, got, want)
		}
		for _, p := range imageParams {
			rs, err := images.Eval(context.Background(), rego.EvalInput(map[string]any{"value": value, "params": p}))
			if err != nil {
				t.Fatal(err)
			}
			x := rs[0].Bindings["x"].(map[string]any)
			if got, want := x["problems"], x["checks"]; value != "" && !reflect.DeepEqual(got, want) {
				t.Errorf("image %q with %v: problems %v, checks %v", value, p, got, want)
			}
		}
	})
}
