package policies

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/topdown"
)

// Rego that builds values whose text is far larger than their memory: s is a 100 KB
// string, and shared repeats it a hundred times without copying it.
const (
	big100K = `s := concat("", ["xxxxxxxxxx" | some _ in numbers.range(1, 10000)]); `
	shared  = big100K + `shared := [s | some _ in numbers.range(1, 100)]; `
	squares = `a := concat("", ["a" | some _ in numbers.range(1, 3000)]); `
)

// TestCappedBuiltinsStopBeforeAllocating: each capped builtin, called past its bound,
// fails the evaluation (even where builtin errors only make a call undefined) naming
// the builtin and the bound; a call of ordinary size answers as OPA's builtin does.
func TestCappedBuiltinsStopBeforeAllocating(t *testing.T) {
	for _, tc := range []struct {
		name, query string
		want        string // the error's message; "" when the query answers
		answer      string // x's value when it answers
	}{
		{"numbers.range", `x := numbers.range(1, 100000000)`, "numbers.range: the range has more than 1000000 numbers, the most one call may produce", ""},
		{"numbers.range descending", `x := numbers.range(1000000, -1)`, "numbers.range: the range has more than 1000000 numbers", ""},
		{"numbers.range ordinary", `x := numbers.range(1, 3)`, "", "[1, 2, 3]"},
		{"numbers.range at the bound", `x := count(numbers.range(1, 1000000))`, "", "1000000"},
		{"numbers.range_step", `x := numbers.range_step(0, 1e12, 2)`, "numbers.range_step: the range has more than 1000000 numbers", ""},
		{"numbers.range_step ordinary", `x := numbers.range_step(0, 10, 5)`, "", "[0, 5, 10]"},
		{"array.flatten of a shared array", `a := numbers.range(1, 1000); x := array.flatten([a | some _ in numbers.range(1, 2000)])`, "array.flatten: the result would have more than 1000000 elements", ""},
		{"array.flatten ordinary", `x := array.flatten([[1, 2], 3, [4]])`, "", "[1, 2, 3, 4]"},
		{"concat of a shared string", shared + `x := concat("", shared)`, "concat: the result would have more than 4 MiB, the most one call may produce", ""},
		{"concat ordinary", `x := concat("/", ["a", "b"])`, "", `"a/b"`},
		{"replace squaring", squares + `x := replace(a, "a", a)`, "replace: the result would have more than 4 MiB", ""},
		{"replace of the empty string", squares + `x := replace(a, "", a)`, "replace: the result would have more than 4 MiB", ""},
		{"replace ordinary", `x := replace("a.b.c", ".", "::")`, "", `"a::b::c"`},
		{"strings.replace_n squaring", squares + `x := strings.replace_n({"a": a}, a)`, "strings.replace_n: the result would have more than 4 MiB", ""},
		{"strings.replace_n ordinary", `x := strings.replace_n({"a": "A", "b": "BB"}, "abc")`, "", `"ABBc"`},
		{"regex.replace squaring", squares + `x := regex.replace(a, "a", a)`, "regex.replace: the result would have more than 4 MiB", ""},
		{"regex.replace repeating the match", squares + `x := regex.replace(a, "a+", concat("", ["$0" | some _ in numbers.range(1, 2000)]))`, "regex.replace: the result would have more than 4 MiB", ""},
		{"regex.replace of a long string, few matches", big100K + `x := count(regex.replace(concat("", [s, "-"]), "-", concat("", ["_" | some _ in numbers.range(1, 100)])))`, "", "100100"},
		{"regex.replace ordinary", `x := regex.replace("a-b", "-", "_")`, "", `"a_b"`},
		{"sprintf widths", `x := sprintf("%999999d%999999d%999999d%999999d%999999d", [1, 2, 3, 4, 5])`, "sprintf: the result would have more than 4 MiB", ""},
		{"sprintf widths from arguments", `x := sprintf("%*d%*d%*d%*d%*d", [999999, 1, 999999, 1, 999999, 1, 999999, 1, 999999, 1])`, "sprintf: the result would have more than 4 MiB", ""},
		{"sprintf precisions", `x := sprintf("%.999999f%.999999f%.999999f%.999999f%.999999f", [1, 2, 3, 4, 5])`, "sprintf: the result would have more than 4 MiB", ""},
		{"sprintf of a shared value", shared + `x := sprintf("%v", [shared])`, "sprintf: the result would have more than 4 MiB", ""},
		// -9223372036854775808 has no positive twin: the width must not wrap to a negative cost.
		{"sprintf width of the least int64", big100K + `x := sprintf(concat("", ["%*d", concat("", ["%[2]s" | some _ in numbers.range(1, 100)])]), [-9223372036854775808, s])`, "sprintf: the result would have more than 4 MiB", ""},
		{"sprintf repeating an argument", big100K + `x := sprintf(concat("", ["%[1]s" | some _ in numbers.range(1, 100)]), [s])`, "sprintf: the result would have more than 4 MiB", ""},
		{"sprintf ordinary", `x := sprintf("%-4s|%.2f|%d|%v", ["a", 1.5, 7, {"k": [1]}])`, "", `"a   |1.50|7|{\"k\": [1]}"`},
		{"template string of a shared value", shared + `x := $"{shared}"`, "internal.template_string: the result would have more than 4 MiB", ""},
		{"template string ordinary", `y := 2; x := $"y is {y}"`, "", `"y is 2"`},
		{"json.marshal of a shared value", shared + `x := json.marshal(shared)`, "json.marshal: the result would have more than 4 MiB", ""},
		{"json.marshal ordinary", `x := json.marshal({"a": [1, "b"]})`, "", `"{\"a\":[1,\"b\"]}"`},
		{"yaml.marshal of a shared value", shared + `x := yaml.marshal(shared)`, "yaml.marshal: the result would have more than 4 MiB", ""},
		{"yaml.marshal ordinary", `x := yaml.marshal({"a": [1]})`, "", `"a:\n  - 1\n"`},
		{"yaml.unmarshal of an alias bomb", big100K + `x := yaml.unmarshal(concat("", ["a: &a ", s, "\nb: [", concat(", ", ["*a" | some _ in numbers.range(1, 100)]), "]\n"]))`, "yaml.unmarshal: the YAML text:2:169: YAML aliases expand to more than 4 MiB of text", ""},
		{"yaml.unmarshal ordinary", `x := yaml.unmarshal("a: &a [1]\nb: *a\n")`, "", `{"a": [1], "b": [1]}`},
		// Text the guard cannot parse answers as OPA answers for broken YAML, unread by OPA.
		{"yaml.unmarshal of broken text", `x := count([v | v := yaml.unmarshal("a: [")])`, "", "0"},
		{"yaml.is_valid of broken text", `x := yaml.is_valid("a: [")`, "", "false"},
		{"yaml.is_valid ordinary", `x := yaml.is_valid("a: [1]")`, "", "true"},
		{"yaml.is_valid of an alias bomb", big100K + `x := yaml.is_valid(concat("", ["a: &a ", s, "\nb: [", concat(", ", ["*a" | some _ in numbers.range(1, 100)]), "]\n"]))`, "yaml.is_valid: the YAML text:2:169: YAML aliases expand to more than 4 MiB of text", ""},
		{"mul", `x := 1e6000 * 1e6000`, "mul: the product would have more than 10000 digits, the most one call may produce", ""},
		{"mul ordinary", `x := 6 * 7`, "", "42"},
		{"product", `x := product([1e3000, 1e3000, 1e3000, 1e3000])`, "product: the product would have more than 10000 digits", ""},
		{"product ordinary", `x := product({2, 3})`, "", "6"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs, err := rego.New(rego.Query(tc.query), rego.Capabilities(Capabilities()), rego.StrictBuiltinErrors(false)).Eval(context.Background())
			if tc.want != "" {
				if err == nil || !errors.Is(err, ErrBuiltinLimit) || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("error %v, want one naming %q", err, tc.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(rs) != 1 {
				t.Fatalf("%d results, want 1", len(rs))
			}
			got, err := ast.InterfaceToValue(rs[0].Bindings["x"])
			if err != nil {
				t.Fatal(err)
			}
			if got.String() != tc.answer {
				t.Errorf("x = %s, want %s", got, tc.answer)
			}
		})
	}
}

// TestAmplifyingBuiltinsRefusedAtLoad: a bundle calling a builtin whose one call can
// amplify is refused before the compile, naming file, line, column and builtin.
func TestAmplifyingBuiltinsRefusedAtLoad(t *testing.T) {
	for _, tc := range []struct{ builtin, call string }{
		{"bits.lsh", `bits.lsh(1, 8000000000)`},
		{"strings.render_template", `strings.render_template("{{range .a}}{{range $.a}}x{{end}}{{end}}", {"a": [1]})`},
		{"graph.reachable_paths", `graph.reachable_paths({"a": ["b"]}, {"a"})`},
		{"net.cidr_expand", `net.cidr_expand("10.0.0.0/8")`},
		{"net.cidr_contains_matches", `net.cidr_contains_matches(["10.0.0.0/8"], ["10.0.0.1"])`},
		{"json.marshal_with_options", `json.marshal_with_options([1], {"pretty": true, "indent": "    "})`},
	} {
		t.Run(tc.builtin, func(t *testing.T) {
			m := bundle("floe.amp", fmt.Sprintf("violation contains {\"rule\": \"CLK-01\", \"i\": 0, \"msg\": \"x\"} if {\n\tx := %s\n\tx != null\n}", tc.call))
			_, err := New(context.Background(), Options{ExtraBundles: []Module{m}})
			want := fmt.Sprintf("platform/policies/floe_amp.rego:6:7: builtin %s is not allowed: one call can allocate far more than its operands hold: %s", tc.builtin, amplifyingBuiltins[tc.builtin])
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Fatalf("New: %v; want %q", err, want)
			}
		})
	}
}

// TestEveryOfferedBuiltinIsClassified: Capabilities offers exactly the hermetic builtins
// classified linear or capped; the table names only builtins OPA has, each once, and
// every capped one is wrapped.
func TestEveryOfferedBuiltinIsClassified(t *testing.T) {
	offered := map[string]bool{}
	for _, b := range Capabilities().Builtins {
		offered[b.Name] = true
		if c := builtinCost(b.Name); c != "linear" && c != "capped" {
			t.Errorf("Capabilities offers %s, classified %q", b.Name, c)
		}
	}
	seen := map[string]bool{}
	for _, name := range linearBuiltins {
		if seen[name] {
			t.Errorf("%s is listed twice", name)
		}
		seen[name] = true
	}
	for name := range cappedBuiltins {
		if seen[name] {
			t.Errorf("%s is both linear and capped", name)
		}
		seen[name] = true
	}
	for name := range amplifyingBuiltins {
		if seen[name] {
			t.Errorf("%s is both amplifying and offered", name)
		}
		seen[name] = true
	}
	for name := range seen {
		b, ok := ast.BuiltinMap[name]
		switch {
		case !ok:
			t.Errorf("the cost table names %s, which OPA does not have", name)
		case hermetic(b) && amplifyingBuiltins[name] == "" && !offered[name]:
			t.Errorf("%s is classified %s but not offered", name, builtinCost(name))
		}
	}
	for _, b := range ast.Builtins {
		if hermetic(b) && !seen[b.Name] {
			t.Errorf("hermetic builtin %s is not classified", b.Name)
		}
	}
	for name := range cappedBuiltins {
		if topdown.GetBuiltin(name) == nil {
			t.Errorf("OPA has no implementation of %s", name)
		}
	}
}

// TestBuiltinRulesStayWithinTheBounds: floe's own rules and their rego tests (which
// exercise every rule) run with the capped builtins: the rego tests pass (rego_test.go)
// and a check of an ordinary stream answers.
func TestBuiltinRulesStayWithinTheBounds(t *testing.T) {
	e, err := New(context.Background(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Check(context.Background(), mustParse(t, "x.yaml", badDeployment), Params{Namespace: "floe-dev"}); err != nil {
		t.Fatal(err)
	}
}
