// Package attest signs and verifies floe's render attestations (D-EVD-04..07): an
// in-toto Statement v1 with a SLSA Provenance v1 predicate (render.Statement), wrapped in
// a DSSE envelope (payload type application/vnd.in-toto+json, signed over the PAE) with a
// key the platform gives: a cosign-compatible encrypted key file ("ENCRYPTED SIGSTORE
// PRIVATE KEY", scrypt + secretbox, the password from COSIGN_PASSWORD) or a plain PKCS#8
// PEM ECDSA P-256 / ed25519 key. Keys are parsed by sigstore's cryptoutils and envelopes
// made and checked by sigstore's signature/dsse; no code path used reaches the network
// (no keyless signing, no transparency log, no KMS).
package attest
