package config

import "errors"

// ErrNoGit matches (errors.Is) the error for a root that is not the top level of a git
// working tree (no .git in it), when the commit HEAD names is wanted (D-RND-12).
var ErrNoGit = errors.New("root is not a git checkout")
