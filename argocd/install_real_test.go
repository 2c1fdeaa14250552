package argocd

import (
	"bytes"
	"encoding/json"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/api/resmap"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"

	"github.com/floe-dev/floe/golden"
)

// argoCDModule and argoCDVersion name the Argo CD release the components are built
// against (D-ARGO-07): its module zip carries manifests/ as released. e2e/argocd/go.mod
// requires the same version (TestArgoCDVersionMatchesE2E), so a bump moves both.
const (
	argoCDModule  = "github.com/argoproj/argo-cd/v3"
	argoCDVersion = "v3.3.19"
)

// argoCDModuleDir is the extracted Argo CD module, from the module cache or fetched
// through the Go module proxy by `go mod download` (the test's own go command; floe
// never starts a process), run in the e2e/argocd module so that its go.sum checks the
// zip (read-only: neither go.mod nor go.sum is written). The test is skipped, saying
// why, only when the module cannot be had (no proxy, no cache).
func argoCDModuleDir(t *testing.T) string {
	t.Helper()
	cmd := exec.Command("go", "mod", "download", "-json", argoCDModule+"@"+argoCDVersion)
	cmd.Dir = "../e2e/argocd"
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=readonly", "GOWORK=off", "GO111MODULE=on")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, runErr := cmd.Output()
	var mod struct {
		Dir   string
		Error string
	}
	jsonErr := json.Unmarshal(out, &mod)
	if runErr != nil {
		// The go command could not fetch it (no proxy, no cache): say so and why.
		t.Skipf("SKIP: Argo CD %s cannot be fetched (module proxy unreachable and not in the module cache), "+
			"so the components are not built over its real manifests: go mod download: %v: %s %s",
			argoCDVersion, runErr, mod.Error, bytes.TrimSpace(stderr.Bytes()))
	}
	if jsonErr != nil || mod.Error != "" || mod.Dir == "" {
		t.Fatalf("go mod download %s@%s: %v %s: %s", argoCDModule, argoCDVersion, jsonErr, mod.Error, out)
	}
	return mod.Dir
}

// TestArgoCDVersionMatchesE2E: the version the components are checked against is the
// one the e2e module (the real argocd-cmp-server) pins.
func TestArgoCDVersionMatchesE2E(t *testing.T) {
	b, err := os.ReadFile("../e2e/argocd/go.mod")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\s*` + regexp.QuoteMeta(argoCDModule) + `\s+(\S+)`).FindSubmatch(b)
	if m == nil || string(m[1]) != argoCDVersion {
		t.Fatalf("e2e/argocd/go.mod requires %s %q, the install test builds over %s: bump both", argoCDModule, m, argoCDVersion)
	}
}

// buildOverInstall builds a component (or none, component == "") over one of Argo CD's
// install manifests the way the README tells users to: namespace argocd, the manifest
// as the only resource, floe's directory as a component. In memory, offline, root-only
// load restrictions, no kustomize plugins.
func buildOverInstall(t *testing.T, manifest []byte, component string) resmap.ResMap {
	t.Helper()
	fs := filesys.MakeFsInMemory()
	k := "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: argocd\nresources:\n  - install.yaml\n"
	if component != "" {
		if err := copyDir(fs, component, "/floe/component", "testbase"); err != nil {
			t.Fatal(err)
		}
		k += "components:\n  - ../component\n"
	}
	if err := fs.WriteFile("/floe/install/install.yaml", manifest); err != nil {
		t.Fatal(err)
	}
	if err := fs.WriteFile("/floe/install/kustomization.yaml", []byte(k)); err != nil {
		t.Fatal(err)
	}
	return kustomizeOffline(t, fs, "/floe/install", component+" over Argo CD "+argoCDVersion)
}

// copyDir copies the files under src to dst in fs, leaving out the directory skip.
func copyDir(fs filesys.FileSystem, src, dst, skip string) error {
	return filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		if d.IsDir() {
			if rel == skip {
				return filepath.SkipDir
			}
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return fs.WriteFile(dst+"/"+filepath.ToSlash(rel), b)
	})
}

// objKey names an object without its namespace (every install manifest names each
// kind/name once).
func objKey(o map[string]any) string {
	md, _ := o["metadata"].(map[string]any)
	return o["apiVersion"].(string) + " " + o["kind"].(string) + " " + md["name"].(string)
}

// releasedObjects reads the documents of a multi-document manifest that name one of
// names (a cheap text filter first: the CRDs make up most of an install), by key.
func releasedObjects(t *testing.T, name string, b []byte, names ...string) map[string]map[string]any {
	t.Helper()
	objs := map[string]map[string]any{}
	for i, doc := range regexp.MustCompile(`(?m)^---\s*$`).Split(string(b), -1) {
		if !slices.ContainsFunc(names, func(n string) bool { return strings.Contains(doc, "name: "+n+"\n") }) {
			continue
		}
		var o map[string]any
		if err := yaml.Unmarshal([]byte(doc), &o); err != nil {
			t.Fatalf("%s: document %d: %v", name, i, err)
		}
		if o == nil || !slices.Contains(names, get(o, "metadata", "name").(string)) {
			continue
		}
		k := objKey(o)
		if _, dup := objs[k]; dup {
			t.Fatalf("%s: %s twice", name, k)
		}
		objs[k] = o
	}
	return objs
}

// resMapObjects turns a kustomize build into objects by key, with metadata.namespace
// removed after checking it is argocd (kustomize's namespace: field) or absent
// (cluster-scoped).
func resMapObjects(t *testing.T, rm resmap.ResMap) (map[string]map[string]any, []string) {
	t.Helper()
	objs := map[string]map[string]any{}
	var keys []string
	for _, r := range rm.Resources() {
		m, err := r.Map()
		if err != nil {
			t.Fatal(err)
		}
		o := deepCopy(t, m) // numbers as JSON reads them, like releasedObjects
		md := o["metadata"].(map[string]any)
		if ns, ok := md["namespace"]; ok {
			if ns != "argocd" {
				t.Errorf("%s in namespace %v", objKey(o), ns)
			}
			delete(md, "namespace")
		}
		objs[objKey(o)] = o
		keys = append(keys, objKey(o))
	}
	return objs, keys
}

// get walks a path of map keys.
func get(o any, path ...string) any {
	for _, p := range path {
		m, ok := o.(map[string]any)
		if !ok {
			return nil
		}
		o = m[p]
	}
	return o
}

func list(o any, path ...string) []any {
	l, _ := get(o, path...).([]any)
	return l
}

func named(l []any) map[string]map[string]any {
	m := map[string]map[string]any{}
	for _, x := range l {
		o := x.(map[string]any)
		m[o["name"].(string)] = o
	}
	return m
}

func dump(o any) string {
	b, _ := yaml.Marshal(o)
	return string(b)
}

const (
	repoServerKey = "apps/v1 Deployment argocd-repo-server"
	cmdParamsKey  = "v1 ConfigMap argocd-cmd-params-cm"
)

// realInstalls are the Argo CD manifests a component is applied to: the default
// install, the HA one and the namespace-scoped one. golden names the file that shows
// what the component changed in it (only the default install, to stay readable).
// sameCRDs: the manifest's CustomResourceDefinitions (nearly all its bytes) are the
// default install's, byte for byte (checked), so it is built without them.
var realInstalls = []struct {
	path     string
	golden   string
	sameCRDs bool
}{
	{"manifests/install.yaml", "install-argocd-" + argoCDVersion + ".yaml", false},
	{"manifests/ha/install.yaml", "", true},
	{"manifests/namespace-install.yaml", "", false},
}

// splitCRDs separates a manifest's CustomResourceDefinition documents from the rest.
func splitCRDs(b []byte) (crds []string, rest []byte) {
	var other []string
	for _, doc := range regexp.MustCompile(`(?m)^---\s*$`).Split(string(b), -1) {
		if regexp.MustCompile(`(?m)^kind: CustomResourceDefinition$`).MatchString(doc) {
			crds = append(crds, doc)
		} else {
			other = append(other, doc)
		}
	}
	return crds, []byte(strings.Join(other, "---"))
}

// TestInstallOverRealArgoCD (D-ARGO-06, D-ARGO-07): both components, built over Argo CD's
// released install manifests, change only the argocd-repo-server Deployment (append a
// sidecar and its volumes, keep every existing container, init container and volume as
// it was) and add one key to argocd-cmd-params-cm; every other object is the released
// one. The sidecar meets floe's restricted rules, shares the socket directory the
// repo-server reads (Argo CD's own DefaultPluginSockFilePath) and a tmp of its own.
func TestInstallOverRealArgoCD(t *testing.T) {
	dir := argoCDModuleDir(t)
	common, err := os.ReadFile(filepath.Join(dir, "common", "common.go"))
	if err != nil {
		t.Fatal(err)
	}
	constant := func(name string) string {
		m := regexp.MustCompile(`(?m)^\s*` + name + `\s*=\s*"([^"]+)"`).FindSubmatch(common)
		if m == nil {
			t.Fatalf("Argo CD %s common/common.go: no %s", argoCDVersion, name)
		}
		return string(m[1])
	}
	sockDir := constant("DefaultPluginSockFilePath")
	configDir := constant("DefaultPluginConfigFilePath")
	configName := constant("PluginConfigFileName")

	var defaultCRDs []string
	for _, inst := range realInstalls {
		raw, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(inst.path)))
		if err != nil {
			t.Fatal(err)
		}
		crds, rest := splitCRDs(raw)
		if inst.path == realInstalls[0].path {
			defaultCRDs = crds
			if len(crds) == 0 {
				t.Fatalf("%s has no CustomResourceDefinitions", inst.path)
			}
		}
		if inst.sameCRDs {
			if !slices.Equal(crds, defaultCRDs) {
				t.Fatalf("%s: its CustomResourceDefinitions are not %s's", inst.path, realInstalls[0].path)
			}
			raw = rest
		}
		release := releasedObjects(t, inst.path, raw, "argocd-repo-server", "argocd-cmd-params-cm")
		if _, ok := release[repoServerKey]; !ok {
			t.Fatalf("%s has no argocd-repo-server Deployment", inst.path)
		}
		// The same kustomization without floe: what the component is compared with,
		// object by object (kustomize's namespace also fills RoleBinding subjects).
		// Its repo-server Deployment and argocd-cmd-params-cm are the release's.
		released, order := resMapObjects(t, buildOverInstall(t, raw, ""))
		for _, k := range []string{repoServerKey, cmdParamsKey} {
			if !reflect.DeepEqual(released[k], release[k]) {
				t.Fatalf("%s: kustomize alone changes %s:\n%s", inst.path, k, golden.Diff(dump(release[k]), dump(released[k])))
			}
		}
		for _, comp := range []struct {
			dir, name string
			exec      bool
		}{
			{overlayDir, "cmp-server", false},
			{execOverlayDir, "exec", true},
		} {
			t.Run(inst.path+"/"+comp.name, func(t *testing.T) {
				rm := buildOverInstall(t, raw, comp.dir)
				built, _ := resMapObjects(t, rm)
				added := checkOnlyRepoServerChanged(t, released, order, built, comp.exec)
				checkRealSidecar(t, released[repoServerKey], built[repoServerKey], sockDir, comp.exec)
				if comp.exec {
					checkExecPluginConfig(t, built, configDir, configName)
				}
				if inst.golden == "" {
					return
				}
				name := inst.golden
				if comp.exec {
					name = "install-exec-argocd-" + argoCDVersion + ".yaml"
				}
				golden.Assert(t, filepath.Join(golden.Dir(t), "argocd", name), changedYAML(t, rm, append([]string{repoServerKey, cmdParamsKey}, added...)))
			})
		}
	}
}

// checkOnlyRepoServerChanged compares the build with the build without the component,
// object by object: the same objects (plus, in exec mode, the plugin.yaml ConfigMap,
// whose keys it returns), each equal but the repo-server Deployment (checkRealSidecar)
// and argocd-cmd-params-cm, which gains exactly the tar exclusion (and, in exec mode,
// the repo-server's parallelism limit).
func checkOnlyRepoServerChanged(t *testing.T, released map[string]map[string]any, order []string, built map[string]map[string]any, exec bool) []string {
	t.Helper()
	var added []string
	for k := range built {
		if _, ok := released[k]; !ok {
			added = append(added, k)
		}
	}
	slices.Sort(added)
	wantAdded := []string(nil)
	if exec {
		wantAdded = []string{"v1 ConfigMap floe-cmp-plugin"}
	}
	if !slices.EqualFunc(added, wantAdded, func(a, b string) bool { return strings.HasPrefix(a, b) }) {
		t.Errorf("the component adds %v, want %v", added, wantAdded)
	}
	for _, k := range order {
		got, ok := built[k]
		if !ok {
			t.Errorf("%s is missing from the build", k)
			continue
		}
		want := released[k]
		switch k {
		case repoServerKey:
			continue // checkRealSidecar
		case cmdParamsKey:
			want = deepCopy(t, want)
			data, _ := want["data"].(map[string]any)
			if data == nil {
				data = map[string]any{}
			}
			if _, ok := data["reposerver.plugin.tar.exclusions"]; ok {
				t.Fatalf("the release sets reposerver.plugin.tar.exclusions already: merge it with floe's .git/*")
			}
			data["reposerver.plugin.tar.exclusions"] = ".git/*"
			if exec { // the generates at once the sidecar's memory limit is sized for
				if _, ok := data["reposerver.parallelism.limit"]; ok {
					t.Fatalf("the release sets reposerver.parallelism.limit already: size the exec sidecar's memory for it")
				}
				data["reposerver.parallelism.limit"] = "2"
			}
			want["data"] = data
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s differs from the release:\n%s", k, golden.Diff(dump(want), dump(got)))
		}
	}
	return added
}

func deepCopy(t *testing.T, o map[string]any) map[string]any {
	t.Helper()
	b, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	var c map[string]any
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	return c
}

// checkRealSidecar compares the built repo-server Deployment with the released one:
// everything equal but the pod's containers and volumes, where the released ones come
// first, unchanged, followed by the floe sidecar and the volumes only it mounts. The
// sidecar meets floe's restricted rules (policies/pss.rego) and mounts the socket
// directory (the same volume at the same path as the repo-server), a tmp of its own
// and, in exec mode, the var-files volume the copyutil init container fills with
// argocd-cmp-server.
func checkRealSidecar(t *testing.T, released, built map[string]any, sockDir string, exec bool) {
	t.Helper()
	podPath := []string{"spec", "template", "spec"}
	relPod, _ := get(released, podPath...).(map[string]any)
	gotPod, _ := get(built, podPath...).(map[string]any)

	// Everything but containers and volumes is the release's.
	strip := func(o map[string]any) map[string]any {
		c := deepCopy(t, o)
		pod := get(c, podPath...).(map[string]any)
		delete(pod, "containers")
		delete(pod, "volumes")
		return c
	}
	if a, b := strip(released), strip(built); !reflect.DeepEqual(a, b) {
		t.Errorf("argocd-repo-server changed outside containers and volumes:\n%s", golden.Diff(dump(a), dump(b)))
	}
	if len(list(relPod, "initContainers")) == 0 {
		t.Error("the release's repo-server has no init containers (copyutil): the comparison checks nothing")
	}

	relC, gotC := list(relPod, "containers"), list(gotPod, "containers")
	if len(gotC) != len(relC)+1 || !reflect.DeepEqual(gotC[:len(relC)], relC) {
		t.Fatalf("containers: want the release's %d unchanged then the floe sidecar, got:\n%s", len(relC), golden.Diff(dump(relC), dump(gotC)))
	}
	floe := gotC[len(relC)].(map[string]any)
	if floe["name"] != "floe" {
		t.Fatalf("appended container %v, want floe", floe["name"])
	}
	relV, gotV := list(relPod, "volumes"), list(gotPod, "volumes")
	if len(gotV) < len(relV) || !reflect.DeepEqual(gotV[:len(relV)], relV) {
		t.Fatalf("volumes: want the release's unchanged first:\n%s", golden.Diff(dump(relV), dump(gotV)))
	}
	relVols, vols := named(relV), named(gotV)
	if len(vols) != len(gotV) {
		t.Errorf("volume names repeat: %s", dump(gotV))
	}

	// floe's restricted rules (policies/pss.rego POL-SEC-01..03, 05), on the container
	// alone since the release sets no pod securityContext.
	if get(relPod, "securityContext") != nil {
		t.Logf("the release sets a pod securityContext: %s", dump(get(relPod, "securityContext")))
	}
	sc, _ := floe["securityContext"].(map[string]any)
	for field, want := range map[string]any{
		"runAsNonRoot":             true,
		"runAsUser":                float64(999), // Argo CD runs CMP sidecars as argocd (999)
		"readOnlyRootFilesystem":   true,
		"allowPrivilegeEscalation": false,
	} {
		if sc[field] != want {
			t.Errorf("floe securityContext.%s = %v, want %v", field, sc[field], want)
		}
	}
	if p, ok := sc["privileged"]; ok && p != false {
		t.Errorf("floe securityContext.privileged = %v", p)
	}
	if drop := list(sc, "capabilities", "drop"); !slices.Contains(drop, any("ALL")) || len(list(sc, "capabilities", "add")) != 0 {
		t.Errorf("floe capabilities %v: want drop [ALL], nothing added", get(sc, "capabilities"))
	}
	if typ := get(sc, "seccompProfile", "type"); typ != "RuntimeDefault" {
		t.Errorf("floe seccompProfile.type = %v, want RuntimeDefault", typ)
	}
	for _, p := range list(floe, "ports") {
		if get(p, "hostPort") != nil {
			t.Errorf("floe has a hostPort: %v", p)
		}
	}

	// Mounts: every one a volume of the pod; the ones only floe mounts are the added volumes.
	mountedAt := map[string]string{} // path -> volume
	for _, m := range list(floe, "volumeMounts") {
		name, path := get(m, "name").(string), get(m, "mountPath").(string)
		if _, ok := vols[name]; !ok {
			t.Errorf("floe mounts %s at %s: no such volume", name, path)
		}
		if slices.Contains([]string{"/", "/proc", "/sys", "/dev", "/etc", "/var/run", "/run"}, strings.TrimRight(path, "/")) {
			t.Errorf("floe mounts %s over a system path %s", name, path)
		}
		mountedAt[path] = name
	}
	for _, v := range gotV[len(relV):] {
		name := get(v, "name").(string)
		if _, ok := relVols[name]; ok {
			t.Errorf("volume %s added twice", name)
		}
		if !slices.Contains(slices.Collect(maps.Values(mountedAt)), name) {
			t.Errorf("added volume %s is not mounted by floe", name)
		}
	}

	// The socket directory: the repo-server's own plugins volume, at Argo CD's default
	// path, which the repo-server container mounts too and does not move with
	// ARGOCD_PLUGINSOCKFILEPATH.
	repo := relC[0].(map[string]any)
	if repo["name"] != "argocd-repo-server" {
		t.Fatalf("first container %v", repo["name"])
	}
	for _, e := range list(repo, "env") {
		if get(e, "name") == "ARGOCD_PLUGINSOCKFILEPATH" {
			t.Errorf("the release moves the plugin socket dir: %v", e)
		}
	}
	sockVol := mountedAt[sockDir]
	if sockVol == "" {
		t.Fatalf("floe does not mount %s (Argo CD's DefaultPluginSockFilePath)", sockDir)
	}
	if _, ok := relVols[sockVol]; !ok {
		t.Errorf("socket dir volume %s is not the release's", sockVol)
	}
	repoMounts := map[string]string{}
	for _, m := range list(repo, "volumeMounts") {
		repoMounts[get(m, "mountPath").(string)] = get(m, "name").(string)
	}
	if repoMounts[sockDir] != sockVol {
		t.Errorf("the repo-server mounts %q at %s, floe mounts %q: they do not share sockets", repoMounts[sockDir], sockDir, sockVol)
	}

	// tmp: an emptyDir of floe's own, not the repo-server's /tmp.
	tmp := mountedAt["/tmp"]
	if tmp == "" || get(vols[tmp], "emptyDir") == nil {
		t.Errorf("floe's /tmp is %q, want an emptyDir", tmp)
	}
	if tmp != "" && tmp == repoMounts["/tmp"] {
		t.Errorf("floe shares the repo-server's tmp volume %s", tmp)
	}

	if !exec {
		if len(list(floe, "command")) != 0 || floe["args"] != nil {
			t.Errorf("floe command %v args %v, want the image's entrypoint", floe["command"], floe["args"])
		}
		if _, ok := mountedAt["/var/run/argocd"]; ok {
			t.Error("the cmp-server sidecar mounts /var/run/argocd, which it does not need")
		}
		if len(mountedAt) != 2 {
			t.Errorf("floe mounts %v, want only the socket dir and its tmp", mountedAt)
		}
		return
	}
	// Exec mode: argocd-cmp-server comes from the var-files volume, where the release's
	// copyutil init container links it.
	cmd := list(floe, "command")
	if len(cmd) != 1 {
		t.Fatalf("floe command %v", cmd)
	}
	bin := cmd[0].(string)
	varVol := mountedAt[filepath.Dir(bin)]
	if varVol == "" {
		t.Fatalf("floe runs %s but mounts nothing at %s", bin, filepath.Dir(bin))
	}
	if _, ok := relVols[varVol]; !ok {
		t.Errorf("%s volume %s is not the release's", filepath.Dir(bin), varVol)
	}
	var filled bool
	for _, ic := range list(relPod, "initContainers") {
		var writes bool
		for _, m := range list(ic, "volumeMounts") {
			writes = writes || (get(m, "name") == varVol && get(m, "mountPath") == filepath.Dir(bin))
		}
		if writes && strings.Contains(dump(ic), bin) {
			filled = true
		}
	}
	if !filled {
		t.Errorf("no init container of the release puts %s into volume %s", bin, varVol)
	}
}

// checkExecPluginConfig: argocd-cmp-server reads <DefaultPluginConfigFilePath>/plugin.yaml,
// which the exec component mounts from its ConfigMap (argocd/plugin.yaml).
func checkExecPluginConfig(t *testing.T, built map[string]map[string]any, configDir, configName string) {
	t.Helper()
	pod := get(built[repoServerKey], "spec", "template", "spec")
	floe := list(pod, "containers")[len(list(pod, "containers"))-1]
	want := configDir + "/" + configName
	var vol string
	for _, m := range list(floe, "volumeMounts") {
		if get(m, "mountPath") == want {
			vol, _ = get(m, "name").(string)
			if get(m, "subPath") != configName {
				t.Errorf("%s mounted with subPath %v", want, get(m, "subPath"))
			}
		}
	}
	if vol == "" {
		t.Fatalf("the exec sidecar does not mount %s", want)
	}
	cmName, _ := get(named(list(pod, "volumes"))[vol], "configMap", "name").(string)
	var data any
	for k, o := range built {
		if strings.HasPrefix(k, "v1 ConfigMap ") && get(o, "metadata", "name") == cmName {
			data = get(o, "data", configName)
		}
	}
	if data != string(PluginYAML) {
		t.Errorf("ConfigMap %q (volume %s) %s differs from argocd/plugin.yaml", cmName, vol, configName)
	}
}

// changedYAML is the build's objects named by keys, as kustomize writes them.
func changedYAML(t *testing.T, rm resmap.ResMap, keys []string) []byte {
	t.Helper()
	var out bytes.Buffer
	out.WriteString("# What floe's component changes in Argo CD " + argoCDVersion + " manifests/install.yaml\n" +
		"# (kustomize namespace argocd); every other object is built as without the component.\n" +
		"# Written by argocd TestInstallOverRealArgoCD; go test ./argocd/ -update rewrites it.\n")
	for _, r := range rm.Resources() {
		o, err := r.Map()
		if err != nil {
			t.Fatal(err)
		}
		md := deepCopy(t, o)["metadata"].(map[string]any)
		delete(md, "namespace")
		c := map[string]any{"apiVersion": o["apiVersion"], "kind": o["kind"], "metadata": md}
		if !slices.Contains(keys, objKey(c)) {
			continue
		}
		b, err := r.AsYAML()
		if err != nil {
			t.Fatal(err)
		}
		out.WriteString("---\n")
		out.Write(b)
	}
	return out.Bytes()
}
