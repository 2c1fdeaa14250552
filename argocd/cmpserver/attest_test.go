package cmpserver

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/floe-dev/floe/render"
)

// fakeAttestor keeps attestations in memory, by app and stream digest.
type fakeAttestor struct {
	mu    sync.Mutex
	files map[string]bool // app + "." + stream sha256
	calls int
	fail  error
	last  *render.Result
}

func (f *fakeAttestor) Attest(_ context.Context, app string, opts render.Options, res *render.Result) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if f.fail != nil {
		return f.fail
	}
	if !opts.Provenance || res.Provenance == nil {
		return errors.New("rendered without provenance")
	}
	f.files[app+"."+render.SHA256Hex(res.YAML)] = true
	f.last = res
	return nil
}

func (f *fakeAttestor) Attested(app, streamSHA256 string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.files[app+"."+streamSHA256]
}

// TestGenerateAttested (D-EVD-10): with Config.Attest set, a render is attested before
// its manifests are returned, and the manifests are the attested render's stream split
// as argocd-cmp-server splits `floe argocd generate`'s output (inputs digest on every
// object); a cache hit is served while its attestation is in place and is rendered and
// attested again once it is gone; an attestation that fails fails the request.
func TestGenerateAttested(t *testing.T) {
	renders := 0
	fa := &fakeAttestor{files: map[string]bool{}}
	svc, err := New(Config{
		Limits: DefaultLimits, MaxConcurrent: 2, CacheTTL: time.Hour, CacheEntries: 16,
		Getenv: func(string) string { return "" },
		Now:    func(func(string) string) (time.Time, bool) { return time.Unix(1767225600, 0).UTC(), true },
		Render: func(ctx context.Context, o render.Options) (*render.Result, error) {
			renders++
			return render.Render(ctx, o)
		},
		Attest: fa,
	})
	if err != nil {
		t.Fatal(err)
	}
	app := "products/hello-orders"
	call := func() ([]string, error) {
		resp, err := svc.GenerateManifest(newStream(tgz(t, repoEntries(t, nil)), generateMD(app), 1024))
		if err != nil {
			return nil, err
		}
		return resp.Manifests, nil
	}
	first, err := call()
	if err != nil {
		t.Fatal(err)
	}
	if fa.calls != 1 || renders != 1 || len(fa.files) != 1 {
		t.Fatalf("%d attestations, %d renders, %d files; want 1 each", fa.calls, renders, len(fa.files))
	}
	want, err := SplitManifests(fa.last.YAML)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(first, want) {
		t.Error("the manifests are not the attested render's stream")
	}
	for _, m := range first {
		if !strings.Contains(m, `"floe.dev/inputs-digest":"sha256:`) {
			t.Fatalf("a manifest without floe.dev/inputs-digest: %.200s", m)
		}
	}

	if again, err := call(); err != nil || !slices.Equal(again, first) || renders != 1 || fa.calls != 1 {
		t.Fatalf("cache hit: %v, same %v, %d renders, %d attestations; want the cached set, unrendered, unattested again", err, slices.Equal(again, first), renders, fa.calls)
	}

	clear(fa.files) // the attestation is gone: render and attest again
	if again, err := call(); err != nil || !slices.Equal(again, first) || renders != 2 || fa.calls != 2 || len(fa.files) != 1 {
		t.Fatalf("hit without its attestation: %v, %d renders, %d attestations, %d files; want 2, 2, 1", err, renders, fa.calls, len(fa.files))
	}

	clear(fa.files)
	fa.fail = errors.New("disk full")
	if got, err := call(); err == nil || got != nil || !strings.Contains(err.Error(), "attest: disk full") {
		t.Fatalf("failed attestation: %d manifests, error %v; want none and the error", len(got), err)
	}
}
