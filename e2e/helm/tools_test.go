package helm_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// The real CLIs are pinned by the nested modules under tools/ (go.mod `tool` lines),
// built once per version into a cache directory and reused by later runs. Nothing
// installed by hand is used: the versions come from tools/*/go.mod and go.sum through
// the Go module proxy, the binaries from `go build`.
var tools = map[string]struct{ module, pkg string }{
	"helm3":     {"helm3", "helm.sh/helm/v3/cmd/helm"},
	"helm4":     {"helm4", "helm.sh/helm/v4/cmd/helm"},
	"kustomize": {"peers", "sigs.k8s.io/kustomize/kustomize/v5"},
}

var (
	toolMu    sync.Mutex
	toolPaths = map[string]string{}
	toolErrs  = map[string]error{}
)

// repoRoot is the main module's directory (two levels above this package).
func repoRoot(t testing.TB) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
		t.Fatalf("repository root not found at %s: %v", dir, err)
	}
	return dir
}

// toolCacheDir holds the built CLIs: $FLOE_TOOL_CACHE, else <user cache>/floe-e2e-tools.
func toolCacheDir() (string, error) {
	if d := os.Getenv("FLOE_TOOL_CACHE"); d != "" {
		return d, nil
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "floe-e2e-tools"), nil
}

// tool returns the path of the named CLI, building it on first use. The cache key is a
// hash of the tools module's go.mod and go.sum and the Go version, so a version bump
// rebuilds.
func tool(t testing.TB, name string) string {
	t.Helper()
	toolMu.Lock()
	defer toolMu.Unlock()
	if p, ok := toolPaths[name]; ok {
		return p
	}
	if err, ok := toolErrs[name]; ok {
		t.Fatal(err)
	}
	p, err := buildTool(repoRoot(t), name)
	if err != nil {
		toolErrs[name] = err
		t.Fatal(err)
	}
	toolPaths[name] = p
	return p
}

func buildTool(root, name string) (string, error) {
	spec, ok := tools[name]
	if !ok {
		return "", fmt.Errorf("unknown tool %q", name)
	}
	modDir := filepath.Join(root, "tools", spec.module)
	h := sha256.New()
	for _, f := range []string{"go.mod", "go.sum"} {
		b, err := os.ReadFile(filepath.Join(modDir, f))
		if err != nil {
			return "", fmt.Errorf("tool %s: %w", name, err)
		}
		h.Write(b)
	}
	h.Write([]byte(runtime.Version() + spec.pkg))
	key := hex.EncodeToString(h.Sum(nil))[:16]
	cache, err := toolCacheDir()
	if err != nil {
		return "", err
	}
	out := filepath.Join(cache, name+"-"+key)
	if fi, err := os.Stat(out); err == nil && fi.Mode().IsRegular() {
		return out, nil
	}
	if err := os.MkdirAll(cache, 0o755); err != nil {
		return "", err
	}
	tmp, err := os.CreateTemp(cache, name+"-build-*")
	if err != nil {
		return "", err
	}
	tmp.Close()
	defer os.Remove(tmp.Name())
	cmd := exec.Command("go", "build", "-o", tmp.Name(), spec.pkg)
	cmd.Dir = modDir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=readonly")
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building %s (%s in tools/%s): %v\n%s", name, spec.pkg, spec.module, err, b)
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		return "", err
	}
	return out, nil
}

// floeBin builds ./cmd/floe once per test process into dir.
var (
	floeOnce sync.Once
	floePath string
	floeErr  error
)

func floeBinary(t testing.TB) string {
	t.Helper()
	root := repoRoot(t)
	floeOnce.Do(func() {
		dir, err := os.MkdirTemp("", "floe-e2e-bin-")
		if err != nil {
			floeErr = err
			return
		}
		floePath = filepath.Join(dir, "floe")
		cmd := exec.Command("go", "build", "-o", floePath, "./cmd/floe")
		cmd.Dir = root
		if b, err := cmd.CombinedOutput(); err != nil {
			floeErr = fmt.Errorf("building floe: %v\n%s", err, b)
		}
	})
	if floeErr != nil {
		t.Fatal(floeErr)
	}
	return floePath
}

// TestToolsRun proves the pinned CLIs build and run, and are the pinned versions.
func TestToolsRun(t *testing.T) {
	for _, tc := range []struct {
		tool string
		args []string
		want string
		dep  string // the module version recorded in the binary's build info
	}{
		{"helm3", []string{"version", "--short"}, "v3.22", "helm.sh/helm/v3\tv3.22.0"},
		{"helm4", []string{"version", "--short"}, "v4.3", "helm.sh/helm/v4\tv4.3.1"},
	} {
		t.Run(tc.tool, func(t *testing.T) {
			bin := tool(t, tc.tool)
			out, err := exec.Command(bin, tc.args...).CombinedOutput()
			if err != nil {
				t.Fatalf("%s %v: %v\n%s", tc.tool, tc.args, err, out)
			}
			if !strings.Contains(string(out), tc.want) {
				t.Errorf("%s version = %q, want it to contain %q", tc.tool, out, tc.want)
			}
			info, err := exec.Command("go", "version", "-m", bin).CombinedOutput()
			if err != nil || !strings.Contains(string(info), tc.dep) {
				t.Errorf("go version -m %s: %v; want %q in:\n%s", bin, err, tc.dep, info)
			}
		})
	}
}
