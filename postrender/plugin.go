package postrender

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/Masterminds/semver/v3"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/floe-dev/floe/internal/atomicwrite"
	"github.com/floe-dev/floe/internal/yamlguard"
)

// PluginName is the name Helm 4 users pass to --post-renderer.
const PluginName = "floe"

// PluginVersion turns floe's version into the strict semver Helm 4 requires of a
// plugin (semver.StrictNewVersion, the check Helm 4 itself runs) after dropping a leading
// "v"; anything else (e.g. a development build) becomes 0.0.0-dev.
func PluginVersion(v string) string {
	v = strings.TrimPrefix(v, "v")
	if _, err := semver.StrictNewVersion(v); err == nil {
		return v
	}
	return "0.0.0-dev"
}

// PluginYAML is the plugin.yaml of a Helm 4 postrenderer/v1 plugin that runs
// `<exe> post-render` (Helm appends the user's --post-renderer-args).
func PluginYAML(exe, version string) ([]byte, error) {
	if !filepath.IsAbs(exe) {
		return nil, fmt.Errorf("plugin command %q is not an absolute path", exe)
	}
	doc := map[string]any{
		"apiVersion": "v1",
		"type":       "postrenderer/v1",
		"name":       PluginName,
		"version":    PluginVersion(version),
		"runtime":    "subprocess",
		"runtimeConfig": map[string]any{
			"platformCommand": []any{
				map[string]any{"command": exe, "args": []any{"post-render"}},
			},
		},
	}
	out, err := yaml.Marshal(doc)
	if err != nil {
		return nil, err
	}
	head := "# Helm 4 post-renderer plugin written by `floe helm-plugin`.\n" +
		"# Use: helm template REL CHART --post-renderer floe --post-renderer-args --contract=FILE\n"
	return append([]byte(head), out...), nil
}

// WritePlugin writes dir/plugin.yaml (creating dir). An existing plugin.yaml is
// replaced only when it is a floe plugin; any other file there is refused.
func WritePlugin(dir, exe, version string) (string, error) {
	data, err := PluginYAML(exe, version)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	p := filepath.Join(dir, "plugin.yaml")
	if old, err := os.ReadFile(p); err == nil {
		var meta struct {
			Name string `yaml:"name"`
			Type string `yaml:"type"`
		}
		yerr := yamlguard.Check(p, old)
		if yerr == nil {
			yerr = yaml.Unmarshal(old, &meta)
		}
		if yerr != nil || meta.Name != PluginName || meta.Type != "postrenderer/v1" {
			return "", fmt.Errorf("%s exists and is not a floe post-renderer plugin; not overwriting it", p)
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return "", err
	}
	return p, atomicwrite.WriteFile(p, data, 0o644)
}
