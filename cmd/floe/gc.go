package main

// The first garbage collection waits until the heap reaches 128 MiB (GOGC and
// GOMEMLIMIT still win): a one-product render then runs without collecting at all.
import _ "github.com/floe-dev/floe/internal/gcdefer"

// Commands that run the policy gate start compiling the built-in policies while the
// rest of the program is still initializing.
import _ "github.com/floe-dev/floe/internal/warm"
