package hostile_test

import (
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The base repository (testdata/base) renders cleanly through every door; each case
// copies it and adds one hostile part.
const (
	imageTag     = "0123456789abcdef0123456789abcdef01234567"
	contractFile = "platform/pec-dev.yaml"
	manifestFile = "demo/manifest.yaml"
	productDir   = "demo/customer-360"
	productFile  = "demo/customer-360/floe.yaml"
	streamFile   = "stream.yaml"
	overlayDir   = "platform/overlays/site"
	bundleDir    = "platform/policies"
)

// repo is one case's repository in a temporary directory.
type repo struct {
	t   *testing.T
	dir string
	// set once each, when a case adds the contract's overlays or policy bundle
	overlaid, bundled bool
}

func newRepo(t *testing.T) *repo {
	t.Helper()
	r := &repo{t: t, dir: filepath.Join(t.TempDir(), "repo")}
	src := filepath.Join("testdata", "base")
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		dst := filepath.Join(r.dir, rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// path is a repository file's absolute path.
func (r *repo) path(rel string) string { return filepath.Join(r.dir, filepath.FromSlash(rel)) }

func (r *repo) write(rel, content string) {
	r.t.Helper()
	p := r.path(rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		r.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		r.t.Fatal(err)
	}
}

func (r *repo) read(rel string) string {
	r.t.Helper()
	b, err := os.ReadFile(r.path(rel))
	if err != nil {
		r.t.Fatal(err)
	}
	return string(b)
}

func (r *repo) appendTo(rel, content string) { r.write(rel, r.read(rel)+content) }

// replace changes one exact text in a file, which must be there.
func (r *repo) replace(rel, old, new string) {
	r.t.Helper()
	s := r.read(rel)
	if !strings.Contains(s, old) {
		r.t.Fatalf("%s does not contain %q", rel, old)
	}
	r.write(rel, strings.Replace(s, old, new, 1))
}

func (r *repo) symlink(rel, target string) {
	r.t.Helper()
	p := r.path(rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		r.t.Fatal(err)
	}
	if err := os.Symlink(target, p); err != nil {
		r.t.Fatal(err)
	}
}

// overlay writes the files of the contract's overlay platform/overlays/site (names
// relative to it) and lists it in the contract.
func (r *repo) overlay(files map[string]string) {
	for name, content := range files {
		r.write(overlayDir+"/"+name, content)
	}
	if !r.overlaid {
		r.appendTo(contractFile, "overlays: ["+overlayDir+"]\n")
		r.overlaid = true
	}
}

// bundle writes a rego file into the contract's policy bundle platform/policies.
func (r *repo) bundle(name, rego string) {
	r.write(bundleDir+"/"+name, rego)
	if !r.bundled {
		r.appendTo(contractFile, "policy:\n  bundles: ["+bundleDir+"]\n")
		r.bundled = true
	}
}

// gitDir plants a .git directory (as a clone leaves it) holding a credential.
func (r *repo) gitDir() {
	r.write(".git/HEAD", "ref: refs/heads/main\n")
	r.write(".git/refs/heads/main", imageTag+"\n")
	r.write(".git/config", "[core]\n\trepositoryformatversion = 0\n[remote \"origin\"]\n\turl = https://x-access-token:"+gitSecret+"@github.com/acme/data.git\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n")
}

// gitSecret is the credential .git/config holds; it must never appear anywhere.
const gitSecret = "ghs_GitConfigSecretToken0123456789abcd"

// door is one way floe is run on a repository.
type door string

const (
	doorRender     door = "render"
	doorArgoCD     door = "argocd-generate"
	doorDiff       door = "diff"
	doorCheck      door = "check"
	doorPostRender door = "post-render"
)

// renderDoors are the doors that render the product (and apply the contract's overlays).
var renderDoors = []door{doorRender, doorArgoCD, doorDiff}

// allDoors are the five commands that read a repository.
var allDoors = []door{doorRender, doorArgoCD, doorDiff, doorCheck, doorPostRender}

// via tunes how a door is invoked.
type via struct {
	stdin   func() io.Reader // check and post-render: the stream (default: stream.yaml)
	product bool             // post-render: --product demo/customer-360/floe.yaml
	file    string           // check: this root-relative file instead of stdin
	env     []string
	args    []string // extra flags
	against string   // diff: the old side's contract (default: the same contract)
}

// through is the invocation of door d on the repository.
func (r *repo) through(d door, v via) invocation {
	stdin := func() io.Reader { return strings.NewReader(r.read(streamFile)) }
	if v.stdin != nil {
		stdin = v.stdin
	}
	inv := invocation{dir: r.dir, env: v.env}
	switch d {
	case doorRender:
		inv.args = []string{"render", "--root", ".", "--contract", contractFile, "--image-tag", imageTag}
		inv.args = append(append(inv.args, v.args...), productDir)
	case doorArgoCD:
		inv.args = []string{"argocd", "generate"}
		inv.dir = r.path(productDir)
		inv.env = append([]string{
			"ARGOCD_APP_NAME=customer-360-dev",
			"ARGOCD_APP_NAMESPACE=floe-dev",
			"ARGOCD_APP_REVISION=" + imageTag,
			"ARGOCD_APP_SOURCE_PATH=" + productDir,
			"ARGOCD_APP_SOURCE_REPO_URL=https://git.example.com/acme/data.git",
			"ARGOCD_ENV_FLOE_CONTRACT=" + contractFile,
		}, v.env...)
	case doorDiff:
		against := contractFile
		if v.against != "" {
			against = v.against
		}
		inv.args = []string{"diff", "--root", ".", "--contract", contractFile, "--against-contract", against, "--image-tag", imageTag}
		inv.args = append(append(inv.args, v.args...), productDir)
	case doorCheck:
		inv.args = append([]string{"check", "--root", ".", "--contract", contractFile}, v.args...)
		if v.file != "" {
			inv.args = append(inv.args, v.file)
		} else {
			inv.args = append(inv.args, "-")
			inv.stdin = stdin()
		}
	case doorPostRender:
		inv.args = []string{"post-render", "--root", ".", "--contract", contractFile}
		if v.product {
			inv.args = append(inv.args, "--product", productFile)
		}
		inv.args = append(inv.args, v.args...)
		inv.stdin = stdin()
	default:
		r.t.Fatalf("unknown door %q", d)
	}
	return inv
}
