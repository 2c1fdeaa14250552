package argocde2e

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestAttestedThroughArgoCD (D-EVD-10): with attestation set in the sidecar's own
// environment (exec mode: argocd-cmp-server passes it to `floe argocd generate`) or by
// cmp-server's flags, both doors, driven by Argo CD's client code, return the same bytes
// and write one attestation per app, named <app>.<16 hex of the stream's sha256>.intoto.jsonl;
// each is a DSSE envelope whose signature verifies with the public key (checked here with
// the standard library alone, as DSSE specifies it), and the two doors' statements name
// the same subjects with the same digests.
func TestAttestedThroughArgoCD(t *testing.T) {
	repoDir, apps := monorepo(t, 2)
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(t.TempDir(), "floe.key")
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	execDir, floeDir := t.TempDir(), t.TempDir()
	execSrv := startArgoCMPServer(t, "FLOE_ATTEST_DIR="+execDir, "FLOE_SIGNING_KEY="+keyFile)
	floeSrv := startFloeCMPServer(t, "--attest-dir", floeDir, "--signing-key", keyFile)
	ec, fc := execSrv.client(t), floeSrv.client(t)
	for _, a := range apps {
		want, err := generateOn(t, ec, a, repoDir)
		if err != nil || len(want) == 0 {
			t.Fatalf("%s: exec mode: %d manifests, %v", a.path, len(want), err)
		}
		got, err := generateOn(t, fc, a, repoDir)
		if err != nil || !slices.Equal(got, want) {
			t.Fatalf("%s: floe cmp-server: %v; same manifests as exec mode: %v", a.path, err, slices.Equal(got, want))
		}
		execSubjects := attestedSubjects(t, execDir, a.name, pub)
		floeSubjects := attestedSubjects(t, floeDir, a.name, pub)
		if !slices.Equal(execSubjects, floeSubjects) {
			t.Errorf("%s: the doors attest different subjects:\nexec       %v\ncmp-server %v", a.path, execSubjects, floeSubjects)
		}
		if len(execSubjects) != len(want)+1 { // every object and the stream
			t.Errorf("%s: %d subjects for %d manifests: %v", a.path, len(execSubjects), len(want), execSubjects)
		}
	}
	for _, dir := range []string{execDir, floeDir} {
		if files, _ := os.ReadDir(dir); len(files) != len(apps) {
			t.Errorf("%s holds %d files, want one per app (%d)", dir, len(files), len(apps))
		}
	}
}

// attestedSubjects reads app's one attestation in dir, verifies its DSSE signature with
// pub, and returns its subjects as "name sha256".
func attestedSubjects(t *testing.T, dir, app string, pub ed25519.PublicKey) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, app+".*.intoto.jsonl"))
	if err != nil || len(files) != 1 {
		t.Fatalf("%s: %d attestations for %s (%v), want 1", dir, len(files), app, err)
	}
	b, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	var env struct {
		PayloadType string `json:"payloadType"`
		Payload     string `json:"payload"`
		Signatures  []struct {
			Sig string `json:"sig"`
		} `json:"signatures"`
	}
	if err := json.Unmarshal(bytes.TrimSpace(b), &env); err != nil {
		t.Fatalf("%s: %v", files[0], err)
	}
	payload, err := base64.StdEncoding.DecodeString(env.Payload)
	if err != nil || len(env.Signatures) != 1 {
		t.Fatalf("%s: payload %v, %d signatures", files[0], err, len(env.Signatures))
	}
	sig, err := base64.StdEncoding.DecodeString(env.Signatures[0].Sig)
	if err != nil {
		t.Fatal(err)
	}
	pae := fmt.Sprintf("DSSEv1 %d %s %d %s", len(env.PayloadType), env.PayloadType, len(payload), payload)
	if env.PayloadType != "application/vnd.in-toto+json" || !ed25519.Verify(pub, []byte(pae), sig) {
		t.Fatalf("%s: payload type %q; the signature does not verify", files[0], env.PayloadType)
	}
	var st struct {
		Type    string `json:"_type"`
		Subject []struct {
			Name   string            `json:"name"`
			Digest map[string]string `json:"digest"`
		} `json:"subject"`
	}
	if err := json.Unmarshal(payload, &st); err != nil || st.Type != "https://in-toto.io/Statement/v1" {
		t.Fatalf("%s: statement %q: %v", files[0], st.Type, err)
	}
	var out []string
	var stream string
	for _, s := range st.Subject {
		out = append(out, s.Name+" "+s.Digest["sha256"])
		if s.Name == "stream" {
			stream = s.Digest["sha256"]
		}
	}
	if want := app + "." + stream[:min(16, len(stream))] + ".intoto.jsonl"; filepath.Base(files[0]) != want {
		t.Errorf("attestation file %s, want %s (the stream subject's digest)", filepath.Base(files[0]), want)
	}
	if _, err := hex.DecodeString(stream); err != nil || len(stream) != 2*sha256.Size {
		t.Errorf("%s: stream subject digest %q", files[0], stream)
	}
	return out
}
