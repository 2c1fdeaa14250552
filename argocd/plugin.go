package argocd

import (
	"bytes"
	_ "embed"
	"fmt"

	"gopkg.in/yaml.v3"
)

// PluginYAML is the ConfigManagementPlugin file installed in the sidecar at
// /home/argocd/cmp-server/config/plugin.yaml.
//
//go:embed plugin.yaml
var PluginYAML []byte

// Plugin is the part of a ConfigManagementPlugin floe reads (Argo CD's
// cmpserver/plugin.PluginConfig shape).
type Plugin struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
	Metadata   struct {
		Name string `yaml:"name"`
	} `yaml:"metadata"`
	Spec PluginSpec `yaml:"spec"`
}

// PluginSpec is ConfigManagementPlugin.spec.
type PluginSpec struct {
	Version  string  `yaml:"version"`
	Init     Command `yaml:"init,omitempty"`
	Generate Command `yaml:"generate"`
	Discover struct {
		FileName string `yaml:"fileName,omitempty"`
		Find     struct {
			Command `yaml:",inline"`
			Glob    string `yaml:"glob,omitempty"`
		} `yaml:"find,omitempty"`
	} `yaml:"discover"`
	Parameters struct {
		Static  []Announcement `yaml:"static"`
		Dynamic Command        `yaml:"dynamic"`
	} `yaml:"parameters"`
	PreserveFileMode bool `yaml:"preserveFileMode"`
	ProvideGitCreds  bool `yaml:"provideGitCreds,omitempty"`
}

// Command is a CMP command line.
type Command struct {
	Command []string `yaml:"command,omitempty"`
	Args    []string `yaml:"args,omitempty"`
}

// ParsePlugin decodes a ConfigManagementPlugin strictly (unknown keys are errors).
func ParsePlugin(data []byte) (*Plugin, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var p Plugin
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("plugin.yaml: %w", err)
	}
	if p.Kind != "ConfigManagementPlugin" || p.Metadata.Name == "" || len(p.Spec.Generate.Command) == 0 {
		return nil, fmt.Errorf("plugin.yaml: want a ConfigManagementPlugin with metadata.name and spec.generate.command")
	}
	return &p, nil
}

// staticAnnouncements are plugin.yaml's parameters.static, parsed once: their string
// defaults are what floe applies when a parameter is not set (Argo CD sends none).
var staticAnnouncements = func() []Announcement {
	p, err := ParsePlugin(PluginYAML)
	if err != nil {
		panic(err) // the embedded file is tested; a broken one must not ship
	}
	return p.Spec.Parameters.Static
}()

// StaticAnnouncements returns a copy of plugin.yaml's static parameter announcements.
func StaticAnnouncements() []Announcement {
	out := make([]Announcement, len(staticAnnouncements))
	for i, a := range staticAnnouncements {
		out[i] = a.clone()
	}
	return out
}

func staticDefault(name string) string {
	for _, a := range staticAnnouncements {
		if a.Name == name {
			return a.String
		}
	}
	return ""
}
