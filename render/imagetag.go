package render

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/floe-dev/floe/config"
	"github.com/floe-dev/floe/diag"
)

// ResolveImageTag picks the git commit the product image is tagged with (D-RND-12): flagTag (--image-tag) when set, else ARGOCD_APP_REVISION from getenv, else the
// commit HEAD names in root's .git directory — read as files (HEAD, refs/…, packed-refs);
// git is never executed and nothing outside root is read. Each must be 7–40 hex digits.
// No tag to be had is a usage error (exit 2). getenv may be nil (no environment).
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
	return checkTag(".git/HEAD", sha)
}

func checkTag(from, tag string) (string, error) {
	if !reHexTag.MatchString(tag) {
		return "", diag.Usage(fmt.Errorf("%s: %q is not a git commit SHA (7 to 40 hex digits)", from, tag))
	}
	return strings.ToLower(tag), nil
}

// gitHead resolves .git/HEAD inside root to a commit SHA: a detached HEAD holds it, a
// symbolic "ref: refs/heads/x" is looked up as a loose ref, then in packed-refs.
func gitHead(root config.Root) (string, error) {
	if root == nil {
		return "", errors.New("no root")
	}
	head, err := config.ReadGitFile(root, "HEAD")
	if errors.Is(err, config.ErrNoGit) {
		return "", err
	}
	if err != nil {
		return "", fmt.Errorf("reading .git/HEAD: %w", err)
	}
	line := strings.TrimSpace(string(head))
	ref, symbolic := strings.CutPrefix(line, "ref:")
	if !symbolic {
		return line, nil
	}
	ref = strings.TrimSpace(ref)
	if !strings.HasPrefix(ref, "refs/") || strings.Contains(ref, "..") {
		return "", fmt.Errorf(".git/HEAD names an unexpected ref %q", ref)
	}
	if b, err := config.ReadGitFile(root, ref); err == nil {
		return strings.TrimSpace(string(b)), nil
	}
	packed, err := config.ReadGitFile(root, "packed-refs")
	if err != nil {
		return "", fmt.Errorf("%s: no loose ref and no packed-refs (an unborn branch?)", ref)
	}
	sc := bufio.NewScanner(bytes.NewReader(packed))
	for sc.Scan() {
		sha, name, ok := strings.Cut(sc.Text(), " ")
		if ok && name == ref {
			return sha, nil
		}
	}
	return "", fmt.Errorf("%s: not found in .git/packed-refs", ref)
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
