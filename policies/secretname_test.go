package policies

import (
	"regexp"
	"strings"
	"testing"

	"github.com/floe-dev/floe/internal/secretshape"
)

// TestSecretNamePatternMatchesGo holds lib.rego's secret_name_pattern equal to
// secretshape.NamePattern, the one list of secret-looking names.
func TestSecretNamePatternMatchesGo(t *testing.T) {
	var lib []byte
	for _, m := range Builtin() {
		if m.Path == "policies/lib.rego" {
			lib = m.Source
		}
	}
	got := regexp.MustCompile("(?m)^secret_name_pattern := `([^`]*)`$").FindSubmatch(lib)
	if got == nil {
		t.Fatal("lib.rego defines no secret_name_pattern")
	}
	if string(got[1]) != secretshape.NamePattern {
		t.Errorf("lib.rego secret_name_pattern = %s\nsecretshape.NamePattern    = %s", got[1], secretshape.NamePattern)
	}
	if !strings.Contains(string(mustRead(t, "secrets.rego")), "secret_name := lib.secret_name_pattern") {
		t.Error("secrets.rego does not use lib.secret_name_pattern")
	}
}

func mustRead(t *testing.T, name string) []byte {
	t.Helper()
	b, err := regoFS.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
