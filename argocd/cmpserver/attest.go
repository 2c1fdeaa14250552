package cmpserver

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"sync"

	"github.com/floe-dev/floe/render"
)

// Attestor attests the manifests GenerateManifest returns (D-EVD-10). When
// Config.Attest is set, every render is made with render.Options.Provenance (so the
// objects carry floe.dev/inputs-digest exactly as `floe argocd generate` with attestation
// configured prints them) and no manifest set is returned without its attestation: an
// error from Attest fails the request.
type Attestor interface {
	// Attest signs the statement of res, the Application app's render with opts, and
	// writes it where Attested finds it.
	Attest(ctx context.Context, app string, opts render.Options, res *render.Result) error
	// Attested reports whether the attestation of app's stream whose sha256 is
	// streamSHA256 (hex) is in place.
	Attested(app, streamSHA256 string) bool
}

// attestedStreams remembers the stream digest of each manifest set the service
// attested, so that a cache hit can find its attestation; at most max entries (the
// cache's size), forgotten wholesale when full. A forgotten set is rendered and attested
// again, never returned unattested.
type attestedStreams struct {
	mu  sync.Mutex
	max int
	m   map[string]string // manifestsDigest → hex sha256 of the rendered stream
}

func (a *attestedStreams) put(manifests []string, streamSHA256 string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.m == nil || len(a.m) >= max(a.max, 1) {
		a.m = map[string]string{}
	}
	a.m[manifestsDigest(manifests)] = streamSHA256
}

func (a *attestedStreams) get(manifests []string) (string, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	d, ok := a.m[manifestsDigest(manifests)]
	return d, ok
}

// manifestsDigest is the sha256 of a manifest set (each manifest NUL-terminated).
func manifestsDigest(manifests []string) string {
	h := sha256.New()
	for _, m := range manifests {
		h.Write([]byte(m))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// attestedHit reports whether a cached manifest set of app may be served as it is: no
// attestation is configured, or its attestation is in place.
func (s *Service) attestedHit(app string, manifests []string) bool {
	if s.cfg.Attest == nil {
		return true
	}
	d, ok := s.attested.get(manifests)
	return ok && s.cfg.Attest.Attested(app, d)
}

// attest attests a fresh render of app (a no-op without Config.Attest).
func (s *Service) attest(ctx context.Context, app string, opts render.Options, res *render.Result, manifests []string) error {
	if s.cfg.Attest == nil {
		return nil
	}
	if err := s.cfg.Attest.Attest(ctx, app, opts, res); err != nil {
		return err
	}
	s.attested.put(manifests, render.SHA256Hex(res.YAML))
	return nil
}
