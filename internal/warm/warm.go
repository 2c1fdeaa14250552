// Package warm starts compiling floe's built-in policies during package
// initialization when the command line asks for a command that runs the policy gate
// (render, diff, check, post-render, argocd generate). The compile is the largest single
// cost of a fresh `floe render`; started here it overlaps the rest of the program's
// initialization (Helm's JSON-schema meta-schemas, the Kubernetes scheme) and the
// render itself. Import it for its side effect, from package main only:
//
//	import _ "github.com/floe-dev/floe/internal/warm"
package warm

import (
	"os"
	"strings"

	"github.com/floe-dev/floe/policies"
)

func init() {
	if Gated(os.Args[1:]) {
		policies.Prepare()
	}
}

// Gated reports whether args (the command line after the program name) name a command
// that runs the policy gate.
func Gated(args []string) bool {
	var words []string
	for _, a := range args {
		if !strings.HasPrefix(a, "-") {
			words = append(words, a)
		}
		if len(words) == 2 {
			break
		}
	}
	if len(words) == 0 {
		return false
	}
	switch words[0] {
	case "render", "diff", "check", "post-render":
		return true
	case "argocd":
		return len(words) > 1 && words[1] == "generate"
	}
	return false
}
