package policies

import (
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
)

// TestCapabilitiesFollowOPAMetadata: the builtins that reach the network, the process or
// randomness are the ones OPA flags nondeterministic, so Capabilities leaves them out
// by construction; the clock builtins are flagged too but kept, the clock being
// injected.
func TestCapabilitiesFollowOPAMetadata(t *testing.T) {
	allowed := map[string]bool{}
	for _, b := range Capabilities().Builtins {
		allowed[b.Name] = true
	}
	for _, tc := range []struct {
		name             string
		nondeterministic bool // as OPA declares it
		allowed          bool
	}{
		{"http.send", true, false},
		{"net.lookup_ip_addr", true, false},
		{"opa.runtime", true, false},
		{"rand.intn", true, false},
		{"uuid.rfc4122", true, false},
		{"json.verify_schema", true, false}, // may fetch a remote $ref
		{"json.match_schema", true, false},
		{"io.jwt.encode_sign", true, false},
		{"io.jwt.encode_sign_raw", true, false},
		{"time.now_ns", true, true},
		{"io.jwt.decode_verify", true, true},
		// Deterministic by OPA's word, but they verify against the host's clock.
		{"crypto.x509.parse_and_verify_certificates", false, false},
		{"crypto.x509.parse_and_verify_certificates_with_options", false, false},
		{"net.cidr_contains", false, true},
		{"uuid.parse", false, true},
		{"time.parse_rfc3339_ns", false, true},
		{"print", false, true}, // erased by the compiler: floe never enables print
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, ok := ast.BuiltinMap[tc.name]
			if !ok {
				t.Fatalf("OPA has no builtin %s", tc.name)
			}
			if b.Nondeterministic != tc.nondeterministic {
				t.Errorf("OPA flags %s Nondeterministic=%v, want %v", tc.name, b.Nondeterministic, tc.nondeterministic)
			}
			if allowed[tc.name] != tc.allowed {
				t.Errorf("Capabilities allows %s: %v, want %v", tc.name, allowed[tc.name], tc.allowed)
			}
			if (refusedBuiltins()[tc.name] == "") != tc.allowed {
				t.Errorf("refusedBuiltins()[%s] = %v, want %v", tc.name, !tc.allowed, !tc.allowed)
			}
		})
	}
	for _, b := range Capabilities().Builtins {
		if b.Nondeterministic && !clockBuiltins[b.Name] {
			t.Errorf("Capabilities allows %s, which OPA flags nondeterministic", b.Name)
		}
	}
	if len(allowed)+len(refusedBuiltins()) != len(ast.Builtins) {
		t.Errorf("%d allowed + %d refused builtins, OPA has %d", len(allowed), len(refusedBuiltins()), len(ast.Builtins))
	}
}

func TestCapabilitiesReachNoHost(t *testing.T) {
	c := Capabilities()
	if c.AllowNet == nil || len(c.AllowNet) != 0 {
		t.Errorf("AllowNet = %#v, want empty and not nil (nil allows every host)", c.AllowNet)
	}
	if len(c.WasmABIVersions) != 0 {
		t.Errorf("WasmABIVersions = %v, want none", c.WasmABIVersions)
	}
	if Capabilities() != c {
		t.Error("Capabilities is built again on every call")
	}
}
