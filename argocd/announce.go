package argocd

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
)

// Announcement is one parameter announcement, in the JSON shape of Argo CD's
// reposerver/apiclient.ParameterAnnouncement (also plugin.yaml's parameters.static).
type Announcement struct {
	Name           string            `json:"name" yaml:"name"`
	Title          string            `json:"title,omitempty" yaml:"title,omitempty"`
	Tooltip        string            `json:"tooltip,omitempty" yaml:"tooltip,omitempty"`
	Required       bool              `json:"required,omitempty" yaml:"required,omitempty"`
	ItemType       string            `json:"itemType,omitempty" yaml:"itemType,omitempty"`
	CollectionType string            `json:"collectionType,omitempty" yaml:"collectionType,omitempty"`
	String         string            `json:"string,omitempty" yaml:"string,omitempty"`
	Array          []string          `json:"array,omitempty" yaml:"array,omitempty"`
	Map            map[string]string `json:"map,omitempty" yaml:"map,omitempty"`
}

func (a Announcement) clone() Announcement {
	a.Array = slices.Clone(a.Array)
	a.Map = maps.Clone(a.Map)
	return a
}

// ContractInfo is what the announcement tells about the contract in use (taken from a
// loaded config.Contract by the command; this package reads no files).
type ContractInfo struct {
	Name           string   // metadata.name
	Environment    string   // environment.name
	Namespace      string   // environment.kubernetes.namespace
	Runtime        string   // runtime.recommendedAlphaSpine
	Compute        []string // plugins.compute.approved[].name
	DefaultCompute string   // plugins.compute.default
}

// Parameters builds the dynamic announcement (`floe argocd parameters`): the three render
// parameters with the defaults floe will actually apply for this Application, then
// read-only lists of the runtimes and, when the contract is known, the compute targets
// it approves. c may be nil (no contract configured yet). Argo CD lists dynamic
// announcements before the static ones; its UI shows the first of each name.
func Parameters(o Options, c *ContractInfo) []Announcement {
	static := StaticAnnouncements()
	byName := map[string]Announcement{}
	for _, a := range static {
		byName[a.Name] = a
	}
	contract := byName[ParamContract]
	contract.String = o.ContractPath
	if c != nil {
		contract.Tooltip = fmt.Sprintf("%s In use: %s (environment %s, namespace %s).", contract.Tooltip,
			c.Name, c.Environment, c.Namespace)
	}

	runtime := byName[ParamRuntime]
	runtime.String = o.Runtime
	if runtime.String == "" && c != nil {
		runtime.String = c.Runtime
	}

	enforcement := byName[ParamEnforcement]
	enforcement.String = o.Enforcement

	out := []Announcement{contract, runtime, enforcement, {
		Name:           ParamRuntimes,
		Title:          "Runtimes (read-only)",
		Tooltip:        "The runtimes floe renders; choose one with the runtime parameter. A value set here is ignored.",
		CollectionType: "array",
		Array:          slices.Clone(Runtimes),
	}}
	if c != nil && len(c.Compute) > 0 {
		names := slices.Clone(c.Compute)
		tip := "Compute targets the contract approves for transforms"
		if d := c.DefaultCompute; d != "" {
			tip += " (default " + d + ")"
		}
		out = append(out, Announcement{
			Name:           ParamApprovedCompute,
			Title:          "Approved compute (read-only)",
			Tooltip:        tip + ". A value set here is ignored.",
			CollectionType: "array",
			Array:          names,
		})
	}
	return out
}

// MarshalAnnouncements renders announcements as the JSON list Argo CD's CMP server reads
// from the dynamic command's stdout, with a trailing newline.
func MarshalAnnouncements(as []Announcement) ([]byte, error) {
	b, err := json.MarshalIndent(as, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("parameter announcement: %w", err)
	}
	return append(b, '\n'), nil
}
