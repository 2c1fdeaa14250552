package main

// The first garbage collection waits until the heap reaches 128 MiB (GOGC and
// GOMEMLIMIT still win): a one-product render then runs without collecting at all.
import _ "github.com/floe-dev/floe/internal/gcdefer"
