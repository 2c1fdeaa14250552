package attest

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestNoNetworkInImportGraph (D-SEC-01, D-EVD-06): nothing the signing libraries attest
// uses link can speak HTTP, start a process, or reach sigstore's online services (KMS,
// Fulcio, Rekor, OIDC). (floe as a whole links net/http through Helm's engine and
// client-go, which D-SEC-01 confines by construction elsewhere.) Package net itself is
// linked (golang.org/x/crypto/ssh and go-containerregistry's reference parser import it
// for address types); no function of it is called on these paths.
func TestNoNetworkInImportGraph(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	out, err := exec.Command(goTool, "list", "-deps", "github.com/sigstore/sigstore/pkg/cryptoutils",
		"github.com/sigstore/sigstore/pkg/signature", "github.com/sigstore/sigstore/pkg/signature/dsse",
		"github.com/secure-systems-lab/go-securesystemslib/dsse").Output()
	if err != nil {
		t.Fatal(err)
	}
	deps := strings.Fields(string(out))
	if !slices.Contains(deps, "github.com/sigstore/sigstore/pkg/signature/dsse") {
		t.Fatalf("go list gave no sigstore dsse in %d packages", len(deps))
	}
	for _, d := range deps {
		switch {
		case d == "net/http", d == "os/exec", d == "net/rpc", d == "net/smtp",
			strings.Contains(d, "/kms"), strings.Contains(d, "fulcio"), strings.Contains(d, "rekor"),
			strings.Contains(d, "oauth"), strings.Contains(d, "oidc"), strings.Contains(d, "grpc"):
			t.Errorf("attest links %s", d)
		}
	}
}
