//go:build unix

package atomicwrite

import "syscall"

// oNoFollow makes an open fail on a symlink as the last component.
const oNoFollow = syscall.O_NOFOLLOW
