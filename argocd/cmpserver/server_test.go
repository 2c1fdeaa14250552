package cmpserver

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/floe-dev/floe/argocd"
	"github.com/floe-dev/floe/argocd/cmpapi"
	"github.com/floe-dev/floe/config"
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

// TestErrorsAreRedacted: what a request sent comes back in an error masked as every door
// masks it (a credential-shaped app path here), and cut short.
func TestErrorsAreRedacted(t *testing.T) {
	renders := 0
	svc := newTestService(t, &renders)
	md := generateMD("products/hello-orders")
	md.AppRelPath = "../postgres://floe:pw-1234@db:5432/" + strings.Repeat("x", 500)
	_, err := svc.GenerateManifest(newStream(tgz(t, repoEntries(t, nil)), md, 4096))
	if err == nil || !strings.Contains(err.Error(), "illegal appPath") || strings.Contains(err.Error(), "pw-1234") || len(err.Error()) > 400 {
		t.Errorf("error %q: want the illegal appPath refusal, short, without the credential", err)
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

// withUnrelated adds the contract's would-be overlays and 5 MiB of dbt SQL no render
// reads to a repository's entries.
func withUnrelated(t *testing.T, entries []tarEntry) []tarEntry {
	t.Helper()
	for _, o := range []string{"nodes", "cost"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "render", "testdata", "overlays", "platform", "overlays", o, "kustomization.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		entries = append(entries, tarEntry{name: "platform/overlays/" + o + "/kustomization.yaml", body: string(b)})
	}
	for i := range 40 {
		var sql strings.Builder
		for j := 0; sql.Len() < 128<<10; j++ {
			fmt.Fprintf(&sql, "select %d as id, 'model %d row %d' as label from {{ ref('stg_%d') }} union all\n", j, i, j, (i*7919+j)%1000)
		}
		entries = append(entries, tarEntry{name: fmt.Sprintf("analytics/dbt/models/m%02d.sql", i), body: sql.String()})
	}
	return entries
}

const overlaysContract = "overlays:\n  - platform/overlays/nodes\n  - platform/overlays/cost\n"

// TestKeepsOnlyWhatRendersRead: the files kept in memory while a tarball streams in are
// the cache's keep set plus the Application's floe.yaml and contract (D-ARGO-08): a hit
// keeps exactly its read set's files, never the 5 MiB of SQL beside them; a miss whose
// reads are kept needs no second pass; a miss reading a file not kept (overlays the
// contract now names) unpacks the rest once and renders what a render over the same tree
// on disk renders.
func TestKeepsOnlyWhatRendersRead(t *testing.T) {
	renders := 0
	svc := newTestService(t, &renders)
	plain := withUnrelated(t, repoEntries(t, nil))
	overlaid := withUnrelated(t, repoEntries(t, map[string]string{"platform/contract.yaml": readGolden(t, "platform/contract.yaml") + overlaysContract}))
	var total int64
	for _, e := range plain {
		total += int64(len(e.body))
	}
	// readSetFiles are the files a cached render of app read, and their bytes.
	readSetFiles := func(app string, entries []tarEntry) (n, size int64) {
		t.Helper()
		svc.cache.mu.Lock()
		defer svc.cache.mu.Unlock()
		seen := map[string]bool{}
		for _, list := range svc.cache.byKey {
			for _, e := range list {
				if e.product != app+"/floe.yaml" {
					continue
				}
				for _, p := range e.reads.Paths() {
					for _, te := range entries {
						if te.name == p && !seen[p] {
							seen[p] = true
							n++
							size += int64(len(te.body))
						}
					}
				}
			}
		}
		if n == 0 {
			t.Fatalf("no cached render of %s", app)
		}
		return n, size
	}
	var outputs [][]string
	steps := []struct {
		name          string
		app           string
		entries       []tarEntry
		wantRenders   int
		wantFallbacks int64
		wantReadSet   bool // kept exactly the files the app's cached render read
	}{
		{"first request: only the floe.yaml and the contract are known", "products/hello-orders", plain, 1, 1, false},
		{"another product: the platform's files are kept", "products/customer-360", plain, 2, 0, false},
		{"a hit keeps its read set only", "products/hello-orders", plain, 2, 0, true},
		{"the contract names overlays no render read yet", "products/hello-orders", overlaid, 3, 1, false},
		{"another product with the overlays: kept since the last render", "products/customer-360", overlaid, 4, 0, false},
		{"a hit again", "products/customer-360", overlaid, 4, 0, true},
	}
	for _, st := range steps {
		before := svc.CacheStats()
		resp, err := svc.GenerateManifest(newStream(tgz(t, st.entries), generateMD(st.app), 64<<10))
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		outputs = append(outputs, resp.Manifests)
		after := svc.CacheStats()
		kept, keptBytes, fallbacks := after.KeptFiles-before.KeptFiles, after.KeptBytes-before.KeptBytes, after.Fallbacks-before.Fallbacks
		t.Logf("%s: kept %d of %d files, %d of %d bytes; %d second passes", st.name, kept, after.Files-before.Files, keptBytes, after.Bytes-before.Bytes, fallbacks)
		if renders != st.wantRenders || fallbacks != st.wantFallbacks {
			t.Errorf("%s: %d renders so far, %d second passes; want %d, %d", st.name, renders, fallbacks, st.wantRenders, st.wantFallbacks)
		}
		if st.wantReadSet {
			if n, size := readSetFiles(st.app, st.entries); kept != n || keptBytes != size {
				t.Errorf("%s: kept %d files, %d bytes; the read set's are %d, %d", st.name, kept, keptBytes, n, size)
			}
		}
		if files := after.Files - before.Files; files != int64(len(st.entries)) || after.Bytes-before.Bytes < total {
			t.Errorf("%s: the tarball held %d files, %d bytes; want %d, at least %d", st.name, files, after.Bytes-before.Bytes, len(st.entries), total)
		}
		if keptBytes*50 > total {
			t.Errorf("%s: kept %d of %d bytes; the SQL is not read", st.name, keptBytes, total)
		}
	}
	// The renders are those of the same tree on disk.
	for i, st := range steps {
		if want := renderOnDisk(t, st.entries, generateMD(st.app)); !slices.Equal(outputs[i], want) {
			t.Errorf("%s: manifests differ from a render of the same tree on disk", st.name)
		}
	}
	if slices.Equal(outputs[2], outputs[3]) {
		t.Error("the overlays changed nothing; the test proves nothing")
	}
	if st := svc.CacheStats(); st.KeepSet == 0 || st.KeepSet > 8 {
		t.Errorf("keep set of %d files; want the platform's few", st.KeepSet)
	}
}

// renderOnDisk renders md's Application over entries written to a directory, as floe
// argocd generate would there.
func renderOnDisk(t *testing.T, entries []tarEntry, md cmpapi.ManifestRequestMetadata) []string {
	t.Helper()
	dir := t.TempDir()
	for _, e := range entries {
		p := filepath.Join(dir, filepath.FromSlash(e.name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(e.body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	env := map[string]string{}
	for _, e := range md.Env {
		env[e.Name] = e.Value
	}
	o, err := argocd.FromEnv(func(k string) string { return env[k] }, filepath.Join(dir, filepath.FromSlash(md.AppRelPath)))
	if err != nil {
		t.Fatal(err)
	}
	root, err := config.OSRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	res, err := render.Render(context.Background(), o.RenderOptions(root, time.Unix(1767225600, 0).UTC(), ""))
	if err != nil {
		t.Fatal(err)
	}
	out, err := SplitManifests(res.YAML)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
