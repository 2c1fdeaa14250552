package main

import (
	"io"
	"os"
)

// stdinIsTerminal reports whether in is a terminal: a command that would read a stream
// from it refuses instead of waiting for someone to type YAML. A variable so that tests
// can choose.
var stdinIsTerminal = func(in io.Reader) bool {
	f, ok := in.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
