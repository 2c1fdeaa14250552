// Package argocdhelm holds the test of deploy/argocd-helm/values.yaml: floe's sidecar for
// the argo-cd Helm chart, rendered with Helm v3's engine through a stand-in chart whose
// repo-server templates have the real chart's shape (testdata/argo-cd-repo-server).
package argocdhelm

import (
	"encoding/json"
	"os"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/engine"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"sigs.k8s.io/yaml"

	"github.com/floe-dev/floe/deploy"
	"github.com/floe-dev/floe/internal/membound"
)

const (
	chartDir      = "testdata/argo-cd-repo-server"
	componentPath = "../argocd-cmp/repo-server-sidecar.yaml"
	socketDir     = "/home/argocd/cmp-server/plugins"
)

// render renders the stand-in chart with values.yaml and then the chart settings in
// override, as `helm template -f values.yaml -f override.yaml`.
func render(t *testing.T, override string) map[string]string {
	t.Helper()
	c, err := loader.LoadDir(chartDir)
	if err != nil {
		t.Fatal(err)
	}
	values, err := chartutil.ReadValuesFile("values.yaml")
	if err != nil {
		t.Fatal(err)
	}
	over, err := chartutil.ReadValues([]byte(override))
	if err != nil {
		t.Fatal(err)
	}
	vals, err := chartutil.ToRenderValues(c, chartutil.CoalesceTables(over.AsMap(), values.AsMap()),
		chartutil.ReleaseOptions{Name: "argocd", Namespace: "argocd", IsInstall: true, Revision: 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	files, err := engine.Engine{Strict: true}.Render(c, vals)
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// componentSidecar is the container and volumes the kustomize component appends.
func componentSidecar(t *testing.T) (corev1.Container, []corev1.Volume) {
	t.Helper()
	b, err := os.ReadFile(componentPath)
	if err != nil {
		t.Fatal(err)
	}
	var ops []struct {
		Op    string          `json:"op"`
		Path  string          `json:"path"`
		Value json.RawMessage `json:"value"`
	}
	if err := yaml.UnmarshalStrict(b, &ops); err != nil {
		t.Fatalf("%s: %v", componentPath, err)
	}
	var c corev1.Container
	var volumes []corev1.Volume
	for _, op := range ops {
		switch op.Path {
		case "/spec/template/spec/containers/-":
			if err := json.Unmarshal(op.Value, &c); err != nil {
				t.Fatalf("%s: container: %v", componentPath, err)
			}
		case "/spec/template/spec/volumes/-":
			var v corev1.Volume
			if err := json.Unmarshal(op.Value, &v); err != nil {
				t.Fatalf("%s: volume: %v", componentPath, err)
			}
			volumes = append(volumes, v)
		}
	}
	return c, volumes
}

// TestHelmValues (D-ARGO-06): the chart's repo-server gets the floe sidecar running the `make image`
// image's entrypoint (floe cmp-server) as non-root uid 999 with a read-only root, no
// escalation, no capabilities and the RuntimeDefault seccomp profile, mounting the
// chart's plugins volume at the socket dir the repo-server container mounts it at, and
// a tmp emptyDir of its own; every volume it mounts exists once; it is the kustomize
// component's sidecar; .git stays out of the plugin tarball, merged with the chart's
// presets; its memory limit is above cmp-server's default bound by the headroom
// (D-ARGO-09). Under every chart setting that changes the repo-server's volumes.
func TestHelmValues(t *testing.T) {
	for _, tc := range []struct {
		name, override string
		plugins        corev1.VolumeSource // the chart's plugins volume
	}{
		{name: "defaults", plugins: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}},
		{name: "no ephemeral helm dir", override: "repoServer: {useEphemeralHelmWorkingDir: false}",
			plugins: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}},
		{name: "emptyDir size limit", override: "repoServer: {emptyDir: {sizeLimit: 1Gi}}",
			plugins: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{SizeLimit: ptr(resource.MustParse("1Gi"))}}},
		{name: "existing plugins and tmp volumes",
			override: "repoServer: {existingVolumes: {plugins: {emptyDir: {medium: Memory}}, tmp: {ephemeral: {}}}}",
			plugins:  corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{Medium: corev1.StorageMediumMemory}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkHelmValues(t, render(t, tc.override), tc.plugins)
		})
	}
}

func ptr[T any](v T) *T { return &v }

func checkHelmValues(t *testing.T, files map[string]string, plugins corev1.VolumeSource) {
	var dep appsv1.Deployment
	if err := yaml.UnmarshalStrict([]byte(files["argo-cd-repo-server/templates/deployment.yaml"]), &dep); err != nil {
		t.Fatalf("repo-server Deployment: %v", err)
	}
	pod := dep.Spec.Template.Spec
	var names []string
	var floe *corev1.Container
	for i, c := range pod.Containers {
		names = append(names, c.Name)
		if c.Name == "floe" {
			floe = &pod.Containers[i]
		}
	}
	if !slices.Equal(names, []string{"repo-server", "floe"}) {
		t.Fatalf("containers %v, want the repo-server and the floe sidecar", names)
	}
	if want := deploy.Image; floe.Image != want {
		t.Errorf("sidecar image %q, want %q (deploy.Image)", floe.Image, want)
	}
	if len(floe.Command) != 0 || len(floe.Args) != 0 {
		t.Errorf("sidecar command %v args %v, want the image's entrypoint (floe cmp-server)", floe.Command, floe.Args)
	}
	sc := floe.SecurityContext
	if sc == nil || sc.RunAsUser == nil || *sc.RunAsUser != 999 || sc.RunAsNonRoot == nil || !*sc.RunAsNonRoot ||
		sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem ||
		sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation ||
		sc.Capabilities == nil || !slices.Equal(sc.Capabilities.Drop, []corev1.Capability{"ALL"}) ||
		sc.SeccompProfile == nil || sc.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault {
		t.Errorf("sidecar must run as non-root uid 999, read-only root, no escalation, no capabilities, RuntimeDefault seccomp: %+v", sc)
	}

	// D-ARGO-09: the server's own bound ends it before the kubelet's OOM killer does.
	if limit, want := floe.Resources.Limits.Memory().Value(), int64(membound.ServerLimit+membound.ServerHeadroom); limit < want {
		t.Errorf("sidecar memory limit %d bytes, want at least the default --max-memory and its headroom (%d)", limit, want)
	}

	volumes := map[string]corev1.Volume{}
	for _, v := range pod.Volumes {
		if _, dup := volumes[v.Name]; dup {
			t.Errorf("volume %s twice (the values collide with the chart's own)", v.Name)
		}
		volumes[v.Name] = v
	}
	mounts := map[string]string{}
	for _, m := range floe.VolumeMounts {
		if _, ok := volumes[m.Name]; !ok {
			t.Errorf("sidecar mounts %s: no such volume", m.Name)
		}
		mounts[m.MountPath] = m.Name
	}
	if mounts[socketDir] != "plugins" || mounts["/tmp"] != "cmp-tmp" || len(mounts) != 2 {
		t.Errorf("sidecar mounts %v, want plugins at %s and cmp-tmp at /tmp", mounts, socketDir)
	}
	if diff := cmp.Diff(plugins, volumes["plugins"].VolumeSource); diff != "" {
		t.Errorf("the chart's plugins volume (-want +got):\n%s", diff)
	}
	if v := volumes["cmp-tmp"]; v.EmptyDir == nil {
		t.Errorf("volume cmp-tmp: %+v, want an emptyDir", v)
	}
	repoMounts := map[string]string{}
	for _, m := range pod.Containers[0].VolumeMounts {
		repoMounts[m.MountPath] = m.Name
	}
	if repoMounts[socketDir] != mounts[socketDir] {
		t.Errorf("the repo-server mounts %q at %s, the sidecar %q: they do not share the socket", repoMounts[socketDir], socketDir, mounts[socketDir])
	}
	if repoMounts["/tmp"] == mounts["/tmp"] {
		t.Errorf("the sidecar shares the repo-server's /tmp volume %s", mounts["/tmp"])
	}

	container, componentVolumes := componentSidecar(t)
	if diff := cmp.Diff(container, *floe); diff != "" {
		t.Errorf("Helm sidecar differs from %s (-component +helm):\n%s", componentPath, diff)
	}
	for _, v := range componentVolumes {
		if diff := cmp.Diff(v, volumes[v.Name]); diff != "" {
			t.Errorf("volume %s differs from %s (-component +helm):\n%s", v.Name, componentPath, diff)
		}
	}

	var cm corev1.ConfigMap
	if err := yaml.UnmarshalStrict([]byte(files["argo-cd-repo-server/templates/argocd-cmd-params-cm.yaml"]), &cm); err != nil {
		t.Fatalf("argocd-cmd-params-cm: %v", err)
	}
	if got := cm.Data["reposerver.plugin.tar.exclusions"]; got != ".git/*" {
		t.Errorf("reposerver.plugin.tar.exclusions = %q, want .git/*", got)
	}
	if cm.Data["reposerver.log.level"] != "info" || cm.Data["repo.server"] == "" {
		t.Errorf("argocd-cmd-params-cm lost the chart's presets: %v", cm.Data)
	}
	for _, k := range []string{"create", "annotations"} {
		if _, ok := cm.Data[k]; ok {
			t.Errorf("argocd-cmd-params-cm has the chart setting %q as a parameter", k)
		}
	}
}
