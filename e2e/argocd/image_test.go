package argocde2e

import (
	"archive/tar"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/argoproj/argo-cd/v3/cmpserver/apiclient"
	"github.com/argoproj/argo-cd/v3/common"
	"github.com/argoproj/argo-cd/v3/util/app/discovery"
	"github.com/golang/protobuf/ptypes/empty"
	grpc_retry "github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors/retry"
	"sigs.k8s.io/yaml"
)

// notProven is what TestImageRuns leaves unproven when it skips.
const notProven = "not proven: that the sidecar image starts from its own config as uid 999 on a read-only root and serves Argo CD"

// sidecarPatch is the default component's patch adding the floe container.
const sidecarPatch = "../../deploy/argocd-cmp/repo-server-sidecar.yaml"

// goCmd is a go command run in dir (a module of this repository) with the build
// configuration of `make image`: no cgo, linux/amd64, trimmed paths.
func goCmd(dir string, args ...string) *exec.Cmd {
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH=amd64")
	return cmd
}

// buildImage builds the sidecar image as `make image` does (the same go build flags,
// then tools/image's main) into dir/oci and returns that OCI layout directory.
func buildImage(t *testing.T, dir string) string {
	t.Helper()
	bin, out := filepath.Join(dir, "floe"), filepath.Join(dir, "oci")
	abs := func(p string) string {
		a, err := filepath.Abs(p)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	for _, cmd := range []*exec.Cmd{
		goCmd(mainModule, "build", "-trimpath", "-ldflags", "-s -w -buildid= -X main.version=e2e-image", "-o", bin, "./cmd/floe"),
		goCmd(filepath.Join(mainModule, "tools", "image"), "run", ".", "-binary", bin, "-plugin", abs(filepath.Join(pluginDir, "plugin.yaml")),
			"-out", out, "-ref", "ghcr.io/floe-dev/floe-argocd-cmp:dev"),
	} {
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", strings.Join(cmd.Args, " "), err, b)
		}
	}
	return out
}

// OCI image layout, as far as starting the image needs it (image-spec v1.1).
type ociDescriptor struct {
	MediaType string `json:"mediaType"`
	Digest    string `json:"digest"`
	Size      int64  `json:"size"`
}

type ociImage struct {
	Architecture string `json:"architecture"`
	OS           string `json:"os"`
	Config       struct {
		User       string   `json:"User"`
		Env        []string `json:"Env"`
		Entrypoint []string `json:"Entrypoint"`
		Cmd        []string `json:"Cmd"`
		WorkingDir string   `json:"WorkingDir"`
	} `json:"config"`
}

const (
	ociManifestType = "application/vnd.oci.image.manifest.v1+json"
	ociConfigType   = "application/vnd.oci.image.config.v1+json"
	ociLayerTar     = "application/vnd.oci.image.layer.v1.tar"
	ociLayerGzip    = "application/vnd.oci.image.layer.v1.tar+gzip"
)

// readBlob reads the blob desc names from the layout and checks its size and digest.
func readBlob(layoutDir string, desc ociDescriptor) ([]byte, error) {
	hexSum, ok := strings.CutPrefix(desc.Digest, "sha256:")
	if _, err := hex.DecodeString(hexSum); !ok || len(hexSum) != 64 || err != nil {
		return nil, fmt.Errorf("blob %q: not a sha256 digest", desc.Digest)
	}
	b, err := os.ReadFile(filepath.Join(layoutDir, "blobs", "sha256", hexSum))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) != desc.Size {
		return nil, fmt.Errorf("blob %s: %d bytes, the descriptor says %d", desc.Digest, len(b), desc.Size)
	}
	if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != hexSum {
		return nil, fmt.Errorf("blob %s: content has digest sha256:%x", desc.Digest, sum)
	}
	return b, nil
}

// readLayout reads the one image of an OCI layout (index.json, its manifest, the
// config), every blob checked against its digest, and returns the config and layers.
func readLayout(t *testing.T, dir string) (ociImage, []ociDescriptor) {
	t.Helper()
	var marker struct {
		Version string `json:"imageLayoutVersion"`
	}
	if b, err := os.ReadFile(filepath.Join(dir, "oci-layout")); err != nil || json.Unmarshal(b, &marker) != nil || marker.Version != "1.0.0" {
		t.Fatalf("%s: not an OCI image layout 1.0.0 (%v)", dir, err)
	}
	var index struct {
		Manifests []ociDescriptor `json:"manifests"`
	}
	b, err := os.ReadFile(filepath.Join(dir, "index.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &index); err != nil {
		t.Fatalf("index.json: %v", err)
	}
	if len(index.Manifests) != 1 || index.Manifests[0].MediaType != ociManifestType {
		t.Fatalf("index.json: want one image manifest, got %+v", index.Manifests)
	}
	b, err = readBlob(dir, index.Manifests[0])
	if err != nil {
		t.Fatalf("manifest: %v", err)
	}
	var manifest struct {
		Config ociDescriptor   `json:"config"`
		Layers []ociDescriptor `json:"layers"`
	}
	if err := json.Unmarshal(b, &manifest); err != nil {
		t.Fatalf("manifest %s: %v", index.Manifests[0].Digest, err)
	}
	if manifest.Config.MediaType != ociConfigType {
		t.Fatalf("config media type %q", manifest.Config.MediaType)
	}
	b, err = readBlob(dir, manifest.Config)
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	var img ociImage
	if err := json.Unmarshal(b, &img); err != nil {
		t.Fatalf("config %s: %v", manifest.Config.Digest, err)
	}
	return img, manifest.Layers
}

// unpackLayer extracts a layer into rootfs as a runtime does, owned by root and not
// writable by anyone else whatever the layer says: readOnlyRootFilesystem makes the whole
// image read-only to the container's user. Links, whiteouts and devices are refused (the
// image has none).
func unpackLayer(t *testing.T, layoutDir string, desc ociDescriptor, rootfs string) {
	t.Helper()
	b, err := readBlob(layoutDir, desc)
	if err != nil {
		t.Fatalf("layer: %v", err)
	}
	var r io.Reader = strings.NewReader(string(b))
	switch desc.MediaType {
	case ociLayerGzip:
		gz, err := gzip.NewReader(r)
		if err != nil {
			t.Fatalf("layer %s: %v", desc.Digest, err)
		}
		r = gz
	case ociLayerTar:
	default:
		t.Fatalf("layer %s: media type %q", desc.Digest, desc.MediaType)
	}
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			t.Fatalf("layer %s: %v", desc.Digest, err)
		}
		name := path.Clean(h.Name)
		if path.IsAbs(name) || name == ".." || strings.HasPrefix(name, "../") || strings.HasPrefix(path.Base(name), ".wh.") {
			t.Fatalf("layer entry %q", h.Name)
		}
		dst := filepath.Join(rootfs, filepath.FromSlash(name))
		mode := fs.FileMode(h.Mode).Perm()&^0o022 | modeSticky(h.Mode)
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(dst, 0o755); err != nil {
				t.Fatal(err)
			}
		case tar.TypeReg:
			f, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
			if err != nil {
				t.Fatal(err)
			}
			_, err = io.Copy(f, tr)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				t.Fatal(err)
			}
		default:
			t.Fatalf("layer entry %q: type %q", h.Name, h.Typeflag)
		}
		if err := os.Lchown(dst, 0, 0); errors.Is(err, syscall.EPERM) {
			t.Skipf("chown refused (%v); %s", err, notProven)
		} else if err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(dst, mode); err != nil {
			t.Fatal(err)
		}
	}
}

func modeSticky(m int64) fs.FileMode {
	if m&0o1000 != 0 {
		return fs.ModeSticky
	}
	return 0
}

// podContainer is the floe container of the default component, as far as starting it
// needs: what overrides the image's entrypoint, env, user and mounts.
type podContainer struct {
	Name    string   `json:"name"`
	Command []string `json:"command"`
	Args    []string `json:"args"`
	Env     []struct {
		Name      string          `json:"name"`
		Value     string          `json:"value"`
		ValueFrom json.RawMessage `json:"valueFrom"`
	} `json:"env"`
	SecurityContext struct {
		RunAsUser              *int64 `json:"runAsUser"`
		ReadOnlyRootFilesystem bool   `json:"readOnlyRootFilesystem"`
	} `json:"securityContext"`
	VolumeMounts []struct {
		MountPath string `json:"mountPath"`
	} `json:"volumeMounts"`
}

func sidecarContainer(t *testing.T) podContainer {
	t.Helper()
	b, err := os.ReadFile(sidecarPatch)
	if err != nil {
		t.Fatal(err)
	}
	var ops []struct {
		Op    string          `json:"op"`
		Path  string          `json:"path"`
		Value json.RawMessage `json:"value"`
	}
	if err := yaml.Unmarshal(b, &ops); err != nil {
		t.Fatalf("%s: %v", sidecarPatch, err)
	}
	for _, op := range ops {
		if op.Op != "add" || op.Path != "/spec/template/spec/containers/-" {
			continue
		}
		var c podContainer
		if err := json.Unmarshal(op.Value, &c); err != nil {
			t.Fatalf("%s: %v", sidecarPatch, err)
		}
		if c.Name == "floe" {
			return c
		}
	}
	t.Fatalf("%s adds no floe container", sidecarPatch)
	return podContainer{}
}

// containerArgv is what the kubelet runs: command replaces the entrypoint (and drops
// the image's Cmd), args replace Cmd.
func containerArgv(img ociImage, c podContainer) []string {
	entry, cmd := img.Config.Entrypoint, img.Config.Cmd
	if len(c.Command) > 0 {
		entry, cmd = c.Command, nil
	}
	if len(c.Args) > 0 {
		cmd = c.Args
	}
	return append(slices.Clone(entry), cmd...)
}

// imageUser resolves the container's user (runAsUser over the image's User, uid[:gid])
// against the image's own /etc/passwd: the uid must be named there; its gid is the
// entry's unless the image names one.
func imageUser(t *testing.T, img ociImage, c podContainer, rootfs string) (uid, gid uint32) {
	t.Helper()
	u, g, hasGroup := strings.Cut(img.Config.User, ":")
	n, err := strconv.ParseUint(u, 10, 32)
	if err != nil {
		t.Fatalf("config User %q: want a numeric uid (a name needs the image's passwd, and the kubelet's runAsNonRoot check refuses it)", img.Config.User)
	}
	if c.SecurityContext.RunAsUser != nil && uint64(*c.SecurityContext.RunAsUser) != n {
		t.Fatalf("the component runs as %d, the image as %d", *c.SecurityContext.RunAsUser, n)
	}
	passwd, err := os.ReadFile(filepath.Join(rootfs, "etc", "passwd"))
	if err != nil {
		t.Fatalf("the image has no /etc/passwd: %v", err)
	}
	for line := range strings.SplitSeq(string(passwd), "\n") {
		f := strings.Split(line, ":")
		if len(f) != 7 || f[2] != u {
			continue
		}
		if hasGroup {
			f[3] = g
		}
		m, err := strconv.ParseUint(f[3], 10, 32)
		if err != nil {
			t.Fatalf("/etc/passwd %q: gid %q", line, f[3])
		}
		return uint32(n), uint32(m)
	}
	t.Fatalf("the image's /etc/passwd names no uid %s:\n%s", u, passwd)
	return 0, 0
}

// procStatus is the named fields of /proc/PID/status.
func procStatus(t *testing.T, pid int) map[string]string {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for line := range strings.SplitSeq(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok {
			out[k] = strings.Join(strings.Fields(v), " ")
		}
	}
	return out
}

// TestImageRuns (D-ARGO-10) starts the sidecar image the way a container runtime does at
// its core and drives it with Argo CD's client code. The image is built as `make image`
// builds it, read from its OCI layout (every blob checked against its digest) and
// unpacked into a root filesystem; the process is started from the image config
// (entrypoint, env, working directory, user resolved in the image's /etc/passwd) with the
// default component's container env and mounts (empty directories owned by the user),
// chrooted into the root filesystem, which is root-owned and not writable by the user.
// Through the socket it made: the plugin is discovered and configured as exec mode's,
// announces the same parameters, renders a monorepo's products byte for byte as exec
// mode does, and refuses hostile tarballs; SIGTERM during a request lets the request
// finish, then ends the process with exit 0 and no socket left. From outside: the process
// runs as the image's user with no capabilities, its root is the root filesystem, and the
// image holds no shell. Root only (chroot, setuid); otherwise it skips saying so.
func TestImageRuns(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skipf("needs root to chroot and change user (a container runtime's core); %s", notProven)
	}
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		t.Skipf("the image is linux/amd64, this is %s/%s; %s", runtime.GOOS, runtime.GOARCH, notProven)
	}
	began := time.Now()
	layoutDir := buildImage(t, t.TempDir())
	t.Logf("image built in %v", time.Since(began).Round(time.Millisecond))
	img, layers := readLayout(t, layoutDir)
	if img.OS != "linux" || img.Architecture != "amd64" || len(layers) != 1 {
		t.Fatalf("image %s/%s with %d layers; want linux/amd64, one layer", img.OS, img.Architecture, len(layers))
	}

	// The root filesystem: under the harness's short scratch directory (unix socket
	// paths are limited), traversable as "/" by the container's user.
	rootfs, err := os.MkdirTemp(tmpDir, "rootfs")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(rootfs) })
	if err := os.Chmod(rootfs, 0o755); err != nil {
		t.Fatal(err)
	}
	unpackLayer(t, layoutDir, layers[0], rootfs)

	c := sidecarContainer(t)
	if !c.SecurityContext.ReadOnlyRootFilesystem {
		t.Errorf("the component does not set readOnlyRootFilesystem; this test emulates it")
	}
	uid, gid := imageUser(t, img, c, rootfs)
	if uid != 999 {
		t.Errorf("the image runs as uid %d; Argo CD runs plugin sidecars as 999", uid)
	}
	// The pod's volumes: an empty directory owned by the user at each mount point,
	// hiding what the image has there.
	var mounts []string
	for _, m := range c.VolumeMounts {
		dir := filepath.Join(rootfs, filepath.FromSlash(path.Clean(m.MountPath)))
		if err := os.RemoveAll(dir); err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Chown(dir, int(uid), int(gid)); errors.Is(err, syscall.EPERM) {
			t.Skipf("chown to uid %d refused (%v); %s", uid, err, notProven)
		} else if err != nil {
			t.Fatal(err)
		}
		mounts = append(mounts, dir)
	}
	pluginsDir := filepath.Join(rootfs, "home", "argocd", "cmp-server", "plugins")
	if !slices.Contains(mounts, pluginsDir) {
		t.Fatalf("the component mounts %v; no volume at the plugins directory", mounts)
	}

	// Nothing outside the mounts is writable by the user, and there is no shell.
	shells := []string{"sh", "bash", "ash", "dash", "busybox", "zsh"}
	err = filepath.WalkDir(rootfs, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if slices.Contains(mounts, p) {
			return fs.SkipDir
		}
		if slices.Contains(shells, d.Name()) {
			t.Errorf("%s in the image", strings.TrimPrefix(p, rootfs))
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if st := info.Sys().(*syscall.Stat_t); st.Uid != 0 || info.Mode().Perm()&0o022 != 0 {
			t.Errorf("%s: owner %d, mode %v; want root's and not writable by uid %d", strings.TrimPrefix(p, rootfs), st.Uid, info.Mode(), uid)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(filepath.Join(rootfs, "bin", "sh")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("/bin/sh in the image (%v)", err)
	}

	// Start it: argv, env and working directory from the config and the component, the
	// root and the user as the runtime sets them.
	argv := containerArgv(img, c)
	if len(argv) == 0 || !path.IsAbs(argv[0]) {
		t.Fatalf("argv %q: want an absolute entrypoint", argv)
	}
	env := slices.Clone(img.Config.Env)
	for _, e := range c.Env {
		if len(e.ValueFrom) > 0 {
			t.Fatalf("the component's env %s comes from %s: not emulated here", e.Name, e.ValueFrom)
		}
		env = append(env, e.Name+"="+e.Value)
	}
	// One render time for the image and exec mode (the harness's); nothing else from the
	// test's environment reaches the process.
	env = append(env, "SOURCE_DATE_EPOCH="+os.Getenv("SOURCE_DATE_EPOCH"))
	cmd := &exec.Cmd{Path: argv[0], Args: argv, Env: env, Dir: img.Config.WorkingDir,
		SysProcAttr: &syscall.SysProcAttr{Chroot: rootfs, Credential: &syscall.Credential{Uid: uid, Gid: gid}}}
	sock := filepath.Join(pluginsDir, pluginName+".sock")
	srv := &server{sock: sock, cmd: cmd, err: new(syncBuffer)}
	cmd.Stderr = srv.err
	if err := cmd.Start(); errors.Is(err, syscall.EPERM) {
		t.Skipf("chroot into the image as uid %d refused (%v); %s", uid, err, notProven)
	} else if err != nil {
		t.Fatalf("starting %q chrooted into the image: %v", argv, err)
	}
	srv.ready(t)
	pid := cmd.Process.Pid

	// From outside: who and where the process is.
	st := procStatus(t, pid)
	want := fmt.Sprintf("%d %d %d %d", uid, uid, uid, uid)
	if st["Uid"] != want || st["Gid"] != fmt.Sprintf("%d %d %d %d", gid, gid, gid, gid) || st["Groups"] != "" {
		t.Errorf("process Uid %q Gid %q Groups %q; want uid %d, gid %d, no other groups", st["Uid"], st["Gid"], st["Groups"], uid, gid)
	}
	if st["CapEff"] != "0000000000000000" || st["CapPrm"] != "0000000000000000" {
		t.Errorf("process capabilities CapEff %s CapPrm %s; want none", st["CapEff"], st["CapPrm"])
	}
	realRoot, err := filepath.EvalSymlinks(rootfs)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := os.Readlink(fmt.Sprintf("/proc/%d/root", pid)); err != nil || got != realRoot {
		t.Errorf("process root %q (%v); want %s", got, err, realRoot)
	}
	if got, err := os.Readlink(fmt.Sprintf("/proc/%d/cwd", pid)); err != nil || got != filepath.Join(realRoot, img.Config.WorkingDir) {
		t.Errorf("process working directory %q (%v); want %s", got, err, filepath.Join(realRoot, img.Config.WorkingDir))
	}
	if fi, err := os.Lstat(sock); err != nil || fi.Sys().(*syscall.Stat_t).Uid != uid {
		t.Errorf("socket %s: %v; want one made by uid %d", sock, err, uid)
	}

	// Discovered as the repo-server discovers plugins: every socket in its plugins
	// directory, here the image's only.
	repoDir, apps := monorepo(t, 4)
	apps[1].plugin.Parameters = append(apps[1].plugin.Parameters, param("runtime", "floe-jobs"))
	t.Setenv(common.EnvPluginSockFilePath, pluginsDir)
	ctx := callCtx(t)
	for p, supported := range map[string]bool{apps[0].path: true, "platform": false} {
		a := app{name: "x", path: p}
		_, _, err := discovery.DetectConfigManagementPlugin(ctx, filepath.Join(repoDir, p), repoDir, "", a.generateEnv(t), tarExcludes)
		if (err == nil) != supported {
			t.Errorf("discovery of %s: %v; want found=%v", p, err, supported)
		}
	}
	ic, ec := srv.client(t), newClient(t)
	var configs []any
	for _, cl := range []apiclient.ConfigManagementPluginServiceClient{ec, ic} {
		resp, err := cl.CheckPluginConfiguration(ctx, &empty.Empty{})
		if err != nil {
			t.Fatalf("CheckPluginConfiguration: %v\n%s", err, srv.err)
		}
		configs = append(configs, resp)
	}
	if !reflect.DeepEqual(configs[0], configs[1]) {
		t.Errorf("CheckPluginConfiguration: the image answers %v, exec mode %v", configs[1], configs[0])
	}
	for _, call := range []string{"MatchRepository", "GetParametersAnnouncement"} {
		var answers []any
		for _, cl := range []apiclient.ConfigManagementPluginServiceClient{ec, ic} {
			resp, err := streamCall(ctx, cl, call, apps[0], repoDir)
			if err != nil {
				t.Fatalf("%s: %v\n%s", call, err, srv.err)
			}
			answers = append(answers, resp)
		}
		if !reflect.DeepEqual(answers[0], answers[1]) {
			t.Errorf("%s: the image answers %v\nexec mode answers %v", call, answers[1], answers[0])
		}
	}

	// The products render as in exec mode, byte for byte.
	var wantFirst []string
	for i, a := range apps {
		want, err := generateOn(t, ec, a, repoDir)
		if err != nil || len(want) == 0 {
			t.Fatalf("%s: exec mode: %d manifests, %v", a.path, len(want), err)
		}
		got, err := generateOn(t, ic, a, repoDir)
		if err != nil {
			t.Fatalf("%s: the image: %v\n%s", a.path, err, srv.err)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("%s: the image's manifests differ from exec mode's\ngot  %.400q\nwant %.400q", a.path, got, want)
		}
		if i == 0 {
			wantFirst = want
		}
	}

	// Hostile tarballs fail closed, and nothing lands in the root filesystem.
	base := repoEntries(t, repoDir)
	for name, tc := range map[string]struct {
		extra entry
		want  string
	}{
		"entry climbing out of the root": {entry{hdr: tar.Header{Name: "../../etc/cron.d/evil", Typeflag: tar.TypeReg}, body: []byte("x")}, "climbs out of the root"},
		"symlink out of the repository":  {entry{hdr: tar.Header{Name: "platform/leak", Linkname: "/etc/passwd", Typeflag: tar.TypeSymlink}}, "points outside the repository"},
	} {
		got, err := sendRaw(t, ic, apps[0], tgz(t, append(slices.Clone(base), tc.extra)), "")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %d manifests, error %v; want an error saying %q", name, len(got), err, tc.want)
		}
	}
	if _, err := os.Lstat(filepath.Join(rootfs, "etc", "cron.d")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("/etc/cron.d in the root filesystem after a hostile tarball (%v)", err)
	}

	// SIGTERM, as the kubelet sends it, during a request: the request finishes within
	// the drain, then the process exits 0 (143 is for requests cut short when the
	// drain ends; TestCMPServerSIGTERM) and its socket is gone.
	stream, err := ic.GenerateManifest(ctx, grpc_retry.Disable())
	if err != nil {
		t.Fatal(err)
	}
	tarball := tgz(t, base)
	metaSent, release := make(chan struct{}), make(chan struct{})
	done, errc := make(chan []string, 1), make(chan error, 1)
	go func() {
		got, err := sendTarball(t, stream, apps[0], tarball, "", func() { close(metaSent); <-release })
		done <- got
		errc <- err
	}()
	<-metaSent
	time.Sleep(300 * time.Millisecond) // the server has the request
	termAt := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond) // the server is draining
	close(release)
	got, err := <-done, <-errc
	if err != nil || !slices.Equal(got, wantFirst) {
		t.Errorf("the request under way at SIGTERM: %d manifests, %v; want it to finish with exec mode's manifests\n%s", len(got), err, srv.err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case werr := <-exited:
		if werr != nil {
			t.Errorf("the image's process ended with %v after SIGTERM; want exit 0 after a clean drain\n%s", werr, srv.err)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("the image's process still running 10 s after SIGTERM\n%s", srv.err)
	}
	t.Logf("SIGTERM to exit: %v", time.Since(termAt).Round(time.Millisecond))
	if _, err := os.Lstat(sock); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("socket left after exit (%v)", err)
	}
	if _, err := generateOn(t, ic, apps[0], repoDir); err == nil {
		t.Errorf("a request after exit succeeded")
	}
	t.Logf("TestImageRuns took %v", time.Since(began).Round(time.Millisecond))
}
