package kustomize

import (
	"errors"
	"fmt"

	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// EnvVar is a literal environment variable.
type EnvVar struct {
	Name  string `yaml:"name"`
	Value string `yaml:"value"`
}

// Telemetry wires OpenTelemetry/OpenLineage environment into every container
// and initContainer of selected workloads.
//
// Enforce entries are set whatever the chart said (contract-owned endpoints
// such as OTEL_EXPORTER_OTLP_ENDPOINT, OPENLINEAGE_URL); Defaults entries are
// added only when the container does not set the variable itself (a valueFrom
// counts as set). Existing entries keep their order; new ones are appended,
// Enforce first, each list in its given order.
//
// Dagster code servers — containers running "dagster api grpc" or "dagster
// code-server start", or carrying DAGSTER_CLI_API_GRPC_CONTAINER_CONTEXT or
// DAGSTER_CONTAINER_CONTEXT — also get the variables in their container
// context JSON (k8s.env), so that the run pods Dagster launches inherit them;
// see DagsterContext.
type Telemetry struct {
	// Enforce are set on every container, replacing a chart's value.
	Enforce []EnvVar `yaml:"enforce,omitempty"`
	// Defaults are added to containers that do not set them.
	Defaults []EnvVar `yaml:"defaults,omitempty"`
	// Selector limits the workloads touched; empty selects all.
	Selector string `yaml:"selector,omitempty"`
	// ConfigMapName, when set, is added to the container context's
	// k8s.env_config_maps so run pods load it too.
	ConfigMapName string `yaml:"configMapName,omitempty"`
	// KeepContextAbsent leaves a code server without a container context without one:
	// the chart was asked not to hand its config to launched runs (D-PR-08).
	KeepContextAbsent bool `yaml:"keepContextAbsent,omitempty"`
}

var _ kio.Filter = Telemetry{}

// Filter implements kio.Filter.
func (f Telemetry) Filter(nodes []*yaml.RNode) ([]*yaml.RNode, error) {
	if err := f.validate(); err != nil {
		return nil, err
	}
	err := eachWorkload(nodes, f.Selector, func(w workload) error {
		return w.eachContainer(func(c *yaml.Node, _ bool) error {
			if err := f.container(c); err != nil {
				return fmt.Errorf("telemetry: %s: container %q: %w", objectID(w.obj), ynScalar(ynGet(c, "name")), err)
			}
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	return nodes, nil
}

// container applies the env to one container, then its Dagster context.
func (f Telemetry) container(c *yaml.Node) error {
	env := ynGet(c, "env")
	if ynIsNull(env) {
		// attached below only if something lands in it
		env = ynNewSeq()
		defer func() {
			if len(env.Content) > 0 {
				ynSet(c, "env", env)
			}
		}()
	}
	if env.Kind != yaml.SequenceNode {
		return errors.New("env is not a list")
	}
	for _, e := range f.Enforce {
		found := false
		for _, item := range env.Content {
			if ynScalar(ynGet(item, "name")) != e.Name {
				continue
			}
			found = true
			ynDel(item, "valueFrom")
			ynSetStr(item, "value", e.Value)
		}
		if !found {
			ynAppend(env, envEntry(e.Name, e.Value))
		}
	}
	for _, d := range f.Defaults {
		if envIndex(env, d.Name) < 0 {
			ynAppend(env, envEntry(d.Name, d.Value))
		}
	}
	return f.dagster(c, env)
}

// validate rejects empty, malformed and repeated variable names.
func (f Telemetry) validate() error {
	seen := make(map[string]string, len(f.Enforce)+len(f.Defaults))
	for _, list := range []struct {
		field string
		vars  []EnvVar
	}{{"enforce", f.Enforce}, {"defaults", f.Defaults}} {
		for _, e := range list.vars {
			if !validEnvName(e.Name) {
				return fmt.Errorf("telemetry: %s: invalid variable name %q", list.field, e.Name)
			}
			if prev, dup := seen[e.Name]; dup {
				return fmt.Errorf("telemetry: %s: %s is also listed in %s", list.field, e.Name, prev)
			}
			seen[e.Name] = list.field
		}
	}
	return nil
}

// validEnvName accepts the classic Kubernetes environment variable grammar
// [-._a-zA-Z][-._a-zA-Z0-9]*.
func validEnvName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		b := s[i]
		switch {
		case b == '-' || b == '.' || b == '_' || (b|0x20 >= 'a' && b|0x20 <= 'z'):
		case b >= '0' && b <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// envIndex returns the index of the last env entry named name, or -1 (the
// last one is what Kubernetes uses when a name repeats).
func envIndex(env *yaml.Node, name string) int {
	for i := len(env.Content) - 1; i >= 0; i-- {
		if ynScalar(ynGet(env.Content[i], "name")) == name {
			return i
		}
	}
	return -1
}

// envEntry builds {name: n, value: v}.
func envEntry(n, v string) *yaml.Node {
	m := ynNewMap()
	m.Content = append(m.Content, ynKey("name"), ynStr(n), ynKey("value"), ynStr(v))
	return m
}
