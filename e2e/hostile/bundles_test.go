package hostile_test

import (
	"testing"
)

// regoBundle is a contract policy bundle whose one rule fires when body holds.
func regoBundle(body string) string {
	return `package floe.hostile

import rego.v1

rules["ACME-EVIL-01"] := {"title": "hostile", "severity": "warn", "remediation": "none"}

violation contains {"rule": "ACME-EVIL-01", "i": 0, "msg": msg} if {
` + body + `
}
`
}

// TestBundlesStayHermetic: a contract's rego bundle is code from the repository; it
// must not reach the network, read the runtime's environment, or depend on randomness,
// and its evaluation is bounded in time and in the size of what it returns.
func TestBundlesStayHermetic(t *testing.T) {
	b := func(file, body string) func(s *sandbox, r *repo) via {
		return func(s *sandbox, r *repo) via {
			r.bundle(file, withHost(s, regoBundle(body)))
			return via{}
		}
	}
	cases := []hostileCase{
		{name: "http.send", setup: b("net.rego", `	resp := http.send({"method": "GET", "url": "http://{{server}}/exfiltrate"})
	msg := sprintf("%v", [resp.status_code])`),
			wants: []string{bundleDir + "/net.rego", "http.send"}},
		{name: "http.send-through-proxy", setup: b("net.rego", `	resp := http.send({"method": "GET", "url": "http://exfiltrate.example.com/"})
	msg := sprintf("%v", [resp.status_code])`),
			wants: []string{bundleDir + "/net.rego", "http.send"}},
		{name: "net.lookup_ip_addr", setup: b("dns.rego", `	addrs := net.lookup_ip_addr("exfiltrate.invalid")
	msg := sprintf("%v", [addrs])`),
			wants: []string{bundleDir + "/dns.rego", "net.lookup_ip_addr"}},
		{name: "opa.runtime", setup: b("env.rego", `	msg := sprintf("%v", [opa.runtime().env])`),
			wants: []string{bundleDir + "/env.rego", "opa.runtime"}},
		{name: "rand.intn", setup: b("rand.rego", `	rand.intn("seed", 2) == 1
	msg := "coin"`),
			wants: []string{bundleDir + "/rand.rego", "rand.intn"}},
		{name: "uuid.rfc4122", setup: b("uuid.rego", `	msg := uuid.rfc4122("x")`),
			wants: []string{bundleDir + "/uuid.rego", "uuid.rfc4122"}},
		{name: "never-ends", setup: b("slow.rego", `	some i in numbers.range(1, 100000)
	some j in numbers.range(1, 100000)
	some k in numbers.range(1, 100000)
	i + j + k < 0
	msg := "never"`),
			wants: []string{bundleDir + "/slow.rego|" + bundleDir + "|policy.bundles", "deadline|time|timeout|too long"}},
		{name: "huge-message", setup: b("huge.rego", `	parts := [s | some _ in numbers.range(1, 400000); s := "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"]
	msg := concat("", parts)`),
			wants: []string{bundleDir + "/huge.rego|" + bundleDir + "|policy.bundles"},
			check: assertStderrBounded(64 << 10)},
		{name: "huge-finding-count", setup: func(s *sandbox, r *repo) via {
			r.bundle("many.rego", `package floe.hostile

import rego.v1

rules["ACME-EVIL-01"] := {"title": "hostile", "severity": "warn", "remediation": "none"}

violation contains {"rule": "ACME-EVIL-01", "i": 0, "msg": sprintf("finding %d", [n])} if {
	some n in numbers.range(1, 1000000)
}
`)
			return via{}
		}, wants: []string{bundleDir + "/many.rego|" + bundleDir + "|policy.bundles"},
			check: assertStderrBounded(64 << 10)},
	}
	for i := range cases {
		cases[i].doors = allDoors
	}
	runRefused(t, cases)
}

// Rego that builds values whose text is far larger than their memory: s is a 1 MB
// string, and shared repeats it a thousand times without copying it.
const (
	megabyte = `	s := concat("", [x | some _ in numbers.range(1, 100000); x := "xxxxxxxxxx"])
`
	sharedMegabyte = megabyte + `	shared := [s | some _ in numbers.range(1, 1000)]
`
)

// TestBundleBuiltinsStayBounded: one builtin call of a bundle can ask for far more
// memory than its operands hold (a shift by eight billion bits, a hundred million
// numbers, a width of a million bytes a verb, a string replaced into itself, a string
// joined a thousand times); floe refuses the builtin at load when no rule needs it, and
// otherwise checks the size before the call allocates, so each ends at once, naming
// the bundle's file and the builtin, far under the memory bound.
func TestBundleBuiltinsStayBounded(t *testing.T) {
	b := func(file, body string) func(s *sandbox, r *repo) via {
		return func(s *sandbox, r *repo) via {
			r.bundle(file, regoBundle(body))
			return via{}
		}
	}
	cases := []hostileCase{
		{name: "bits.lsh-memory-bomb", setup: b("lsh.rego", `	x := bits.lsh(1, 8000000000)
	msg := sprintf("%v", [x > 0])`),
			wants: []string{bundleDir + "/lsh.rego:8:7", "bits.lsh", "not allowed"}},
		{name: "numbers.range-bomb", setup: b("range.rego", `	r := numbers.range(1, 100000000)
	msg := sprintf("%d", [count(r)])`),
			wants: []string{bundleDir + "/range.rego:8", "numbers.range", "1000000 numbers"}},
		{name: "sprintf-width-bomb", setup: b("width.rego", `	f := concat("", [v | some _ in numbers.range(1, 2000); v := "%999999d"])
	msg := sprintf(f, [1 | some _ in numbers.range(1, 2000)])`),
			wants: []string{bundleDir + "/width.rego:9", "sprintf", "4 MiB"}},
		{name: "replace-squaring-chain", setup: b("square.rego", `	a := concat("", [v | some _ in numbers.range(1, 1000); v := "aaaaaaaaaa"])
	b := replace(a, "a", a)
	c := replace(b, "a", b)
	msg := sprintf("%d", [count(c)])`),
			wants: []string{bundleDir + "/square.rego:9", "replace", "4 MiB"}},
		{name: "template-bomb", setup: b("template.rego", `	t := "{{range .a}}{{range $.a}}{{range $.a}}{{range $.a}}xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx{{end}}{{end}}{{end}}{{end}}"
	msg := strings.render_template(t, {"a": numbers.range(1, 200)})`),
			wants: []string{bundleDir + "/template.rego:9:9", "strings.render_template", "not allowed"}},
		{name: "concat-of-a-shared-string", setup: b("join.rego", sharedMegabyte+`	msg := concat("", shared)`),
			wants: []string{bundleDir + "/join.rego:10", "concat", "4 MiB"}},
		{name: "json.marshal-of-a-shared-value", setup: b("marshal.rego", sharedMegabyte+`	msg := json.marshal([shared, shared])`),
			wants: []string{bundleDir + "/marshal.rego:10", "json.marshal", "4 MiB"}},
		{name: "json-indent-bomb", setup: b("indent.rego", `	ind := concat("", [v | some _ in numbers.range(1, 100000); v := "          "])
	msg := json.marshal_with_options(numbers.range(1, 1000), {"pretty": true, "indent": ind})`),
			wants: []string{bundleDir + "/indent.rego:9:9", "json.marshal_with_options", "not allowed"}},
		{name: "yaml-alias-of-a-long-string", setup: b("alias.rego", megabyte+`	doc := concat("", ["a: &a ", s, "\nb: [", concat(", ", ["*a" | some _ in numbers.range(1, 1000)]), "]\n"])
	msg := sprintf("%v", [yaml.unmarshal(doc)])`),
			wants: []string{bundleDir + "/alias.rego:10", "yaml.unmarshal", "alias"}},
		{name: "graph-paths-bomb", setup: b("paths.rego", `	g := {sprintf("%d", [i]): [sprintf("%d", [j]) | some j in numbers.range(1, 20); j != i] | some i in numbers.range(1, 20)}
	msg := sprintf("%v", [count(graph.reachable_paths(g, {"1"}))])`),
			wants: []string{bundleDir + "/paths.rego", "graph.reachable_paths", "not allowed"}},
	}
	for i := range cases {
		cases[i].doors = allDoors
	}
	runRefused(t, cases)
}
