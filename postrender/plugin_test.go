package postrender

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/floe-dev/floe/golden"
)

func TestPluginVersion(t *testing.T) {
	for in, want := range map[string]string{
		"v1.2.3": "1.2.3", "0.4.0-rc.1": "0.4.0-rc.1", "1.2.3+g1234": "1.2.3+g1234",
		"dev": "0.0.0-dev", "v1.2": "0.0.0-dev", "": "0.0.0-dev", "01.2.3": "0.0.0-dev",
		// SemVer 2.0.0 refuses these and so does Helm 4; the old pattern let them through.
		"1.2.3-01": "0.0.0-dev", "1.2.3-rc..1": "0.0.0-dev", "1.2.3+a..b": "0.0.0-dev",
		"1.2.3-": "0.0.0-dev", "18446744073709551616.0.0": "0.0.0-dev",
	} {
		if got := PluginVersion(in); got != want {
			t.Errorf("PluginVersion(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPluginYAML(t *testing.T) {
	b, err := PluginYAML("/usr/local/bin/floe", "v0.3.0")
	if err != nil {
		t.Fatal(err)
	}
	golden.Assert(t, filepath.Join(golden.Dir(t), "postrender", "plugin.yaml"), b)
	if _, err := PluginYAML("bin/floe", "v0.3.0"); err == nil {
		t.Error("relative command accepted")
	}
}

func TestWritePlugin(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "floe")
	p, err := WritePlugin(dir, "/opt/floe/bin/floe", "dev")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(p)
	if !strings.Contains(string(b), "command: /opt/floe/bin/floe") || !strings.Contains(string(b), "version: 0.0.0-dev") {
		t.Errorf("plugin.yaml:\n%s", b)
	}
	// Rewriting floe's own plugin is fine (e.g. after moving the binary).
	if _, err := WritePlugin(dir, "/usr/bin/floe", "dev"); err != nil {
		t.Errorf("rewrite: %v", err)
	}
	// Someone else's plugin is never overwritten.
	other := t.TempDir()
	os.WriteFile(filepath.Join(other, "plugin.yaml"), []byte("name: diff\ntype: cli/v1\n"), 0o644)
	if _, err := WritePlugin(other, "/usr/bin/floe", "dev"); err == nil {
		t.Error("overwrote a foreign plugin.yaml")
	}
	if b, _ := os.ReadFile(filepath.Join(other, "plugin.yaml")); string(b) != "name: diff\ntype: cli/v1\n" {
		t.Errorf("foreign plugin.yaml changed: %q", b)
	}
}
