//go:build unix

package config

import "syscall"

// openNoFollow: a symlink as the last component fails the open, and a FIFO does not
// block it.
const openNoFollow = syscall.O_NOFOLLOW | syscall.O_NONBLOCK
