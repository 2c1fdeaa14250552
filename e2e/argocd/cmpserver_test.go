package argocde2e

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/argoproj/argo-cd/v3/cmpserver/apiclient"
	"github.com/argoproj/argo-cd/v3/cmpserver/plugin"
	"github.com/argoproj/argo-cd/v3/pkg/apis/application/v1alpha1"
	"github.com/argoproj/argo-cd/v3/util/cmp"
	"github.com/golang/protobuf/ptypes/empty"
	grpc_retry "github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors/retry"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// envRunArgoCMPServer re-runs the test binary as argocd-cmp-server: Argo CD's own plugin
// service (cmpserver/plugin) on a gRPC server, serving floe's plugin.yaml in exec mode,
// as serveCMP does in process. (argo-cd's cmpserver package itself adds logging and
// metrics interceptors but does not build against this module's gitops-engine.) The
// benchmark measures it as a process of its own, children included.
const envRunArgoCMPServer = "FLOE_E2E_RUN_ARGOCD_CMP_SERVER"

func runArgoCMPServer() int {
	cfg, err := plugin.ReadPluginConfig(pluginDir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	stop, err := serveCMPConfig(cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer stop()
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, os.Interrupt)
	<-sigs
	return 0
}

// server is a CMP server process: floe cmp-server, or argocd-cmp-server running floe.
type server struct {
	sock string
	cmd  *exec.Cmd
	err  *syncBuffer
}

// syncBuffer is a server's stderr, read while the server writes it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

var serverCount int

// startFloeCMPServer runs `floe cmp-server` on a socket of its own.
func startFloeCMPServer(t testing.TB, args ...string) *server {
	t.Helper()
	serverCount++
	dir := filepath.Join(tmpDir, fmt.Sprintf("f%d", serverCount))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "floe-v1.sock")
	cmd := exec.Command(floeBin, append([]string{"cmp-server", "--socket", sock}, args...)...)
	return start(t, cmd, sock)
}

// startArgoCMPServer runs argocd-cmp-server (exec mode) on a plugins directory of its own,
// with env added to its environment (which the plugin command it starts inherits).
func startArgoCMPServer(t testing.TB, env ...string) *server {
	t.Helper()
	serverCount++
	dir := filepath.Join(tmpDir, fmt.Sprintf("a%d", serverCount))
	if err := os.MkdirAll(filepath.Join(dir, "plugins"), 0o700); err != nil {
		t.Fatal(err)
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), envRunArgoCMPServer+"=1",
		"ARGOCD_PLUGINSOCKFILEPATH="+filepath.Join(dir, "plugins"), "ARGOCD_CMP_WORKDIR="+filepath.Join(dir, "work"),
		"ARGOCD_LOG_LEVEL=warn")
	cmd.Env = append(cmd.Env, env...)
	return start(t, cmd, filepath.Join(dir, "plugins", pluginName+".sock"))
}

func start(t testing.TB, cmd *exec.Cmd, sock string) *server {
	t.Helper()
	s := &server{sock: sock, cmd: cmd, err: new(syncBuffer)}
	cmd.Stderr = s.err
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s.ready(t)
	return s
}

// ready registers the started server's end with the test and waits for its socket.
func (s *server) ready(t testing.TB) {
	t.Helper()
	cmd := s.cmd
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	for range 600 { // ready when the socket exists
		if _, err := os.Stat(s.sock); err == nil {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s: no socket after 30 s\n%s", cmd.Path, s.err)
}

func (s *server) client(t testing.TB) apiclient.ConfigManagementPluginServiceClient {
	t.Helper()
	closer, c, err := apiclient.NewConfigManagementPluginClientSet(s.sock).NewConfigManagementPluginClient()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = closer.Close() })
	return c
}

// generateOn runs GenerateManifest on c as the repo-server does (generateManifestsCMP).
func generateOn(t testing.TB, c apiclient.ConfigManagementPluginServiceClient, a app, repoDir string) ([]string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	env := a.generateEnv(asT(t))
	stream, err := c.GenerateManifest(ctx, grpc_retry.Disable())
	if err != nil {
		return nil, err
	}
	if err := cmp.SendRepoStream(stream.Context(), filepath.Join(repoDir, a.path), repoDir, stream, env, tarExcludes); err != nil {
		return nil, err
	}
	resp, err := stream.CloseAndRecv()
	if err != nil {
		if resp != nil && len(resp.GetManifests()) > 0 {
			t.Errorf("%s: manifests returned with the error", a.path)
		}
		return nil, err
	}
	return resp.GetManifests(), nil
}

// asT lets the app helpers (written for *testing.T) serve benchmarks too.
func asT(t testing.TB) *testing.T {
	if tt, ok := t.(*testing.T); ok {
		return tt
	}
	return &testing.T{}
}

// monorepo generates n products (bench/genproducts.sh: three shapes, one contract) and a
// .git directory the exclusions keep out. It returns the directory and the products.
func monorepo(t testing.TB, n int) (string, []app) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "mono")
	gen := exec.Command("bash", filepath.Join(mainModule, "bench", "genproducts.sh"), dir, fmt.Sprint(n))
	if out, err := gen.CombinedOutput(); err != nil {
		t.Fatalf("genproducts.sh: %v\n%s", err, out)
	}
	if err := writeFile(filepath.Join(dir, ".git", "HEAD"), "ref: refs/heads/main\n"); err != nil {
		t.Fatal(err)
	}
	var apps []app
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.Name() != "floe.yaml" {
			return err
		}
		rel, _ := filepath.Rel(dir, filepath.Dir(p))
		apps = append(apps, app{name: filepath.Base(rel), path: filepath.ToSlash(rel), plugin: &v1alpha1.ApplicationSourcePlugin{
			Name: pluginName,
			Env:  v1alpha1.Env{{Name: "FLOE_CONTRACT", Value: "platform/contract.yaml"}},
		}})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(apps, func(a, b app) int { return strings.Compare(a.path, b.path) })
	return dir, apps
}

func e2eProducts() int {
	n := 24
	if v := os.Getenv("FLOE_E2E_PRODUCTS"); v != "" {
		fmt.Sscan(v, &n)
	}
	return n
}

// TestCMPServerMatchesExec (must-show 2): through Argo CD's client code, `floe
// cmp-server` answers every product of a monorepo with exactly the manifests
// argocd-cmp-server + `floe argocd generate` give, on the first request and when the
// answer comes from its render cache; discovery, the parameter announcement and the
// plugin configuration answer alike too.
func TestCMPServerMatchesExec(t *testing.T) {
	repoDir, apps := monorepo(t, e2eProducts())
	// A second runtime and a repository-wide demo product widen what is compared.
	apps[1].plugin.Parameters = append(apps[1].plugin.Parameters, param("runtime", "floe-jobs"))
	floe := startFloeCMPServer(t)
	fc, ec := floe.client(t), newClient(t)
	for _, a := range apps {
		want, err := generateOn(t, ec, a, repoDir)
		if err != nil {
			t.Fatalf("%s: exec mode: %v", a.path, err)
		}
		if len(want) == 0 {
			t.Fatalf("%s: exec mode gave no manifests", a.path)
		}
		for _, pass := range []string{"rendered", "cached"} {
			got, err := generateOn(t, fc, a, repoDir)
			if err != nil {
				t.Fatalf("%s (%s): floe cmp-server: %v", a.path, pass, err)
			}
			if !slices.Equal(got, want) {
				t.Fatalf("%s (%s): floe cmp-server's manifests differ from exec mode's\ngot  %.400q\nwant %.400q", a.path, pass, got, want)
			}
		}
	}

	ctx := callCtx(t)
	a := apps[0]
	for _, call := range []string{"MatchRepository", "GetParametersAnnouncement"} {
		var answers []any
		for _, c := range []apiclient.ConfigManagementPluginServiceClient{ec, fc} {
			resp, err := streamCall(ctx, c, call, a, repoDir)
			if err != nil {
				t.Fatalf("%s: %v", call, err)
			}
			answers = append(answers, resp)
		}
		if !reflect.DeepEqual(answers[0], answers[1]) {
			t.Errorf("%s: floe cmp-server answers %v\nexec mode answers %v", call, answers[1], answers[0])
		}
	}
	var configs []any
	for _, c := range []apiclient.ConfigManagementPluginServiceClient{ec, fc} {
		resp, err := c.CheckPluginConfiguration(ctx, &empty.Empty{})
		if err != nil {
			t.Fatal(err)
		}
		configs = append(configs, resp)
	}
	if !reflect.DeepEqual(configs[0], configs[1]) {
		t.Errorf("CheckPluginConfiguration: %v vs %v", configs[1], configs[0])
	}
}

func streamCall(ctx context.Context, c apiclient.ConfigManagementPluginServiceClient, call string, a app, repoDir string) (any, error) {
	env := a.detailsEnv(&testing.T{})
	send := func(s cmp.StreamSender) error {
		return cmp.SendRepoStream(ctx, filepath.Join(repoDir, a.path), repoDir, s, env, tarExcludes)
	}
	switch call {
	case "MatchRepository":
		s, err := c.MatchRepository(ctx, grpc_retry.Disable())
		if err != nil {
			return nil, err
		}
		if err := send(s); err != nil {
			return nil, err
		}
		return s.CloseAndRecv()
	default:
		s, err := c.GetParametersAnnouncement(ctx, grpc_retry.Disable())
		if err != nil {
			return nil, err
		}
		if err := send(s); err != nil {
			return nil, err
		}
		return s.CloseAndRecv()
	}
}

// tarball is a hand-made repository tarball: entries in order.
type entry struct {
	hdr  tar.Header
	body []byte
}

func tgz(t testing.TB, entries []entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	tw := tar.NewWriter(gz)
	for _, e := range entries {
		h := e.hdr
		if h.Typeflag == tar.TypeReg {
			h.Size = int64(len(e.body))
		}
		if h.Mode == 0 {
			h.Mode = 0o644
		}
		if err := tw.WriteHeader(&h); err != nil {
			t.Fatal(err)
		}
		if len(e.body) > 0 {
			if _, err := tw.Write(e.body); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := gz.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// repoEntries are the files of a monorepo directory as tar entries.
func repoEntries(t testing.TB, dir string) []entry {
	t.Helper()
	var out []entry
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		out = append(out, entry{hdr: tar.Header{Name: filepath.ToSlash(rel), Typeflag: tar.TypeReg}, body: b})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// sendRaw sends a tarball as the repo-server's stream would (metadata, then 1 MiB
// chunks) with checksum, and returns GenerateManifest's answer.
func sendRaw(t testing.TB, c apiclient.ConfigManagementPluginServiceClient, a app, tarball []byte, checksum string) ([]string, error) {
	t.Helper()
	ctx := callCtx(asT(t))
	stream, err := c.GenerateManifest(ctx, grpc_retry.Disable())
	if err != nil {
		return nil, err
	}
	return sendTarball(t, stream, a, tarball, checksum, nil)
}

// sendTarball sends the metadata on stream, calls afterMeta (if any), then sends the
// tarball in 1 MiB chunks and returns the answer.
func sendTarball(t testing.TB, stream apiclient.ConfigManagementPluginService_GenerateManifestClient, a app, tarball []byte, checksum string, afterMeta func()) ([]string, error) {
	if checksum == "" {
		sum := sha256.Sum256(tarball)
		checksum = hex.EncodeToString(sum[:])
	}
	env := a.generateEnv(asT(t))
	var entries []*apiclient.EnvEntry
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		entries = append(entries, &apiclient.EnvEntry{Name: k, Value: v})
	}
	if err := stream.Send(&apiclient.AppStreamRequest{Request: &apiclient.AppStreamRequest_Metadata{Metadata: &apiclient.ManifestRequestMetadata{
		AppName: a.name, AppRelPath: a.path, Checksum: checksum, Size_: int64(len(tarball)), Env: entries,
	}}}); err != nil {
		return nil, err
	}
	if afterMeta != nil {
		afterMeta()
	}
	for off := 0; off < len(tarball); off += 1 << 20 {
		end := min(off+1<<20, len(tarball))
		if err := stream.Send(&apiclient.AppStreamRequest{Request: &apiclient.AppStreamRequest_File{File: &apiclient.File{Chunk: tarball[off:end]}}}); err != nil {
			break // the server may refuse early; its answer says why
		}
	}
	resp, err := stream.CloseAndRecv()
	if err != nil {
		if len(resp.GetManifests()) > 0 {
			t.Errorf("manifests returned with the error")
		}
		return nil, err
	}
	return resp.GetManifests(), nil
}

// TestCMPServerFailsClosed (must-show 2): a broken product, hostile tarballs and a
// checksum mismatch are errors through Argo CD's client, never manifests; a well-formed
// tarball of the same repository, sent the same way, renders.
func TestCMPServerFailsClosed(t *testing.T) {
	repoDir, apps := monorepo(t, 3)
	if err := writeFile(filepath.Join(repoDir, "broken", "floe.yaml"), "apiVersion: floe.dev/v1\nkind: FloeSpec\nmetadata:\n  name: Not_A_Name\ntransforms: []\n"); err != nil {
		t.Fatal(err)
	}
	floe := startFloeCMPServer(t, "--max-bytes", fmt.Sprint(32<<20), "--max-entries", "5000")
	c := floe.client(t)
	a := apps[0]
	base := repoEntries(t, repoDir)
	product := a.path + "/floe.yaml"
	var productBody []byte
	for _, e := range base {
		if e.hdr.Name == product {
			productBody = e.body
		}
	}
	without := func(name string) []entry {
		return slices.DeleteFunc(slices.Clone(base), func(e entry) bool { return e.hdr.Name == name })
	}
	reg := func(name string, body []byte) entry {
		return entry{hdr: tar.Header{Name: name, Typeflag: tar.TypeReg}, body: body}
	}
	link := func(name, target string, typ byte) entry {
		return entry{hdr: tar.Header{Name: name, Linkname: target, Typeflag: typ}}
	}
	many := slices.Clone(base)
	for i := range 5001 {
		many = append(many, reg(fmt.Sprintf("junk/%05d", i), nil))
	}

	if got, err := sendRaw(t, c, a, tgz(t, base), ""); err != nil || len(got) == 0 {
		t.Fatalf("the well-formed tarball: %d manifests, %v", len(got), err)
	}
	tests := map[string]struct {
		app      app
		tarball  []byte
		checksum string
		want     string
	}{
		"broken product": {
			app: app{name: "broken", path: "broken", plugin: a.plugin}, tarball: tgz(t, base), want: "broken/floe.yaml",
		},
		"entry climbing out of the root": {
			app: a, tarball: tgz(t, append(slices.Clone(base), reg("../../etc/cron.d/evil", []byte("x")))), want: "climbs out of the root",
		},
		"absolute entry": {
			app: a, tarball: tgz(t, append(slices.Clone(base), reg("/etc/passwd", []byte("x")))), want: "absolute",
		},
		"symlink out of the repository": {
			app: a, tarball: tgz(t, append(slices.Clone(base), link("platform/leak", "/etc/passwd", tar.TypeSymlink))), want: "points outside the repository",
		},
		"relative symlink climbing out": {
			app: a, tarball: tgz(t, append(slices.Clone(base), link("platform/leak", "../../../etc/passwd", tar.TypeSymlink))), want: "points outside the repository",
		},
		"hard link out of the repository": {
			app: a, tarball: tgz(t, append(slices.Clone(base), link("platform/leak", "../secret", tar.TypeLink))), want: "points outside the repository",
		},
		"product read through an in-repository symlink": {
			app: a, tarball: tgz(t, append(without(product), reg("elsewhere/floe.yaml", productBody), link(product, "../../../elsewhere/floe.yaml", tar.TypeSymlink))),
			want: "does not follow links",
		},
		"gzip bomb": {
			app: a, tarball: tgz(t, append(slices.Clone(base), reg("bomb", make([]byte, 64<<20)))), want: "more than 32 MiB uncompressed",
		},
		"too many entries": {
			app: a, tarball: tgz(t, many), want: "more than 5000 entries",
		},
		"not gzip": {
			app: a, tarball: []byte("PK\x03\x04 a zip file"), want: "not gzip",
		},
		"checksum mismatch": {
			app: a, tarball: tgz(t, base), checksum: strings.Repeat("0", 64), want: "checksum mismatch",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := sendRaw(t, c, tc.app, tc.tarball, tc.checksum)
			if err == nil {
				t.Fatalf("%d manifests; want an error", len(got))
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q\nwant it to mention %q", err, tc.want)
			}
		})
	}
}

// TestCMPServerSIGTERM (must-show 2): a request under way when SIGTERM comes, with no
// drain time left, ends in an error to the client (never manifests), the server exits
// 143, and nothing answers on its socket afterwards.
func TestCMPServerSIGTERM(t *testing.T) {
	repoDir, apps := monorepo(t, 1)
	floe := startFloeCMPServer(t, "--drain", "0s", "--verbose")
	c := floe.client(t)
	a := apps[0]
	ctx := callCtx(t)
	stream, err := c.GenerateManifest(ctx, grpc_retry.Disable())
	if err != nil {
		t.Fatal(err)
	}
	tarball := tgz(t, repoEntries(t, repoDir))
	sum := sha256.Sum256(tarball)
	// The metadata goes out; the tarball never does, so the request is under way.
	if err := stream.Send(&apiclient.AppStreamRequest{Request: &apiclient.AppStreamRequest_Metadata{Metadata: &apiclient.ManifestRequestMetadata{
		AppName: a.name, AppRelPath: a.path, Checksum: hex.EncodeToString(sum[:]), Size_: int64(len(tarball)),
	}}}); err != nil {
		t.Fatal(err)
	}
	for !strings.Contains(floe.err.String(), "receiving the tarball") { // the server has the request
		if ctx.Err() != nil {
			t.Fatalf("the server never logged the request\n%s", floe.err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := floe.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	resp, err := stream.CloseAndRecv()
	if err == nil {
		t.Fatalf("the request under way succeeded with %d manifests; want an error", len(resp.GetManifests()))
	}
	werr := floe.cmd.Wait()
	var exit *exec.ExitError
	if !errors.As(werr, &exit) || exit.ExitCode() != 143 {
		t.Errorf("floe cmp-server ended with %v; want exit 143\n%s", werr, floe.err)
	}
	if _, err := generateOn(t, c, a, repoDir); err == nil {
		t.Errorf("a request after SIGTERM succeeded")
	}
}

// hungryBundle is a contract's rego bundle that keeps allocating: every builtin call
// stays under its own bound (D-SEC-07), but together they hold hundreds of megabytes.
const hungryBundle = `package floe.hostile

import rego.v1

rules["ACME-EVIL-01"] := {"title": "hostile", "severity": "warn", "remediation": "none"}

violation contains {"rule": "ACME-EVIL-01", "i": 0, "msg": msg} if {
	s := concat("", [x | some _ in numbers.range(1, 100000); x := "xxxxxxxxxx"])
	big := [concat("", [s, s, s, sprintf("%d", [i])]) | some i in numbers.range(1, 300)]
	msg := sprintf("%d", [count(big)])
}
`

// TestCMPServerMemoryBound (D-ARGO-09): a contract's rego bundle that keeps allocating
// takes `floe cmp-server` past a low --max-memory: through Argo CD's client the request
// gets ResourceExhausted naming the bound and the app, never manifests; the server exits
// 2 with one line naming them; started again (as the kubelet restarts the container),
// a clean server renders the next request.
func TestCMPServerMemoryBound(t *testing.T) {
	repoDir, apps := monorepo(t, 1)
	contract, err := os.ReadFile(filepath.Join(repoDir, "platform", "contract.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for p, body := range map[string]string{
		"platform/contract-evil.yaml": string(contract) + "policy:\n  bundles: [platform/evil]\n",
		"platform/evil/hungry.rego":   hungryBundle,
	} {
		if err := writeFile(filepath.Join(repoDir, p), body); err != nil {
			t.Fatal(err)
		}
	}
	good := apps[0]
	evil := good
	evil.plugin = &v1alpha1.ApplicationSourcePlugin{Name: pluginName,
		Env: v1alpha1.Env{{Name: "FLOE_CONTRACT", Value: "platform/contract-evil.yaml"}}}
	// Just above what the idle server holds (~57 MB resident after compiling the
	// policies; the admission mark, three quarters of the bound, still admits a request):
	// the bundle passes the bound within a few dozen allocations, so the bound fires
	// before the policy time limit (2 s of wall time) even on a loaded machine. With
	// 160Mi, a machine at load 9 hit the time limit first in two runs of five.
	args := []string{"--max-memory", "112Mi"}

	floe := startFloeCMPServer(t, args...)
	manifests, err := generateOn(t, floe.client(t), evil, repoDir)
	if status.Code(err) != codes.ResourceExhausted || manifests != nil {
		t.Fatalf("%d manifests, error %v; want none and ResourceExhausted\n%s", len(manifests), err, floe.err)
	}
	for _, want := range []string{"memory bound", "--max-memory 112 MiB", `GenerateManifest "` + evil.path + `"`, "nothing rendered"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("client error %q does not say %q", err, want)
		}
	}
	werr := floe.cmd.Wait()
	var exit *exec.ExitError
	if !errors.As(werr, &exit) || exit.ExitCode() != 2 {
		t.Errorf("floe cmp-server ended with %v; want exit 2\n%s", werr, floe.err)
	}
	for _, want := range []string{"floe: cmp-server: memory bound exceeded: ", "past --max-memory 112 MiB",
		`GenerateManifest "` + evil.path + `"`, "exiting for a clean restart"} {
		if !strings.Contains(floe.err.String(), want) {
			t.Errorf("stderr does not say %q:\n%s", want, floe.err)
		}
	}

	again := startFloeCMPServer(t, args...)
	manifests, err = generateOn(t, again.client(t), good, repoDir)
	if err != nil || len(manifests) == 0 {
		t.Errorf("after the restart: %d manifests, error %v; want the product's manifests\n%s", len(manifests), err, again.err)
	}
}
