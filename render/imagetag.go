package render

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/floe-dev/floe/config"
	"github.com/floe-dev/floe/diag"
	"github.com/floe-dev/floe/internal/gitroot"
)

// ResolveImageTag picks the git commit the product image is tagged with (D-RND-12):
// flagTag (--image-tag) when set, else ARGOCD_APP_REVISION from getenv, else the commit
// HEAD names in the git working tree whose top level is root's directory (its .git a
// directory, or a file as in a linked worktree or a submodule), read by internal/gitroot
// with go-git: git is never executed. A root over one git commit (gitroot.Root) is
// tagged with that commit. Each must be 7–40 hex digits. No tag to be had is a usage
// error (exit 2). getenv may be nil (no environment).
func ResolveImageTag(root config.Root, flagTag string, getenv func(string) string) (string, error) {
	if flagTag != "" {
		return checkTag("--image-tag", flagTag)
	}
	if getenv != nil {
		if rev := getenv("ARGOCD_APP_REVISION"); rev != "" {
			return checkTag("ARGOCD_APP_REVISION", rev)
		}
	}
	sha, err := gitHead(root)
	if err != nil {
		return "", diag.Usage(fmt.Errorf("no image tag: pass --image-tag SHA (%w)", err))
	}
	return checkTag("git HEAD", sha)
}

func checkTag(from, tag string) (string, error) {
	if !reHexTag.MatchString(tag) {
		return "", diag.Usage(fmt.Errorf("%s: %q is not a git commit SHA (7 to 40 hex digits)", from, tag))
	}
	return strings.ToLower(tag), nil
}

// gitHead is the commit root stands for: a git-commit root's own commit, else the
// HEAD of the working tree at the directory of an OS root.
func gitHead(root config.Root) (string, error) {
	if root == nil {
		return "", errors.New("no root")
	}
	if at, ok := root.(interface{ Commit() string }); ok {
		return at.Commit(), nil
	}
	if root.Dir() == "" {
		return "", config.ErrNoGit
	}
	return gitroot.Head(root.Dir())
}

// imageTag is o.ImageTag, or when that is empty the tag ResolveImageTag finds from the
// process environment and o.Root: the one place a render, a batch and ChartValues get
// their tag from.
func (o Options) imageTag() (string, error) {
	if o.ImageTag != "" {
		return o.ImageTag, nil
	}
	return ResolveImageTag(o.Root, "", os.Getenv)
}
