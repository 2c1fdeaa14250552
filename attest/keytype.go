package attest

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"fmt"
)

// checkKeyType accepts ECDSA P-256 and ed25519 keys, private or public (D-EVD-06).
func checkKeyType(k any) error {
	switch key := k.(type) {
	case *ecdsa.PrivateKey:
		if key.Curve == elliptic.P256() {
			return nil
		}
	case *ecdsa.PublicKey:
		if key.Curve == elliptic.P256() {
			return nil
		}
	case ed25519.PrivateKey, ed25519.PublicKey:
		return nil
	}
	return fmt.Errorf("key: %T: want ECDSA P-256 or ed25519", k)
}
