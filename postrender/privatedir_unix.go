//go:build unix

package postrender

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"syscall"
)

// privateDirName is the name of floe's own directory under $TMPDIR: one per user.
func privateDirName() string { return "floe-" + strconv.Itoa(os.Getuid()) }

// PrivateDir makes dir, floe's own directory for diagnostics, mode 0700; one that exists
// must be a real directory (not a symlink), owned by this user and of mode 0700, else
// another user could have planted it and it is refused.
func PrivateDir(dir string) error {
	err := os.Mkdir(dir, 0o700)
	if err == nil {
		return os.Chmod(dir, 0o700) // whatever the umask
	}
	if !errors.Is(err, fs.ErrExist) {
		return err
	}
	st, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	switch sys, ok := st.Sys().(*syscall.Stat_t); {
	case st.Mode()&fs.ModeSymlink != 0:
		return fmt.Errorf("%s is a symlink; refusing to write through it", dir)
	case !st.IsDir():
		return fmt.Errorf("%s is not a directory", dir)
	case ok && int(sys.Uid) != os.Getuid():
		return fmt.Errorf("%s is owned by uid %d, not by this user; refusing it", dir, sys.Uid)
	case st.Mode().Perm() != 0o700:
		return fmt.Errorf("%s has mode %o, not 0700; refusing it", dir, st.Mode().Perm())
	}
	return nil
}
