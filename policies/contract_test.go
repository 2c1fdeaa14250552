package policies

import (
	"testing"

	"github.com/floe-dev/floe/config"
)

func TestContractLevel(t *testing.T) {
	c := func(l string) *config.Contract {
		return &config.Contract{Policy: &config.ContractPolicy{Enforcement: l}}
	}
	m := func(l string) *config.Manifest {
		return &config.Manifest{Governance: &config.Governance{PolicyEnforcementLevel: l}}
	}
	for name, tc := range map[string]struct {
		c          *config.Contract
		m          *config.Manifest
		flag, want string
		err        bool
	}{
		"default":                         {c: &config.Contract{}, want: "warn"},
		"no contract policy, no manifest": {c: nil, want: "warn"},
		"manifest":                        {c: &config.Contract{}, m: m("strict"), want: "strict"},
		"contract raises":                 {c: c("strict"), m: m("warn"), want: "strict"},
		"contract no lower":               {c: c("off"), m: m("warn"), want: "warn"},
		"flag raises":                     {c: c("warn"), flag: "strict", want: "strict"},
		"flag no lower":                   {c: c("strict"), flag: "off", want: "strict"},
		"manifest off":                    {c: &config.Contract{}, m: m("off"), want: "off"},
		"manifest off, contract warn":     {c: c("warn"), m: m("off"), want: "warn"},
		"bad flag":                        {c: &config.Contract{}, flag: "loud", err: true},
	} {
		t.Run(name, func(t *testing.T) {
			got, err := ContractLevel(tc.c, tc.m, tc.flag)
			if (err != nil) != tc.err || got != tc.want {
				t.Errorf("ContractLevel = %q, %v; want %q (error %v)", got, err, tc.want, tc.err)
			}
		})
	}
}
