package main

import (
	"archive/tar"
	"bytes"
	"debug/elf"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/v1/layout"
)

// buildFloe builds the static floe binary as `make image` does.
func buildFloe(t *testing.T) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "floe")
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w -buildid=", "-o", out, "./cmd/floe")
	cmd.Dir = filepath.Join("..", "..")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH=amd64")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, b)
	}
	return out
}

// TestImage: two builds from the same sources give the same digest, and the image is
// what Argo CD's sidecar needs: uid 999, floe cmp-server as entrypoint, plugin.yaml in
// place, a static binary, and nothing else (no shell, no package manager).
func TestImage(t *testing.T) {
	const testRef = "ghcr.io/floe-dev/floe-argocd-cmp:dev"
	plugin := filepath.Join("..", "..", "argocd", "plugin.yaml")
	var digests []string
	var out string
	for i := range 2 {
		out = filepath.Join(t.TempDir(), "oci")
		d, err := Build(Inputs{Binary: buildFloe(t), Plugin: plugin, Out: out, Ref: testRef})
		if err != nil {
			t.Fatal(err)
		}
		digests = append(digests, d)
		_ = i
	}
	if digests[0] != digests[1] {
		t.Fatalf("two builds, two digests: %v", digests)
	}

	idx, err := layout.ImageIndexFromPath(out)
	if err != nil {
		t.Fatal(err)
	}
	m, err := idx.IndexManifest()
	if err != nil || len(m.Manifests) != 1 || m.Manifests[0].Digest.String() != digests[0] {
		t.Fatalf("index %+v, %v; want the one image %s", m, err, digests[0])
	}
	if got := m.Manifests[0].Annotations[RefAnnotation]; got != testRef {
		t.Errorf("index names the image %q, want %q", got, testRef)
	}
	img, err := idx.Image(m.Manifests[0].Digest)
	if err != nil {
		t.Fatal(err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	if cf.Config.User != "999" {
		t.Errorf("user %q, want 999", cf.Config.User)
	}
	if !slices.Equal(cf.Config.Entrypoint, []string{BinaryPath, "cmp-server"}) || len(cf.Config.Cmd) != 0 {
		t.Errorf("entrypoint %v cmd %v", cf.Config.Entrypoint, cf.Config.Cmd)
	}
	if cf.OS != "linux" || cf.Architecture != "amd64" {
		t.Errorf("platform %s/%s", cf.OS, cf.Architecture)
	}

	layers, err := img.Layers()
	if err != nil || len(layers) != 1 {
		t.Fatalf("%d layers, %v; want 1", len(layers), err)
	}
	rc, err := layers[0].Uncompressed()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	files := map[string][]byte{}
	var names []string
	owner := map[string]int{}
	tr := tar.NewReader(rc)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, h.Name)
		owner[h.Name] = h.Uid
		if h.Typeflag == tar.TypeReg {
			b, _ := io.ReadAll(tr)
			files[h.Name] = b
		}
		if h.Typeflag == tar.TypeSymlink || h.Typeflag == tar.TypeLink {
			t.Errorf("link %s in the image", h.Name)
		}
		base := filepath.Base(strings.TrimSuffix(h.Name, "/"))
		if slices.Contains([]string{"sh", "bash", "ash", "dash", "busybox", "apk", "apt", "apt-get", "dpkg", "rpm", "yum"}, base) {
			t.Errorf("%s in the image: no shell, no package manager", h.Name)
		}
	}
	wantPlugin, _ := os.ReadFile(plugin)
	if !bytes.Equal(files["home/argocd/cmp-server/config/plugin.yaml"], wantPlugin) {
		t.Errorf("plugin.yaml is not argocd/plugin.yaml")
	}
	if !strings.Contains(string(files["etc/passwd"]), "argocd:x:999:999:") {
		t.Errorf("/etc/passwd has no uid 999:\n%s", files["etc/passwd"])
	}
	if owner["home/argocd/cmp-server/plugins/"] != UID {
		t.Errorf("the plugins directory is not owned by uid 999")
	}
	bin, ok := files["usr/local/bin/floe"]
	if !ok {
		t.Fatal("no /usr/local/bin/floe")
	}
	f, err := elf.NewFile(bytes.NewReader(bin))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP || p.Type == elf.PT_DYNAMIC {
			t.Errorf("floe is dynamically linked")
		}
	}
	wantNames := []string{"etc/", "etc/group", "etc/passwd", "home/", "home/argocd/", "home/argocd/cmp-server/",
		"home/argocd/cmp-server/config/", "home/argocd/cmp-server/config/plugin.yaml", "home/argocd/cmp-server/plugins/",
		"tmp/", "usr/", "usr/local/", "usr/local/bin/", "usr/local/bin/floe"}
	if !slices.Equal(names, wantNames) {
		t.Errorf("layer holds %v\nwant %v", names, wantNames)
	}
}
