package attest

import (
	"bytes"
	"crypto"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/secure-systems-lab/go-securesystemslib/dsse"
	"github.com/sigstore/sigstore/pkg/cryptoutils"
	"github.com/sigstore/sigstore/pkg/signature"
	sigdsse "github.com/sigstore/sigstore/pkg/signature/dsse"

	"github.com/floe-dev/floe/render"
)

// MaxEnvelopeBytes bounds an attestation file.
const MaxEnvelopeBytes = 64 << 20

// Verifier checks envelopes against one public key.
type Verifier struct {
	v signature.Verifier
}

// NewVerifier parses a PKIX public key PEM (ECDSA P-256 or ed25519).
func NewVerifier(pemBytes []byte) (*Verifier, error) {
	if len(pemBytes) > MaxKeyBytes {
		return nil, fmt.Errorf("key: larger than %d bytes", MaxKeyBytes)
	}
	pub, err := cryptoutils.UnmarshalPEMToPublicKey(pemBytes)
	if err != nil {
		return nil, fmt.Errorf("key: %w", err)
	}
	if err := checkKeyType(pub); err != nil {
		return nil, err
	}
	v, err := signature.LoadVerifier(pub, crypto.SHA256)
	if err != nil {
		return nil, fmt.Errorf("key: %w", err)
	}
	return &Verifier{v: v}, nil
}

// ErrSignature: the envelope is well formed but its signature does not verify with the
// key (a "no", unlike a malformed envelope).
var ErrSignature = errors.New("signature does not verify")

// Open checks the envelope's signature (over the PAE of its payload type and payload)
// and returns the statement it carries. Only an in-toto payload type with an in-toto
// Statement v1 of SLSA Provenance v1 is accepted.

func (v *Verifier) Open(envelope []byte) (*render.Statement, error) {
	if len(envelope) > MaxEnvelopeBytes {
		return nil, fmt.Errorf("attestation: larger than %d bytes", MaxEnvelopeBytes)
	}
	var env dsse.Envelope
	if err := json.Unmarshal(envelope, &env); err != nil {
		return nil, fmt.Errorf("attestation: not a DSSE envelope: %w", err)
	}
	if env.PayloadType != PayloadType {
		return nil, fmt.Errorf("attestation: payloadType %q: want %q", env.PayloadType, PayloadType)
	}
	if err := sigdsse.WrapVerifier(v.v).VerifySignature(bytes.NewReader(envelope), nil); err != nil {
		return nil, fmt.Errorf("attestation: %w: %w", ErrSignature, err)
	}
	payload, err := env.DecodeB64Payload()
	if err != nil {
		return nil, fmt.Errorf("attestation: payload: %w", err)
	}
	var st render.Statement
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&st); err != nil {
		return nil, fmt.Errorf("attestation: statement: %w", err)
	}
	if st.Type != render.StatementType || st.PredicateType != render.ProvenanceType {
		return nil, fmt.Errorf("attestation: statement %q of %q: want %q of %q", st.Type, st.PredicateType, render.StatementType, render.ProvenanceType)
	}
	return &st, nil
}
