package attest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"strings"
	"testing"

	"github.com/floe-dev/floe/render"
)

func pkcs8(t *testing.T, key any) []byte {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}

// TestKeysRefused: only ECDSA P-256 and ed25519 keys sign (D-EVD-06); an encrypted key
// without a password, garbage and an oversized file are refused with a short reason.
func TestKeysRefused(t *testing.T) {
	p384, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, key, password, want string
	}{
		{"P-384", string(pkcs8(t, p384)), "", "want ECDSA P-256 or ed25519"},
		{"RSA", string(pkcs8(t, rsaKey)), "", "want ECDSA P-256 or ed25519"},
		{"encrypted without password", "-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n", "", "COSIGN_PASSWORD is empty"},
		{"not PEM", "hello", "", "key:"},
		{"oversized", strings.Repeat("A", MaxKeyBytes+1), "", "larger than"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewSigner([]byte(tc.key), []byte(tc.password))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("NewSigner: %v, want %q", err, tc.want)
			}
		})
	}
}

// TestOpenRefuses: a signed envelope opens; one with another payload type, a payload
// changed after signing, or a statement of another predicate does not.
func TestOpenRefuses(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := NewSigner(pkcs8(t, key), nil)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := signer.PublicKeyPEM()
	if err != nil {
		t.Fatal(err)
	}
	verifier, err := NewVerifier(pub)
	if err != nil {
		t.Fatal(err)
	}
	statement := func(predicateType string) []byte {
		b, _ := json.Marshal(render.Statement{Type: render.StatementType, PredicateType: predicateType,
			Subject: []render.Subject{{Name: "stream", Digest: map[string]string{"sha256": "00"}}}})
		return b
	}
	good, err := signer.Sign(statement(render.ProvenanceType))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := verifier.Open(good); err != nil {
		t.Fatalf("a signed envelope: %v", err)
	}
	edit := func(f func(m map[string]any)) []byte {
		var m map[string]any
		if err := json.Unmarshal(good, &m); err != nil {
			t.Fatal(err)
		}
		f(m)
		b, _ := json.Marshal(m)
		return b
	}
	other, err := signer.Sign(statement("https://example.org/other/v1"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		envelope []byte
		want     string
	}{
		{"payload type", edit(func(m map[string]any) { m["payloadType"] = "application/json" }), "payloadType"},
		{"payload changed", edit(func(m map[string]any) {
			m["payload"] = base64.StdEncoding.EncodeToString(statement(render.ProvenanceType + "x"))
		}), "signature"},
		{"other predicate", other, "want"},
		{"not JSON", []byte("{"), "not a DSSE envelope"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := verifier.Open(tc.envelope); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Open: %v, want %q", err, tc.want)
			}
		})
	}
}

// FuzzOpen: no envelope makes Open panic, and none opens without a valid signature.
func FuzzOpen(f *testing.F) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		f.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		f.Fatal(err)
	}
	verifier, err := NewVerifier(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte(`{"payloadType":"application/vnd.in-toto+json","payload":"e30=","signatures":[{"sig":"AAAA"}]}`))
	f.Add([]byte(`{"payloadType":"application/vnd.in-toto+json","payload":"!!","signatures":[]}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, envelope []byte) {
		if st, err := verifier.Open(envelope); err == nil {
			t.Fatalf("an envelope no key signed opened: %+v", st)
		}
	})
}
