package cmpserver

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/floe-dev/floe/argocd/cmpapi"
	"github.com/floe-dev/floe/render"
)

const testRevision = "0123456789abcdef0123456789abcdef01234567"

// repoEntries are golden/batch/root's files, with overrides (a nil body drops a file).
func repoEntries(t *testing.T, override map[string]string) []tarEntry {
	t.Helper()
	src := filepath.Join("..", "..", "golden", "batch", "root")
	var out []tarEntry
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		rel = filepath.ToSlash(rel)
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		body := string(b)
		if v, ok := override[rel]; ok {
			body = v
		}
		out = append(out, tarEntry{name: rel, body: body})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for name, body := range override {
		if !slices.ContainsFunc(out, func(e tarEntry) bool { return e.name == name }) {
			out = append(out, tarEntry{name: name, body: body})
		}
	}
	return out
}

func generateMD(app string, extra ...*cmpapi.EnvEntry) cmpapi.ManifestRequestMetadata {
	return cmpapi.ManifestRequestMetadata{AppName: filepath.Base(app), AppRelPath: app, Env: append([]*cmpapi.EnvEntry{
		{Name: "ARGOCD_APP_NAME", Value: filepath.Base(app)},
		{Name: "ARGOCD_APP_REVISION", Value: testRevision},
		{Name: "ARGOCD_APP_SOURCE_PATH", Value: app},
		{Name: "ARGOCD_APP_SOURCE_REPO_URL", Value: "https://git.example.com/data.git"},
		{Name: "ARGOCD_ENV_FLOE_CONTRACT", Value: "platform/contract.yaml"},
	}, extra...)}
}

func newTestService(t *testing.T, renders *int) *Service {
	t.Helper()
	svc, err := New(Config{
		Limits: DefaultLimits, MaxConcurrent: 2, CacheTTL: time.Hour, CacheEntries: 16,
		Getenv: func(string) string { return "" },
		Now:    func(func(string) string) (time.Time, bool) { return time.Unix(1767225600, 0).UTC(), true },
		Render: func(ctx context.Context, o render.Options) (*render.Result, error) {
			*renders++
			return render.Render(ctx, o)
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

// TestGenerateCachedByReadSet: a render is served from the cache exactly when every input
// it read answers alike — an unrelated file changing does not matter, the product's
// floe.yaml or the contract changing does, and so does another revision.
func TestGenerateCachedByReadSet(t *testing.T) {
	renders := 0
	svc := newTestService(t, &renders)
	app := "products/hello-orders"
	call := func(override map[string]string, md cmpapi.ManifestRequestMetadata) []string {
		t.Helper()
		resp, err := svc.GenerateManifest(newStream(tgz(t, repoEntries(t, override)), md, 1024))
		if err != nil {
			t.Fatal(err)
		}
		if len(resp.Manifests) == 0 {
			t.Fatal("no manifests")
		}
		return resp.Manifests
	}
	first := call(nil, generateMD(app))
	steps := []struct {
		name        string
		override    map[string]string
		md          cmpapi.ManifestRequestMetadata
		wantRenders int
		wantSame    bool
	}{
		{"same tarball", nil, generateMD(app), 1, true},
		{"another product's floe.yaml changed", map[string]string{"products/customer-360/floe.yaml": "changed: true\n"}, generateMD(app), 1, true},
		{"an unrelated file added", map[string]string{"docs/README.md": "hello\n"}, generateMD(app), 1, true},
		{"another revision", nil, generateMD(app, &cmpapi.EnvEntry{Name: "ARGOCD_APP_REVISION", Value: strings.Repeat("a", 40)}), 2, false},
		{"the product's floe.yaml changed", map[string]string{app + "/floe.yaml": strings.Replace(readGolden(t, app+"/floe.yaml"), "description:", "description: changed", 1)}, generateMD(app), 3, false},
	}
	for _, st := range steps {
		got := call(st.override, st.md)
		if renders != st.wantRenders {
			t.Errorf("%s: %d renders so far, want %d", st.name, renders, st.wantRenders)
		}
		if slices.Equal(got, first) != st.wantSame {
			t.Errorf("%s: same manifests %v, want %v", st.name, !st.wantSame, st.wantSame)
		}
	}
}

func readGolden(t *testing.T, rel string) string {
	b, err := os.ReadFile(filepath.Join("..", "..", "golden", "batch", "root", filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestGenerateFailsClosed: failures are errors, never an empty manifest list.
func TestGenerateFailsClosed(t *testing.T) {
	renders := 0
	svc := newTestService(t, &renders)
	tests := map[string]struct {
		override map[string]string
		md       cmpapi.ManifestRequestMetadata
		want     string
	}{
		"broken floe.yaml": {
			override: map[string]string{"products/hello-orders/floe.yaml": "apiVersion: floe.dev/v1\nkind: FloeSpec\nmetadata:\n  name: Not_A_Name\n"},
			md:       generateMD("products/hello-orders"), want: "products/hello-orders/floe.yaml",
		},
		"no revision": {
			md: cmpapi.ManifestRequestMetadata{AppRelPath: "products/hello-orders", Env: []*cmpapi.EnvEntry{
				{Name: "ARGOCD_APP_SOURCE_PATH", Value: "products/hello-orders"}, {Name: "ARGOCD_ENV_FLOE_CONTRACT", Value: "platform/contract.yaml"}}},
			want: "ARGOCD_APP_REVISION is not set",
		},
		"tarball of the app directory only": {
			md: func() cmpapi.ManifestRequestMetadata {
				m := generateMD("products/hello-orders")
				m.AppRelPath = "."
				return m
			}(),
			want: "manifest-generate-paths",
		},
		"climbing app path": {
			md: func() cmpapi.ManifestRequestMetadata {
				m := generateMD("products/hello-orders")
				m.AppRelPath = "../x"
				return m
			}(),
			want: "illegal appPath",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			resp, err := svc.GenerateManifest(newStream(tgz(t, repoEntries(t, tc.override)), tc.md, 4096))
			if err == nil {
				t.Fatalf("%d manifests; want an error", len(resp.Manifests))
			}
			if resp != nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("response %v, error %q; want no response and an error mentioning %q", resp, err, tc.want)
			}
		})
	}
}

// TestDeadlineFromRequest: a request whose deadline has passed fails; nothing renders.
func TestDeadlineFromRequest(t *testing.T) {
	renders := 0
	svc := newTestService(t, &renders)
	ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	s := newStream(tgz(t, repoEntries(t, nil)), generateMD("products/hello-orders"), 4096)
	s.ctx = ctx
	if _, err := svc.GenerateManifest(s); err == nil || renders != 0 {
		t.Errorf("error %v after %d renders; want a deadline error and none", err, renders)
	}
}
