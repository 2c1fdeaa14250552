package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/floe-dev/floe/attest"
	"github.com/floe-dev/floe/diag"
	"github.com/floe-dev/floe/internal/atomicwrite"
	"github.com/floe-dev/floe/render"
)

// builderVersion is floe's version and, when the binary records them, its module
// digest, Go version and VCS revision (D-EVD-04).
func builderVersion() map[string]string {
	v := map[string]string{"floe": floeVersion()}
	if bi, ok := debug.ReadBuildInfo(); ok {
		v["go"] = bi.GoVersion
		if bi.Main.Sum != "" {
			v["module.sum"] = bi.Main.Sum
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" {
				v["vcs.revision"] = s.Value
			}
		}
	}
	return v
}

// readBounded reads a file the platform gives (a key, an attestation), at most limit
// bytes.
func readBounded(what, path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", what, path, err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s %s: larger than %d bytes", what, path, limit)
	}
	return b, nil
}

// stageAttestation signs res's statement with the key at keyPath (COSIGN_PASSWORD for an
// encrypted key) and stages the envelope at path; the caller commits it last, so a
// failure anywhere writes nothing (D-EVD-06).
func stageAttestation(what, path, keyPath string, res *render.Result, imageTag string, now time.Time, getenv func(string) string) (*atomicwrite.File, error) {
	st, err := res.Statement(builderVersion(), imageTag, now)
	if err != nil {
		return nil, err
	}
	return signAndStage(what, path, keyPath, st, getenv)
}

// signAndStage signs st and stages the envelope at path.
func signAndStage(what, path, keyPath string, st *render.Statement, getenv func(string) string) (*atomicwrite.File, error) {
	payload, err := st.JSON()
	if err != nil {
		return nil, err
	}
	key, err := readBounded("--signing-key", keyPath, attest.MaxKeyBytes)
	if err != nil {
		return nil, diag.Usage(fmt.Errorf("%s: %w", what, err))
	}
	signer, err := attest.NewSigner(key, []byte(getenv("COSIGN_PASSWORD")))
	if err != nil {
		return nil, diag.Usage(fmt.Errorf("%s: --signing-key %s: %w", what, keyPath, err))
	}
	envelope, err := signer.Sign(payload)
	if err != nil {
		return nil, diag.Usage(fmt.Errorf("%s: %w", what, err))
	}
	f, err := atomicwrite.StageFile(path, envelope, 0o644)
	if err != nil {
		return nil, diag.Usage(fmt.Errorf("%s: --attest: %w", what, err))
	}
	return f, nil
}

// checkAttestFlags: --attest and --signing-key go together, and the attestation is not
// written inside outDir (the output directory, replaced as a whole; "" for none).
func checkAttestFlags(what, attestPath, keyPath, outDir string) error {
	if (attestPath == "") != (keyPath == "") {
		return diag.Usage(errors.New(what + ": --attest FILE and --signing-key KEY go together"))
	}
	if attestPath != "" && outDir != "" && inside(attestPath, outDir) {
		return diag.Usage(fmt.Errorf("%s: --attest %s is inside --output %s, which is replaced as a whole; write it elsewhere", what, attestPath, outDir))
	}
	return nil
}

// inside reports whether path is dir or under it (both made absolute, not resolved).
func inside(path, dir string) bool {
	p, err1 := filepath.Abs(path)
	d, err2 := filepath.Abs(dir)
	if err1 != nil || err2 != nil {
		return false
	}
	rel, err := filepath.Rel(d, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}
