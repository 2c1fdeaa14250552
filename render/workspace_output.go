package render

import (
	"fmt"

	"k8s.io/apimachinery/pkg/api/validate/content"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/floe-dev/floe/diag"
	"github.com/floe-dev/floe/kustomize"
)

// Workspace output formats (D-WS-04).
const (
	WorkspaceConfigMap  = "configmap"
	WorkspaceHelmValues = "helm-values"
)

// WorkspaceConfigMapKey is the key of the ConfigMap form that holds the workspace: the
// file Dagster's webserver and daemon load from the mounted ConfigMap.
const WorkspaceConfigMapKey = "workspace.yaml"

// grpcServer is one load_from entry of a Dagster workspace.yaml.
type grpcServer struct {
	Host         string `yaml:"host"`
	Port         int    `yaml:"port"`
	LocationName string `yaml:"location_name"`
}

type loadFrom struct {
	GRPCServer grpcServer `yaml:"grpc_server"`
}

// WorkspaceYAML is the Dagster workspace.yaml of the locations:
// load_from: [{grpc_server: {host, port, location_name}}], in the locations' order.
func (ws *Workspace) WorkspaceYAML() ([]byte, error) {
	entries := make([]loadFrom, len(ws.Locations))
	for i, l := range ws.Locations {
		entries[i] = loadFrom{grpcServer{Host: l.Host(), Port: l.Port, LocationName: l.Name}}
	}
	return yaml.Marshal(struct {
		LoadFrom []loadFrom `yaml:"load_from"`
	}{entries})
}

// ConfigMap is the ConfigMap form: one ConfigMap, name and namespace as given ("" = the
// defaults: <releaseName>-dagster-workspace, or dagster-workspace without a release
// name, in the contract's namespace), holding workspace.yaml. The official chart mounts
// it when dagsterWebserver.workspace.externalConfigmap names it. Canonical form
// (D-RND-21), like every object floe render writes.
func (ws *Workspace) ConfigMap(name, namespace string) ([]byte, error) {
	if name == "" {
		name = "dagster-workspace"
		if ws.ReleaseName != "" {
			name = ws.ReleaseName + "-" + name
		}
	}
	if namespace == "" {
		namespace = ws.Namespace
	}
	if errs := content.IsDNS1123Subdomain(name); len(errs) > 0 {
		return nil, diag.Usage(fmt.Errorf("workspace: ConfigMap name %q: %s", name, errs[0]))
	}
	if errs := content.IsDNS1123Label(namespace); len(errs) > 0 {
		return nil, diag.Usage(fmt.Errorf("workspace: namespace %q: %s", namespace, errs[0]))
	}
	body, err := ws.WorkspaceYAML()
	if err != nil {
		return nil, err
	}
	type metadata struct {
		Name      string            `yaml:"name"`
		Namespace string            `yaml:"namespace"`
		Labels    map[string]string `yaml:"labels"`
	}
	b, err := yaml.Marshal(struct {
		APIVersion string            `yaml:"apiVersion"`
		Kind       string            `yaml:"kind"`
		Metadata   metadata          `yaml:"metadata"`
		Data       map[string]string `yaml:"data"`
	}{
		APIVersion: "v1", Kind: "ConfigMap",
		Metadata: metadata{Name: name, Namespace: namespace, Labels: map[string]string{
			"app.kubernetes.io/managed-by": "floe",
			"app.kubernetes.io/component":  "dagster-workspace",
		}},
		Data: map[string]string{WorkspaceConfigMapKey: string(body)},
	})
	if err != nil {
		return nil, err
	}
	objs, err := kustomize.ParseStream(b)
	if err != nil {
		return nil, err
	}
	if objs, err = (kustomize.Canonical{}).Filter(objs); err != nil {
		return nil, err
	}
	return kustomize.EmitStream(objs)
}

// HelmValues is the helm-values form: dagsterWebserver.workspace with enabled: true and
// one server {host, port, name} per location, the shape the official chart's schema
// requires (Workspace: enabled and servers; Server: host and port).
func (ws *Workspace) HelmValues() ([]byte, error) {
	type server struct {
		Host string `yaml:"host"`
		Port int    `yaml:"port"`
		Name string `yaml:"name"`
	}
	servers := make([]server, len(ws.Locations))
	for i, l := range ws.Locations {
		servers[i] = server{Host: l.Host(), Port: l.Port, Name: l.Name}
	}
	type workspace struct {
		Enabled bool     `yaml:"enabled"`
		Servers []server `yaml:"servers"`
	}
	type webserver struct {
		Workspace workspace `yaml:"workspace"`
	}
	return yaml.Marshal(struct {
		DagsterWebserver webserver `yaml:"dagsterWebserver"`
	}{webserver{workspace{Enabled: true, Servers: servers}}})
}

// CheckWorkspaceNames refuses a ConfigMap name or namespace with the helm-values form
// (it has no ConfigMap): a usage error, before anything is rendered. The forms
// themselves are internal/output's Workspace formats.
func CheckWorkspaceNames(format, name, namespace string) error {
	if format == WorkspaceHelmValues && (name != "" || namespace != "") {
		return diag.Usage(fmt.Errorf("workspace: --name and --namespace name the ConfigMap; --format %s has none", format))
	}
	return nil
}
