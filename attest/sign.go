package attest

import (
	"bytes"
	"crypto"
	"errors"
	"fmt"

	"github.com/sigstore/sigstore/pkg/cryptoutils"
	"github.com/sigstore/sigstore/pkg/signature"
	"github.com/sigstore/sigstore/pkg/signature/dsse"
)

// PayloadType is the DSSE payload type of an in-toto statement.
const PayloadType = "application/vnd.in-toto+json"

// MaxKeyBytes bounds a key file.
const MaxKeyBytes = 64 << 10

// Signer signs statements into DSSE envelopes.
type Signer struct {
	sv signature.SignerVerifier
}

// NewSigner parses a private key PEM: PKCS#8 "PRIVATE KEY" (ECDSA P-256 or ed25519),
// "EC PRIVATE KEY", or a cosign/sigstore encrypted key, decrypted with password (which
// must not be empty for an encrypted key). An RSA key is refused.
func NewSigner(pemBytes, password []byte) (*Signer, error) {
	if len(pemBytes) > MaxKeyBytes {
		return nil, fmt.Errorf("key: larger than %d bytes", MaxKeyBytes)
	}
	encrypted := bytes.Contains(pemBytes, []byte("-----BEGIN ENCRYPTED"))
	if encrypted && len(password) == 0 {
		return nil, errors.New("key: encrypted, and COSIGN_PASSWORD is empty")
	}
	priv, err := cryptoutils.UnmarshalPEMToPrivateKey(pemBytes, cryptoutils.StaticPasswordFunc(password))
	if err != nil {
		return nil, fmt.Errorf("key: %w", err)
	}
	if err := checkKeyType(priv); err != nil {
		return nil, err
	}
	sv, err := signature.LoadSignerVerifier(priv, crypto.SHA256)
	if err != nil {
		return nil, fmt.Errorf("key: %w", err)
	}
	return &Signer{sv: sv}, nil
}

// Sign wraps payload (a statement's JSON) in a signed DSSE envelope (JSON).
func (s *Signer) Sign(payload []byte) ([]byte, error) {
	env, err := dsse.WrapSigner(s.sv, PayloadType).SignMessage(bytes.NewReader(payload))
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	return append(env, '\n'), nil
}

// PublicKeyPEM is the signer's public key (PKIX PEM), for tests and operators.
func (s *Signer) PublicKeyPEM() ([]byte, error) {
	pub, err := s.sv.PublicKey()
	if err != nil {
		return nil, err
	}
	return cryptoutils.MarshalPublicKeyToPEM(pub)
}
