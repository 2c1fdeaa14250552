package policies

import (
	"slices"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
)

// Capabilities is the OPA capabilities set every policy module, built-in or from a
// contract bundle, is compiled with: OPA's own builtins that it declares deterministic
// (no network, no process environment, no randomness, no clock), plus the builtins
// whose only nondeterminism is the clock, which floe injects (the render time; see
// Params.Now); of those, only the ones whose one call is bounded in what it allocates
// (D-SEC-07: builtincost.go). No host may be reached (allow_net is empty, not absent), and no WASM
// ABI is offered. print calls compile (the compiler erases them: floe never enables
// print statements), so they write nowhere.
//
// It is built once per process, on first use, and shared: callers must not modify it.
func Capabilities() *ast.Capabilities { return capabilities() }

var capabilities = sync.OnceValue(func() *ast.Capabilities {
	all := ast.CapabilitiesForThisVersion()
	return &ast.Capabilities{
		Builtins:       slices.DeleteFunc(all.Builtins, func(b *ast.Builtin) bool { return refusal(b) != "" }),
		FutureKeywords: all.FutureKeywords,
		Features:       all.Features,
		AllowNet:       []string{}, // nil would allow every host
	}
})

// clockBuiltins are the builtins OPA flags nondeterministic only because they read the
// evaluation's clock, which floe sets to the render time on every evaluation.
var clockBuiltins = map[string]bool{
	ast.NowNanos.Name:        true, // time.now_ns
	ast.JWTDecodeVerify.Name: true, // io.jwt.decode_verify: checks exp/nbf against the same clock
}

// hostClockBuiltins are builtins OPA flags deterministic that nevertheless read the
// host's clock rather than the evaluation's: they verify a certificate chain "now"
// (crypto/x509 with no CurrentTime), so their answer changes with the wall clock.
var hostClockBuiltins = map[string]bool{
	ast.CryptoX509ParseAndVerifyCertificates.Name:            true,
	ast.CryptoX509ParseAndVerifyCertificatesWithOptions.Name: true,
}

// hermetic reports whether a builtin's answer depends only on its operands and the
// injected clock: OPA's Nondeterministic flag, which marks every builtin that reaches
// the network (http.send, net.lookup_ip_addr, remote JSON schemas), the process
// (opa.runtime) or randomness (rand.intn, uuid.rfc4122), corrected for the clock.
func hermetic(b *ast.Builtin) bool {
	if hostClockBuiltins[b.Name] {
		return false
	}
	return !b.Nondeterministic || clockBuiltins[b.Name]
}

// refusal is why Capabilities leaves b out ("" when it does not): it is not
// hermetic, or one call of it can allocate far more than its operands hold, or its
// cost is not classified (D-SEC-07).
func refusal(b *ast.Builtin) string {
	switch {
	case !hermetic(b):
		return "policy bundles may use only hermetic builtins"
	case amplifyingBuiltins[b.Name] != "":
		return "one call can allocate far more than its operands hold: " + amplifyingBuiltins[b.Name]
	case builtinCost(b.Name) == "":
		return "policy bundles may use only builtins whose cost floe has classified"
	}
	return ""
}

// refusedBuiltins are OPA's builtins that Capabilities leaves out, by name, with why.
var refusedBuiltins = sync.OnceValue(func() map[string]string {
	refused := map[string]string{}
	for _, b := range ast.Builtins {
		if why := refusal(b); why != "" {
			refused[b.Name] = why
		}
	}
	return refused
})
