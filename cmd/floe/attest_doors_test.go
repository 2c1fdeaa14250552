package main

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
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
