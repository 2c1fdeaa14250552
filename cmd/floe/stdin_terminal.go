package main

import (
	"io"
	"os"
)

// stdinIsTerminal reports whether in is a terminal: a command that would read a stream
// from it refuses instead of waiting for someone to type YAML. A character device other
// than the null device (stdin of `floe check < /dev/null`, or of a CI job, is an empty
// stream, not a terminal). A variable so that tests can choose.
var stdinIsTerminal = func(in io.Reader) bool {
	f, ok := in.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	if err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return false
	}
	null, err := os.Stat(os.DevNull)
	return err != nil || !os.SameFile(fi, null)
}
