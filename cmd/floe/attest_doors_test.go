package main

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/secure-systems-lab/go-securesystemslib/dsse"

	"github.com/floe-dev/floe/attest"
	"github.com/floe-dev/floe/render"
)

// openEnvelope checks the DSSE envelope at path with the public key at pub twice — with
// floe's verifier and with go-securesystemslib's over the standard library's
// ECDSA/ed25519 (ecdsaOrEd25519Verifier) — and returns its statement.
func openEnvelope(t *testing.T, path, pub string) *render.Statement {
	t.Helper()
	b := mustRead(t, path)
	v, err := attest.NewVerifier(mustRead(t, pub))
	if err != nil {
		t.Fatal(err)
	}
	st, err := v.Open(b)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var env dsse.Envelope
	if err := json.Unmarshal(b, &env); err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(mustRead(t, pub))
	key, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	ev, err := dsse.NewEnvelopeVerifier(ecdsaOrEd25519Verifier{key})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ev.Verify(context.Background(), &env); err != nil {
		t.Fatalf("go-securesystemslib dsse: %s: %v", path, err)
	}
	return st
}

// sha256File is the hex sha256 of the file at p.
func sha256File(t *testing.T, p string) string {
	t.Helper()
	sum := sha256.Sum256(mustRead(t, p))
	return hex.EncodeToString(sum[:])
}

// TestAttestArgoCDGenerate (D-EVD-10): with the sidecar's FLOE_ATTEST_DIR and
// FLOE_SIGNING_KEY, argocd generate prints the render and writes
// DIR/<app>.<stream digest>.intoto.jsonl, which floe verify checks against the stream
// and, with its recorded Argo CD annotations, re-renders from the repository; the
// envelope verifies through go-securesystemslib. The Application's own plugin env
// (ARGOCD_ENV_FLOE_ATTEST_DIR) changes nothing. Every failure to attest — a hostile app
// name, a directory that is not one, a target that cannot be written, a missing or
// encrypted key without its password — exits 2 with nothing on stdout and no file.
func TestAttestArgoCDGenerate(t *testing.T) {
	t.Setenv("SOURCE_DATE_EPOCH", "1767225600")
	root := demoRoot(t)
	withGate(t, nil)
	keys := attestKeys(t, t.TempDir())
	key := keys[2] // ed25519
	dir := t.TempDir()
	platform := map[string]string{envAttestDir: dir, envSigningKey: key.private, "COSIGN_PASSWORD": ""}
	argoApp(t, root, "demo/customer-360", platform)
	code, out, stderr := runFloe("argocd", "generate")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	sum := sha256.Sum256([]byte(out))
	streamSHA := hex.EncodeToString(sum[:])
	name := "c360-dev." + streamSHA[:16] + ".intoto.jsonl"
	if entries, _ := os.ReadDir(dir); len(entries) != 1 || entries[0].Name() != name {
		t.Fatalf("%s holds %v; want only %s", dir, entries, name)
	}
	attestation := filepath.Join(dir, name)
	st := openEnvelope(t, attestation, key.public)
	var streamSubject string
	for _, s := range st.Subject {
		if s.Name == render.StreamSubject {
			streamSubject = s.Digest["sha256"]
		}
	}
	if streamSubject != streamSHA {
		t.Errorf("stream subject %s, the printed stream's sha256 %s", streamSubject, streamSHA)
	}
	if got := st.Predicate.BuildDefinition.ExternalParameters.Annotations["floe.dev/argocd-app"]; got != "c360-dev" {
		t.Errorf("externalParameters.annotations: %v", st.Predicate.BuildDefinition.ExternalParameters.Annotations)
	}
	digest := st.Predicate.BuildDefinition.InternalParameters.InputsDigest
	if n, objects := strings.Count(out, "floe.dev/inputs-digest: "+digest), strings.Count(out, "\nkind: "); n < objects || objects == 0 {
		t.Errorf("%d of %d objects carry floe.dev/inputs-digest %s", n, objects, digest)
	}
	if code, stdout, stderr := runFloeIn(out, "verify", "--attestation", attestation, "--key", key.public, "--root", root, "-"); code != 0 || !strings.Contains(stdout, "inputs and re-render") {
		t.Fatalf("floe verify --root: exit %d, %q, %s", code, stdout, stderr)
	}
	changed := strings.Replace(out, "  replicas: 1\n", "  replicas: 2\n", 1)
	if code, _, stderr := runFloeIn(changed, "verify", "--attestation", attestation, "--key", key.public, "-"); code != 1 || !strings.Contains(stderr, "Deployment/floe-dev/") {
		t.Fatalf("floe verify, one field changed: exit %d, %s", code, stderr)
	}

	// Unattested, the output is what it always was: no inputs digest, no file.
	for _, env := range []map[string]string{
		{envAttestDir: "", envSigningKey: ""},
		{envAttestDir: "", envSigningKey: "", "ARGOCD_ENV_FLOE_ATTEST_DIR": dir, "ARGOCD_ENV_FLOE_SIGNING_KEY": key.private},
	} {
		argoApp(t, root, "demo/customer-360", env)
		code, plain, stderr := runFloe("argocd", "generate")
		if code != 0 || strings.Contains(plain, "floe.dev/inputs-digest") {
			t.Fatalf("%v: exit %d, inputs digest printed %v: %s", env, code, strings.Contains(plain, "floe.dev/inputs-digest"), stderr)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 1 {
			t.Fatalf("%v: %s holds %v", env, dir, entries)
		}
	}

	notADir := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(notADir, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		env  map[string]string
		want string
	}{
		{"app name with a slash", map[string]string{"ARGOCD_APP_NAME": "../evil"}, "ARGOCD_APP_NAME"},
		{"app name with dots", map[string]string{"ARGOCD_APP_NAME": "a.b"}, "no dots"},
		{"no app name", map[string]string{"ARGOCD_APP_NAME": ""}, "ARGOCD_APP_NAME"},
		{"dir is a file", map[string]string{envAttestDir: notADir}, "not a directory"},
		{"dir missing", map[string]string{envAttestDir: filepath.Join(dir, "missing")}, envAttestDir},
		{"target cannot be written", nil, "writing the attestation"},
		{"key missing", map[string]string{envSigningKey: filepath.Join(dir, "no.key")}, envSigningKey},
		{"key without dir", map[string]string{envAttestDir: ""}, "go together"},
		{"relative dir", map[string]string{envAttestDir: "attestations"}, "absolute"},
		{"relative key", map[string]string{envSigningKey: "floe.key"}, "absolute"},
		{"encrypted key without password", map[string]string{envSigningKey: keys[0].private}, "COSIGN_PASSWORD"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.env == nil { // a non-empty directory at the attestation's name: no rename over it
				saved := mustRead(t, attestation)
				if err := os.Remove(attestation); err != nil {
					t.Fatal(err)
				}
				if err := os.MkdirAll(filepath.Join(attestation, "x"), 0o755); err != nil {
					t.Fatal(err)
				}
				defer func() {
					os.RemoveAll(attestation)
					os.WriteFile(attestation, saved, 0o644)
				}()
			}
			env := maps.Clone(platform)
			maps.Copy(env, tc.env)
			argoApp(t, root, "demo/customer-360", env)
			code, stdout, stderr := runFloe("argocd", "generate")
			if code != 2 || stdout != "" || !strings.Contains(stderr, tc.want) {
				t.Fatalf("exit %d, stdout %d bytes, stderr %q; want 2, nothing, %q", code, len(stdout), stderr, tc.want)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 1 { // the first run's, or the blocking directory

				t.Fatalf("%s holds %v", dir, entries)
			}
		})
	}

	// A symlink planted at the attestation's name is replaced, never followed.
	outside := filepath.Join(t.TempDir(), "outside")
	if err := os.WriteFile(outside, []byte("keep\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(attestation); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, attestation); err != nil {
		t.Fatal(err)
	}
	argoApp(t, root, "demo/customer-360", platform)
	if code, _, stderr := runFloe("argocd", "generate"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if fi, err := os.Lstat(attestation); err != nil || !fi.Mode().IsRegular() || string(mustRead(t, outside)) != "keep\n" {
		t.Fatalf("the planted symlink was followed or kept: %v %v", fi, err)
	}
}

// TestCMPServerAttestFlags (D-EVD-10): a cmp-server whose attestation is misconfigured
// does not start: exit 2, nothing on stdout, before any socket is made.
func TestCMPServerAttestFlags(t *testing.T) {
	key := attestKeys(t, t.TempDir())[0] // encrypted
	dir := t.TempDir()
	sock := filepath.Join(t.TempDir(), "floe.sock")
	for _, tc := range []struct {
		name string
		args []string
		env  string // COSIGN_PASSWORD
		want string
	}{
		{"dir without key", []string{"--attest-dir", dir}, "", "go together"},
		{"missing key", []string{"--attest-dir", dir, "--signing-key", filepath.Join(dir, "none")}, "", "--signing-key"},
		{"no password", []string{"--attest-dir", dir, "--signing-key", key.private}, "", "COSIGN_PASSWORD"},
		{"dir missing", []string{"--attest-dir", filepath.Join(dir, "none"), "--signing-key", key.private}, key.password, "--attest-dir"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("COSIGN_PASSWORD", tc.env)
			code, stdout, stderr := runFloe(append([]string{"cmp-server", "--socket", sock}, tc.args...)...)
			if code != 2 || stdout != "" || !strings.Contains(stderr, tc.want) {
				t.Fatalf("exit %d, stdout %q, stderr %q; want 2 naming %q", code, stdout, stderr, tc.want)
			}
			if _, err := os.Lstat(sock); !os.IsNotExist(err) {
				t.Fatalf("a socket was made: %v", err)
			}
		})
	}
}

// TestAttestPostRender (D-EVD-09): post-render --attest signs the objects it writes and
// the whole output, with every file it read and the sha256 of Helm's stream as resolved
// dependencies; floe verify passes on the output and on the root (the reads: no
// re-render), names a changed object and a changed input; the envelope verifies through
// go-securesystemslib; a post-render that cannot attest prints nothing and exits 2.
func TestAttestPostRender(t *testing.T) {
	t.Setenv("SOURCE_DATE_EPOCH", "1767225600")
	t.Setenv("FLOE_POST_RENDER_LOG", filepath.Join(t.TempDir(), "post-render.log"))
	root := filepath.Join(t.TempDir(), "root")
	copyDir(t, filepath.Join("..", "..", "postrender", "testdata", "demo"), root)
	stream := string(mustRead(t, filepath.Join("..", "..", "postrender", "testdata", "dagster-platform.helm3.yaml")))
	key := attestKeys(t, t.TempDir())[1] // PKCS#8 ECDSA P-256
	work := t.TempDir()
	attestation := filepath.Join(work, "post-render.intoto.jsonl")
	base := []string{"post-render", "--root", root, "--contract", filepath.Join(root, "platform", "pec-platform.yaml"),
		"--products", filepath.Join(root, "dagster")}
	code, out, stderr := runFloeIn(stream, append(base, "--attest", attestation, "--signing-key", key.private)...)
	if code != 0 || out == "" {
		t.Fatalf("post-render --attest: exit %d: %s", code, stderr)
	}
	if plainCode, plain, _ := runFloeIn(stream, base...); plainCode != 0 || plain != out {
		t.Fatal("post-render's output differs with --attest")
	}
	st := openEnvelope(t, attestation, key.public)
	bd := st.Predicate.BuildDefinition
	if bd.BuildType != render.PostRenderBuildType || bd.ExternalParameters.Contract != "platform/pec-platform.yaml" || bd.ExternalParameters.Locations["orders"] != "dagster/orders" {
		t.Errorf("buildType %s, externalParameters %+v", bd.BuildType, bd.ExternalParameters)
	}
	sum := sha256.Sum256([]byte(stream))
	deps := map[string]string{}
	for _, d := range bd.ResolvedDependencies {
		deps[d.Name] = d.Digest["sha256"]
	}
	if deps[render.DependencyHelmStream] != hex.EncodeToString(sum[:]) {
		t.Errorf("helm-stream dependency %q, want the stdin's sha256", deps[render.DependencyHelmStream])
	}
	for _, p := range []string{"platform/pec-platform.yaml", "dagster/orders/floe.yaml", "dagster/finance/floe.yaml"} {
		if deps[p] != sha256File(t, filepath.Join(root, filepath.FromSlash(p))) {
			t.Errorf("resolvedDependencies: %s is %q, want its sha256", p, deps[p])
		}
	}
	if n := strings.Count("\n"+out, "\nkind: "); len(st.Subject) != n+1 || n == 0 {
		t.Errorf("%d subjects for %d objects and the stream", len(st.Subject), n)
	}
	if !strings.HasPrefix(bd.InternalParameters.InputsDigest, "sha256:") {
		t.Errorf("inputsDigest %q", bd.InternalParameters.InputsDigest)
	}

	verify := func(stdin string, args ...string) (int, string, string) {
		return runFloeIn(stdin, append([]string{"verify", "--attestation", attestation, "--key", key.public}, args...)...)
	}
	if code, stdout, stderr := verify(out, "--root", root, "-"); code != 0 || !strings.Contains(stdout, "inputs in "+root) {
		t.Fatalf("verify --root: exit %d, %q, %s", code, stdout, stderr)
	}
	if !strings.Contains(out, "  replicas: 1\n") {
		t.Fatalf("no replicas to change in the output:\n%.2000s", out)
	}
	if code, _, stderr := verify(strings.Replace(out, "  replicas: 1\n", "  replicas: 4\n", 1), "-"); code != 1 || !strings.Contains(stderr, ": changed: its digest differs") {
		t.Fatalf("one field changed: exit %d, %s", code, stderr)
	}
	edited := copyTree(t, root, t.TempDir())
	if err := os.WriteFile(filepath.Join(edited, "dagster", "orders", "floe.yaml"), append(mustRead(t, filepath.Join(root, "dagster", "orders", "floe.yaml")), "# edited\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := verify("", "--root", edited); code != 1 || !strings.Contains(stderr, "input dagster/orders/floe.yaml: changed") {
		t.Fatalf("a product changed: exit %d, %s", code, stderr)
	}

	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no key", []string{"--attest", filepath.Join(work, "x.jsonl")}, "go together"},
		{"missing key", []string{"--attest", filepath.Join(work, "x.jsonl"), "--signing-key", filepath.Join(work, "none.key")}, "--signing-key"},
		{"unwritable attestation", []string{"--attest", filepath.Join(work, "no", "x.jsonl"), "--signing-key", key.private}, "--attest"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runFloeIn(stream, append(base, tc.args...)...)
			if code != 2 || stdout != "" || !strings.Contains(stderr, tc.want) {
				t.Fatalf("exit %d, stdout %d bytes, stderr %q; want 2, nothing, %q", code, len(stdout), stderr, tc.want)
			}
			if entries, _ := os.ReadDir(work); len(entries) != 1 {
				t.Errorf("%s holds %v", work, entries)
			}
		})
	}
}
