package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"

	"github.com/floe-dev/floe/attest"
	"github.com/floe-dev/floe/diag"
	"github.com/floe-dev/floe/internal/atomicwrite"
	"github.com/floe-dev/floe/render"
)

// The sidecar's own environment that turns attestation on for the Argo CD doors
// (D-EVD-10). Unprefixed, so an Application cannot set them: its plugin env reaches
// floe as ARGOCD_ENV_*.
const (
	envAttestDir  = "FLOE_ATTEST_DIR"
	envSigningKey = "FLOE_SIGNING_KEY"
)

// argoAttestor writes the attestation of each Argo CD render into dir as
// <app>.<first 16 hex of the stream's sha256>.intoto.jsonl (D-EVD-10).
type argoAttestor struct {
	dir    string
	signer *attest.Signer
}

// newArgoAttestor is the attestor dir and keyPath configure, or nil when neither is
// set; both must be absolute. dirWhat and keyWhat name the options in errors
// ("FLOE_ATTEST_DIR", "--attest-dir"). The key is
// read and parsed now (COSIGN_PASSWORD from getenv for an encrypted one) and dir must be
// an existing directory: a misconfigured platform fails at once, before any render.
func newArgoAttestor(dirWhat, keyWhat, dir, keyPath string, getenv func(string) string) (*argoAttestor, error) {
	if dir == "" && keyPath == "" {
		return nil, nil
	}
	if dir == "" || keyPath == "" {
		return nil, diag.Usage(fmt.Errorf("%s and %s go together", dirWhat, keyWhat))
	}
	// generate runs in the Application's directory of the repository: a relative path
	// would write into it, or sign with a key the repository planted.
	for _, o := range [][2]string{{dirWhat, dir}, {keyWhat, keyPath}} {
		if !filepath.IsAbs(o[1]) {
			return nil, diag.Usage(fmt.Errorf("%s %q: want an absolute path (a directory and a key file of the sidecar, never the repository's)", o[0], o[1]))
		}
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return nil, diag.Usage(fmt.Errorf("%s: %w", dirWhat, err))
	}
	if !fi.IsDir() {
		return nil, diag.Usage(fmt.Errorf("%s %s: not a directory", dirWhat, dir))
	}
	key, err := readBounded(keyWhat, keyPath, attest.MaxKeyBytes)
	if err != nil {
		return nil, diag.Usage(err)
	}
	signer, err := attest.NewSigner(key, []byte(getenv("COSIGN_PASSWORD")))
	if err != nil {
		return nil, diag.Usage(fmt.Errorf("%s %s: %w", keyWhat, keyPath, err))
	}
	return &argoAttestor{dir: dir, signer: signer}, nil
}

// appNamePattern is what an attestation file may be named after: Argo CD's Application
// names (DNS labels; "namespace_name" for an Application outside Argo CD's namespace),
// without dots, so a name can neither climb (..) nor pass for the digest part.
var appNamePattern = regexp.MustCompile(`^[a-z0-9]([a-z0-9_-]{0,251}[a-z0-9])?$`)

// attestationFile is the path of app's attestation of the stream with sha256 streamSHA256.
func (a *argoAttestor) attestationFile(app, streamSHA256 string) (string, error) {
	if !appNamePattern.MatchString(app) {
		return "", fmt.Errorf("ARGOCD_APP_NAME %q cannot name an attestation file: want lowercase letters, digits, '-' and '_' (no dots, no path separators), at most 253", app)
	}
	return filepath.Join(a.dir, app+"."+streamSHA256[:16]+".intoto.jsonl"), nil
}

// Attest implements cmpserver.Attestor: the statement of res (externalParameters also
// record opts' annotations, so floe verify --root re-renders the same objects), signed
// and written atomically, never through a symlink.
func (a *argoAttestor) Attest(_ context.Context, app string, opts render.Options, res *render.Result) error {
	p, err := a.attestationFile(app, render.SHA256Hex(res.YAML))
	if err != nil {
		return err
	}
	st, err := res.Statement(builderVersion(), opts.ImageTag, opts.Now)
	if err != nil {
		return err
	}
	st.Predicate.BuildDefinition.ExternalParameters.Annotations = opts.Annotations
	payload, err := st.JSON()
	if err != nil {
		return err
	}
	envelope, err := a.signer.Sign(payload)
	if err != nil {
		return err
	}
	if err := atomicwrite.WriteFile(p, envelope, 0o644); err != nil {
		return fmt.Errorf("writing the attestation: %w", err)
	}
	return nil
}

// Attested implements cmpserver.Attestor: app's attestation of the stream is a regular
// file in the directory.
func (a *argoAttestor) Attested(app, streamSHA256 string) bool {
	p, err := a.attestationFile(app, streamSHA256)
	if err != nil {
		return false
	}
	fi, err := os.Lstat(p)
	return err == nil && fi.Mode().IsRegular()
}
