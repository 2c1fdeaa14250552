package argocd

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"k8s.io/apimachinery/pkg/api/resource"

	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/resmap"
	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"

	"github.com/floe-dev/floe/deploy"
	"github.com/floe-dev/floe/golden"
	"github.com/floe-dev/floe/internal/membound"
)

const (
	// overlayDir is the default component (floe cmp-server); execOverlayDir keeps
	// argocd-cmp-server + floe argocd generate. Both build over overlayDir/testbase here,
	// offline, and over Argo CD's released manifests in install_real_test.go.
	overlayDir     = "../deploy/argocd-cmp"
	execOverlayDir = "../deploy/argocd-cmp-exec"
	testBaseDir    = overlayDir + "/testbase"
)

// installKustomization is what a user writes on top of a real Argo CD install, with the
// stand-in base in place of install.yaml.
const installKustomization = `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: argocd
resources:
  - ../testbase
components:
  - ../component
`

// buildTestInstall builds a floe component over the stand-in base offline with
// kustomize's own API, in memory (kustomize refuses a component directory that contains
// the kustomization using it, so the tree is laid out as siblings): root-only load
// restrictions, plugins (exec and container functions) disabled.
func buildTestInstall(t *testing.T, component string) []byte {
	t.Helper()
	fs := filesys.MakeFsInMemory()
	if err := copyDir(fs, component, "/floe/component", "testbase"); err != nil {
		t.Fatal(err)
	}
	if err := copyDir(fs, testBaseDir, "/floe/testbase", ""); err != nil {
		t.Fatal(err)
	}
	if err := fs.WriteFile("/floe/install/kustomization.yaml", []byte(installKustomization)); err != nil {
		t.Fatal(err)
	}
	rm := kustomizeOffline(t, fs, "/floe/install", component+" over "+testBaseDir)
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
	Args            []string `json:"args"`
	SecurityContext *struct {
		RunAsNonRoot             *bool  `json:"runAsNonRoot"`
		RunAsUser                *int64 `json:"runAsUser"`
		ReadOnlyRootFilesystem   *bool  `json:"readOnlyRootFilesystem"`
		AllowPrivilegeEscalation *bool  `json:"allowPrivilegeEscalation"`
		Capabilities             *struct {
			Drop []string `json:"drop"`
		} `json:"capabilities"`
	} `json:"securityContext"`
	VolumeMounts []struct {
		Name      string `json:"name"`
		MountPath string `json:"mountPath"`
		SubPath   string `json:"subPath"`
	} `json:"volumeMounts"`
	Resources struct {
		Limits map[string]string `json:"limits"`
	} `json:"resources"`
}

type volume struct {
	Name      string `json:"name"`
	ConfigMap *struct {
		Name string `json:"name"`
	} `json:"configMap"`
	EmptyDir map[string]any `json:"emptyDir"`
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
				Volumes    []volume    `json:"volumes"`
			} `json:"spec"`
		} `json:"template"`
	} `json:"spec"`
}

// installed is a built install: objects by kind/name, the floe sidecar, its volumes by
// name and its mounts by path.
type installed struct {
	objs    map[string]object
	floe    container
	volumes map[string]volume
	mounts  map[string]string // mount path -> volume name
}

// checkInstall parses a build and checks what both components share: the floe sidecar
// after the repo-server, non-root uid 999 with a read-only root and no capabilities,
// the plugins socket dir and a tmp emptyDir of its own, every mount a volume, and
// .git kept out of the tarball.
func checkInstall(t *testing.T, out []byte) installed {
	t.Helper()
	in := installed{objs: map[string]object{}, volumes: map[string]volume{}, mounts: map[string]string{}}
	for _, doc := range bytes.Split(out, []byte("\n---\n")) {
		var o object
		if err := yaml.Unmarshal(doc, &o); err != nil { // only the fields above are typed
			t.Fatal(err)
		}
		in.objs[o.Kind+"/"+o.Metadata.Name] = o
	}
	dep, ok := in.objs["Deployment/argocd-repo-server"]
	if !ok {
		t.Fatalf("no argocd-repo-server Deployment in:\n%s", out)
	}
	var names []string
	for _, c := range dep.Spec.Template.Spec.Containers {
		names = append(names, c.Name)
		if c.Name == "floe" {
			in.floe = c
		}
	}
	if !slices.Equal(names, []string{"argocd-repo-server", "floe"}) {
		t.Fatalf("containers %v, want the repo-server and the floe sidecar", names)
	}
	sc := in.floe.SecurityContext
	if sc == nil || sc.RunAsNonRoot == nil || !*sc.RunAsNonRoot || sc.RunAsUser == nil || *sc.RunAsUser != 999 {
		t.Fatalf("sidecar must run as non-root uid 999: %+v", sc)
	}
	if sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem ||
		sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation ||
		sc.Capabilities == nil || !slices.Equal(sc.Capabilities.Drop, []string{"ALL"}) {
		t.Errorf("sidecar must have a read-only root, no privilege escalation, every capability dropped: %+v", sc)
	}
	for _, v := range dep.Spec.Template.Spec.Volumes {
		in.volumes[v.Name] = v
	}
	for _, m := range in.floe.VolumeMounts {
		if _, ok := in.volumes[m.Name]; !ok {
			t.Errorf("mount of %s: no such volume", m.Name)
		}
		in.mounts[m.MountPath] = m.Name
	}
	for path, vol := range map[string]string{
		"/home/argocd/cmp-server/plugins": "plugins",
		"/tmp":                            "cmp-tmp",
	} {
		if in.mounts[path] != vol {
			t.Errorf("sidecar mounts %q at %s, want %q", in.mounts[path], path, vol)
		}
	}
	if in.volumes["cmp-tmp"].EmptyDir == nil {
		t.Errorf("cmp-tmp is not an emptyDir")
	}
	if got := in.objs["ConfigMap/argocd-cmd-params-cm"].Data["reposerver.plugin.tar.exclusions"]; got != ".git/*" {
		t.Errorf("reposerver.plugin.tar.exclusions = %q, want .git/*", got)
	}
	return in
}

// TestInstallOverlay (D-ARGO-06): the default component runs the `make image` image's entrypoint
// (floe cmp-server) as uid 999, serving the socket in the plugins volume; no
// argocd-cmp-server, no /var/run/argocd, no plugin.yaml ConfigMap (it is built in).
func TestInstallOverlay(t *testing.T) {
	out := buildTestInstall(t, overlayDir)
	golden.Assert(t, filepath.Join(golden.Dir(t), "argocd", "install-testbase.yaml"), out)
	in := checkInstall(t, out)

	if len(in.floe.Command) != 0 || len(in.floe.Args) != 0 {
		t.Errorf("sidecar command %v args %v, want the image's entrypoint (floe cmp-server)", in.floe.Command, in.floe.Args)
	}
	if want := deploy.Image; in.floe.Image != want {
		t.Errorf("sidecar image %q, want %q (deploy.Image)", in.floe.Image, want)
	}
	if len(in.mounts) != 2 {
		t.Errorf("sidecar mounts %v, want only the plugins socket dir and its tmp", in.mounts)
	}
	if _, ok := in.objs["ConfigMap/floe-cmp-plugin"]; ok {
		t.Error("the cmp-server component ships a plugin.yaml ConfigMap; the binary embeds it")
	}
}

// TestInstallOverlayExec: the exec-mode component runs Argo CD's argocd-cmp-server
// from /var/run/argocd with plugin.yaml from a ConfigMap equal to argocd/plugin.yaml.
func TestInstallOverlayExec(t *testing.T) {
	out := buildTestInstall(t, execOverlayDir)
	golden.Assert(t, filepath.Join(golden.Dir(t), "argocd", "install-exec-testbase.yaml"), out)
	in := checkInstall(t, out)

	if !slices.Equal(in.floe.Command, []string{"/var/run/argocd/argocd-cmp-server"}) {
		t.Errorf("sidecar command %v", in.floe.Command)
	}
	if in.mounts["/var/run/argocd"] != "var-files" {
		t.Errorf("sidecar mounts %q at /var/run/argocd, want var-files", in.mounts["/var/run/argocd"])
	}
	pluginVolume := in.mounts["/home/argocd/cmp-server/config/plugin.yaml"]
	if pluginVolume == "" {
		t.Fatal("sidecar does not mount plugin.yaml")
	}
	for _, m := range in.floe.VolumeMounts {
		if m.Name == pluginVolume && m.SubPath != "plugin.yaml" {
			t.Errorf("plugin.yaml mount has subPath %q", m.SubPath)
		}
	}
	cmRef := in.volumes[pluginVolume].ConfigMap
	if cmRef == nil {
		t.Fatalf("volume %s is not a ConfigMap", pluginVolume)
	}
	cm, ok := in.objs["ConfigMap/"+cmRef.Name]
	if !ok {
		t.Fatalf("volume %s names ConfigMap %s, which the build does not contain", pluginVolume, cmRef.Name)
	}
	if cm.Data["plugin.yaml"] != string(PluginYAML) {
		t.Errorf("ConfigMap %s plugin.yaml differs from argocd/plugin.yaml", cmRef.Name)
	}
	if cm.Metadata.Namespace != "argocd" {
		t.Errorf("ConfigMap %s in namespace %q", cmRef.Name, cm.Metadata.Namespace)
	}
}

// execGenerateHeadroom is what one `floe argocd generate` may hold beyond its bound
// (membound.Limit): growth between two samples and memory the runtime does not count.
const execGenerateHeadroom = 64 << 20

// TestInstallOverlayExecMemory (D-ARGO-06): the exec sidecar's memory limit holds as many
// `floe argocd generate` processes at their bound as the repo-server may run at once
// (reposerver.parallelism.limit, set by the component), plus argocd-cmp-server's share,
// so floe's bound, not the OOM killer, ends a render that grows.
func TestInstallOverlayExecMemory(t *testing.T) {
	in := checkInstall(t, buildTestInstall(t, execOverlayDir))
	raw := in.objs["ConfigMap/argocd-cmd-params-cm"].Data["reposerver.parallelism.limit"]
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 {
		t.Fatalf("reposerver.parallelism.limit = %q; the exec component must bound the generates at once", raw)
	}
	q, err := resource.ParseQuantity(in.floe.Resources.Limits["memory"])
	if err != nil {
		t.Fatalf("exec sidecar memory limit %q: %v", in.floe.Resources.Limits["memory"], err)
	}
	want := int64(n)*(membound.Limit+execGenerateHeadroom) + membound.ServerHeadroom
	if q.Value() < want {
		t.Errorf("exec sidecar memory limit %s for %d generates at once; want at least %d MiB (%d x (%d + %d) + %d MiB)",
			q.String(), n, want>>20, n, membound.Limit>>20, execGenerateHeadroom>>20, membound.ServerHeadroom>>20)
	}
	if q.Value() > want+membound.ServerHeadroom {
		t.Errorf("exec sidecar memory limit %s is far above what %d generates need (%d MiB): raise reposerver.parallelism.limit with it", q.String(), n, want>>20)
	}
}

// TestOverlayPluginCopy: kustomize may only read files inside the component, so it holds
// a copy of plugin.yaml; it must be the embedded one byte for byte.
func TestOverlayPluginCopy(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(execOverlayDir, "plugin.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, PluginYAML) {
		t.Fatalf("%s/plugin.yaml differs from argocd/plugin.yaml (cp argocd/plugin.yaml %s/):\n%s",
			execOverlayDir, execOverlayDir, golden.Diff(string(PluginYAML), string(b)))
	}
}

// TestOverlayIsComponent: the shipped directories must not pull in the stand-in base.
func TestOverlayIsComponent(t *testing.T) {
	for _, dir := range []string{overlayDir, execOverlayDir} {
		b, err := os.ReadFile(filepath.Join(dir, "kustomization.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		var k types.Kustomization
		if err := yaml.UnmarshalStrict(b, &k); err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		if k.Kind != types.ComponentKind || len(k.Resources) != 0 || len(k.Components) != 0 {
			t.Errorf("%s must be a Component without resources: kind %q, resources %v, components %v",
				dir, k.Kind, k.Resources, k.Components)
		}
	}
}

// kustomizeOffline builds dir of fs as the README's recipe does, offline: root-only load
// restrictions, plugins (exec and container functions) disabled. what names the build
// in a failure.
func kustomizeOffline(t *testing.T, fs filesys.FileSystem, dir, what string) resmap.ResMap {
	t.Helper()
	opts := krusty.MakeDefaultOptions()
	opts.PluginConfig = types.DisabledPluginConfig()
	opts.LoadRestrictions = types.LoadRestrictionsRootOnly
	rm, err := krusty.MakeKustomizer(opts).Run(fs, dir)
	if err != nil {
		t.Fatalf("kustomize build (%s): %v", what, err)
	}
	return rm
}
