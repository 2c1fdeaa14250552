package main

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	mathrand "math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/secure-systems-lab/go-securesystemslib/dsse"
	"github.com/sigstore/sigstore/pkg/cryptoutils"
)

// attestKey is one kind of signing key the platform may give floe, with its public key.
type attestKey struct {
	name, private, public string // file paths
	password              string
}

// attestKeys writes an encrypted cosign/sigstore key (scrypt + secretbox), a PKCS#8
// ECDSA P-256 key and a PKCS#8 ed25519 key into dir.
func attestKeys(t *testing.T, dir string) []attestKey {
	t.Helper()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	var keys []attestKey
	const password = "correct horse battery staple"
	privPEM, pubPEM, err := cryptoutils.GeneratePEMEncodedECDSAKeyPair(elliptic.P256(), cryptoutils.StaticPasswordFunc([]byte(password)))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(privPEM, []byte("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----")) {
		t.Fatalf("cosign key: %.50s", privPEM)
	}
	keys = append(keys, attestKey{"cosign", write("cosign.key", privPEM), write("cosign.pub", pubPEM), password})

	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	_, edPriv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	for name, priv := range map[string]crypto.Signer{"ecdsa-p256": ec, "ed25519": edPriv} {
		der, err := x509.MarshalPKCS8PrivateKey(priv)
		if err != nil {
			t.Fatal(err)
		}
		pub, err := cryptoutils.MarshalPublicKeyToPEM(priv.Public())
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, attestKey{name, write(name+".key", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})), write(name+".pub", pub), ""})
	}
	return keys
}

// unseenProduct writes a product no test has seen under root/demo (random name,
// version, owner and transforms from seed) and returns its directory.
func unseenProduct(t *testing.T, root string, seed uint64) (dir, name string) {
	t.Helper()
	r := mathrand.New(mathrand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	letters := "abcdefghijklmnopqrstuvwxyz"
	word := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = letters[r.IntN(len(letters))]
		}
		return string(b)
	}
	name = word(5) + "-" + word(4)
	var y strings.Builder
	fmt.Fprintf(&y, "apiVersion: floe.dev/v1\nkind: FloeSpec\nmetadata:\n  name: %s\n  version: %d.%d.%d\n  owner: %s@example.org\n",
		name, r.IntN(9)+1, r.IntN(20), r.IntN(20), word(6))
	y.WriteString("platform:\n  manifest: \"../manifest.yaml\"\ntransforms:\n")
	prev := ""
	for i := range r.IntN(4) + 1 {
		tn := fmt.Sprintf("stg_%s_%d", word(6), i)
		fmt.Fprintf(&y, "  - name: %s\n    tier: bronze\n", tn)
		if prev != "" {
			fmt.Fprintf(&y, "    dependsOn: [%s]\n", prev)
		}
		prev = tn
	}
	dir = filepath.Join(root, "demo", name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "floe.yaml"), []byte(y.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, name
}

// compileSchema compiles one of testdata/attest's JSON schemas, formats asserted.
func compileSchema(t *testing.T, file string) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "attest", file))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(file, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(file)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// ecdsaOrEd25519Verifier is a go-securesystemslib dsse.Verifier written here from the
// standard library alone: the independent check of floe's envelopes.
type ecdsaOrEd25519Verifier struct{ pub crypto.PublicKey }

func (v ecdsaOrEd25519Verifier) Verify(_ context.Context, data, sig []byte) error {
	switch k := v.pub.(type) {
	case *ecdsa.PublicKey:
		sum := sha256.Sum256(data)
		if ecdsa.VerifyASN1(k, sum[:], sig) {
			return nil
		}
	case ed25519.PublicKey:
		if ed25519.Verify(k, data, sig) {
			return nil
		}
	}
	return errors.New("signature does not verify")
}
func (v ecdsaOrEd25519Verifier) Public() crypto.PublicKey { return v.pub }
func (v ecdsaOrEd25519Verifier) KeyID() (string, error)   { return "", nil }

// TestAttestUnseenProduct (must-show 1): the attestation of a product the tests have
// never seen, signed with each kind of key, validates against the in-toto Statement v1
// and SLSA Provenance v1 schemas and verifies through floe verify and through
// go-securesystemslib's DSSE verifier over the standard library's ECDSA/ed25519; its
// payload is the same bytes on a second render (D-RND-20), and every object carries the
// inputs digest the statement records.
func TestAttestUnseenProduct(t *testing.T) {
	t.Setenv("SOURCE_DATE_EPOCH", "1767225600")
	statementSchema, provenanceSchema := compileSchema(t, "in-toto-statement-v1.schema.json"), compileSchema(t, "slsa-provenance-v1.schema.json")
	root := demoRoot(t)
	keys := attestKeys(t, t.TempDir())
	for i, key := range keys {
		t.Run(key.name, func(t *testing.T) {
			t.Setenv("COSIGN_PASSWORD", key.password)
			product, name := unseenProduct(t, root, uint64(20261202+i))
			out := t.TempDir()
			render := func(file string) (stream string, payload []byte, env dsse.Envelope) {
				code, stdout, stderr := runFloe("render", "--root", root, "--contract", filepath.Join(root, "platform", "pec-dev.yaml"),
					"--image-tag", "0123456789abcdef", "--attest", file, "--signing-key", key.private, product)
				if code != 0 {
					t.Fatalf("render --attest: exit %d: %s", code, stderr)
				}
				b, err := os.ReadFile(file)
				if err != nil {
					t.Fatal(err)
				}
				if err := json.Unmarshal(b, &env); err != nil {
					t.Fatal(err)
				}
				if payload, err = base64.StdEncoding.DecodeString(env.Payload); err != nil {
					t.Fatal(err)
				}
				return stdout, payload, env
			}
			attestation := filepath.Join(out, "attestation.json")
			stream, payload, env := render(attestation)
			if _, again, _ := render(filepath.Join(out, "again.json")); !bytes.Equal(again, payload) {
				t.Errorf("a second render's statement differs:\n%s\n%s", payload, again)
			}
			if env.PayloadType != "application/vnd.in-toto+json" || len(env.Signatures) != 1 {
				t.Fatalf("envelope: payloadType %q, %d signature(s)", env.PayloadType, len(env.Signatures))
			}

			var statement map[string]any
			if err := json.Unmarshal(payload, &statement); err != nil {
				t.Fatal(err)
			}
			inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(payload))
			if err != nil {
				t.Fatal(err)
			}
			if err := statementSchema.Validate(inst); err != nil {
				t.Errorf("in-toto Statement v1: %v", err)
			}
			if statement["predicateType"] != "https://slsa.dev/provenance/v1" {
				t.Fatalf("predicateType %v", statement["predicateType"])
			}
			if err := provenanceSchema.Validate(inst.(map[string]any)["predicate"]); err != nil {
				t.Errorf("SLSA Provenance v1: %v", err)
			}
			if !strings.Contains(string(payload), `"Deployment/floe-dev/`+name+`"`) || !strings.Contains(string(payload), `"demo/`+name+`/floe.yaml"`) {
				t.Errorf("the statement names neither the product's Deployment nor its floe.yaml: %s", payload)
			}
			pred := statement["predicate"].(map[string]any)
			digest := pred["buildDefinition"].(map[string]any)["internalParameters"].(map[string]any)["inputsDigest"].(string)
			if n, objects := strings.Count(stream, "floe.dev/inputs-digest: "+digest), strings.Count(stream, "\nkind: "); n < objects || objects == 0 {
				t.Errorf("%d of %d objects carry floe.dev/inputs-digest %s", n, objects, digest)
			}

			// Through floe.
			streamFile := filepath.Join(out, "stream.yaml")
			if err := os.WriteFile(streamFile, []byte(stream), 0o644); err != nil {
				t.Fatal(err)
			}
			if code, stdout, stderr := runFloe("verify", "--attestation", attestation, "--key", key.public, streamFile); code != 0 || !strings.HasPrefix(stdout, "ok: signature") {
				t.Fatalf("floe verify: exit %d, %q, %s", code, stdout, stderr)
			}
			// Through an independent verifier: go-securesystemslib's PAE and envelope
			// handling, the standard library's signature check.
			pubPEM, err := os.ReadFile(key.public)
			if err != nil {
				t.Fatal(err)
			}
			block, _ := pem.Decode(pubPEM)
			pub, err := x509.ParsePKIXPublicKey(block.Bytes)
			if err != nil {
				t.Fatal(err)
			}
			ev, err := dsse.NewEnvelopeVerifier(ecdsaOrEd25519Verifier{pub})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := ev.Verify(context.Background(), &env); err != nil {
				t.Fatalf("go-securesystemslib dsse: %v", err)
			}
			// The same verifier refuses a payload changed after signing.
			tampered := env
			tampered.Payload = base64.StdEncoding.EncodeToString(bytes.Replace(payload, []byte(name), []byte(name+"x"), 1))
			if _, err := ev.Verify(context.Background(), &tampered); err == nil {
				t.Fatal("go-securesystemslib dsse accepted a tampered payload")
			}
		})
	}
}
