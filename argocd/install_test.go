package argocd

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"

	"github.com/floe-dev/floe/golden"
)

const overlayDir = "../deploy/argocd-cmp"

// installKustomization is what a user writes on top of a real Argo CD install, with the
// stand-in base in place of install.yaml.
const installKustomization = `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: argocd
resources:
  - ../testbase
components:
  - ../argocd-cmp
`

// buildTestInstall builds the floe component over the stand-in base offline with
// kustomize's own API, in memory (kustomize refuses a component directory that contains
// the kustomization using it, so the tree is laid out as siblings): root-only load
// restrictions, plugins (exec and container functions) disabled.
func buildTestInstall(t *testing.T) []byte {
	t.Helper()
	fs := filesys.MakeFsInMemory()
	err := filepath.WalkDir(overlayDir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(overlayDir, p)
		if err != nil {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		dst := "/floe/argocd-cmp/" + filepath.ToSlash(rel)
		if first, rest, ok := strings.Cut(filepath.ToSlash(rel), "/"); ok && first == "testbase" {
			dst = "/floe/testbase/" + rest
		}
		return fs.WriteFile(dst, b)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := fs.WriteFile("/floe/install/kustomization.yaml", []byte(installKustomization)); err != nil {
		t.Fatal(err)
	}
	opts := krusty.MakeDefaultOptions()
	opts.PluginConfig = types.DisabledPluginConfig()
	opts.LoadRestrictions = types.LoadRestrictionsRootOnly
	rm, err := krusty.MakeKustomizer(opts).Run(fs, "/floe/install")
	if err != nil {
		t.Fatalf("kustomize build (%s over %s/testbase): %v", overlayDir, overlayDir, err)
	}
	out, err := rm.AsYaml()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Just the fields the assertions read.
type container struct {
	Name            string   `json:"name"`
	Image           string   `json:"image"`
	Command         []string `json:"command"`
	SecurityContext *struct {
		RunAsNonRoot *bool  `json:"runAsNonRoot"`
		RunAsUser    *int64 `json:"runAsUser"`
	} `json:"securityContext"`
	VolumeMounts []struct {
		Name      string `json:"name"`
		MountPath string `json:"mountPath"`
		SubPath   string `json:"subPath"`
	} `json:"volumeMounts"`
}

type object struct {
	Kind     string `json:"kind"`
	Metadata struct {
		Name      string `json:"name"`
		Namespace string `json:"namespace"`
	} `json:"metadata"`
	Data map[string]string `json:"data"`
	Spec struct {
		Template struct {
			Spec struct {
				Containers []container `json:"containers"`
				Volumes    []struct {
					Name      string `json:"name"`
					ConfigMap *struct {
						Name string `json:"name"`
					} `json:"configMap"`
					EmptyDir map[string]any `json:"emptyDir"`
				} `json:"volumes"`
			} `json:"spec"`
		} `json:"template"`
	} `json:"spec"`
}

func TestInstallOverlay(t *testing.T) {
	out := buildTestInstall(t)
	golden.Assert(t, filepath.Join(golden.Dir(t), "argocd", "install-testbase.yaml"), out)

	objs := map[string]object{}
	for _, doc := range bytes.Split(out, []byte("\n---\n")) {
		var o object
		if err := yaml.Unmarshal(doc, &o); err != nil { // only the fields above are typed
			t.Fatal(err)
		}
		objs[o.Kind+"/"+o.Metadata.Name] = o
	}
	dep, ok := objs["Deployment/argocd-repo-server"]
	if !ok {
		t.Fatalf("no argocd-repo-server Deployment in:\n%s", out)
	}
	var names []string
	var floe *container
	for i, c := range dep.Spec.Template.Spec.Containers {
		names = append(names, c.Name)
		if c.Name == "floe" {
			floe = &dep.Spec.Template.Spec.Containers[i]
		}
	}
	if !slices.Equal(names, []string{"argocd-repo-server", "floe"}) {
		t.Fatalf("containers %v, want the repo-server and the floe sidecar", names)
	}
	if !slices.Equal(floe.Command, []string{"/var/run/argocd/argocd-cmp-server"}) {
		t.Errorf("sidecar command %v", floe.Command)
	}
	sc := floe.SecurityContext
	if sc == nil || sc.RunAsNonRoot == nil || !*sc.RunAsNonRoot || sc.RunAsUser == nil || *sc.RunAsUser != 999 {
		t.Errorf("sidecar must run as non-root uid 999: %+v", sc)
	}

	// Volumes by name, and where the sidecar mounts them.
	volumes := map[string]int{}
	for i, v := range dep.Spec.Template.Spec.Volumes {
		volumes[v.Name] = i
	}
	mounts := map[string]string{}
	var pluginVolume string
	for _, m := range floe.VolumeMounts {
		if _, ok := volumes[m.Name]; !ok {
			t.Errorf("mount of %s: no such volume", m.Name)
		}
		mounts[m.MountPath] = m.Name
		if m.MountPath == "/home/argocd/cmp-server/config/plugin.yaml" {
			if m.SubPath != "plugin.yaml" {
				t.Errorf("plugin.yaml mount has subPath %q", m.SubPath)
			}
			pluginVolume = m.Name
		}
	}
	for path, vol := range map[string]string{
		"/var/run/argocd":                 "var-files",
		"/home/argocd/cmp-server/plugins": "plugins",
		"/tmp":                            "cmp-tmp",
	} {
		if mounts[path] != vol {
			t.Errorf("sidecar mounts %q at %s, want %q", mounts[path], path, vol)
		}
	}
	if v := dep.Spec.Template.Spec.Volumes[volumes["cmp-tmp"]]; v.EmptyDir == nil {
		t.Errorf("cmp-tmp is not an emptyDir")
	}
	if pluginVolume == "" {
		t.Fatal("sidecar does not mount plugin.yaml")
	}
	cmRef := dep.Spec.Template.Spec.Volumes[volumes[pluginVolume]].ConfigMap
	if cmRef == nil {
		t.Fatalf("volume %s is not a ConfigMap", pluginVolume)
	}
	cm, ok := objs["ConfigMap/"+cmRef.Name]
	if !ok {
		t.Fatalf("volume %s names ConfigMap %s, which the build does not contain", pluginVolume, cmRef.Name)
	}
	if cm.Data["plugin.yaml"] != string(PluginYAML) {
		t.Errorf("ConfigMap %s plugin.yaml differs from argocd/plugin.yaml", cmRef.Name)
	}
	if cm.Metadata.Namespace != "argocd" {
		t.Errorf("ConfigMap %s in namespace %q", cmRef.Name, cm.Metadata.Namespace)
	}
	if got := objs["ConfigMap/argocd-cmd-params-cm"].Data["reposerver.plugin.tar.exclusions"]; got != ".git/*" {
		t.Errorf("reposerver.plugin.tar.exclusions = %q, want .git/*", got)
	}
}

// TestOverlayPluginCopy: kustomize may only read files inside the component, so it holds
// a copy of plugin.yaml; it must be the embedded one byte for byte.
func TestOverlayPluginCopy(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(overlayDir, "plugin.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, PluginYAML) {
		t.Fatalf("%s/plugin.yaml differs from argocd/plugin.yaml (cp argocd/plugin.yaml %s/):\n%s",
			overlayDir, overlayDir, golden.Diff(string(PluginYAML), string(b)))
	}
}

// TestOverlayIsComponent: the shipped directory must not pull in the stand-in base.
func TestOverlayIsComponent(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(overlayDir, "kustomization.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var k types.Kustomization
	if err := yaml.UnmarshalStrict(b, &k); err != nil {
		t.Fatal(err)
	}
	if k.Kind != types.ComponentKind || len(k.Resources) != 0 || len(k.Components) != 0 {
		t.Fatalf("deploy/argocd-cmp must be a Component without resources: kind %q, resources %v, components %v",
			k.Kind, k.Resources, k.Components)
	}
}
