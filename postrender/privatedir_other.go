//go:build !unix

package postrender

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// privateDirName is the name of floe's own directory under the temporary directory.
func privateDirName() string { return "floe" }

// PrivateDir makes dir, floe's own directory for diagnostics; one that exists must be a
// real directory, not a symlink.
func PrivateDir(dir string) error {
	err := os.Mkdir(dir, 0o700)
	if err == nil || !errors.Is(err, fs.ErrExist) {
		return err
	}
	st, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	if !st.IsDir() {
		return fmt.Errorf("%s is not a directory (a symlink?); refusing to write through it", dir)
	}
	return nil
}
