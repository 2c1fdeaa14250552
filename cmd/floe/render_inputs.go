package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/floe-dev/floe/config"
	"github.com/floe-dev/floe/diag"
	"github.com/floe-dev/floe/render"
)

// renderInputs are the command-line inputs render, render --all and diff resolve the
// same way before they render.
type renderInputs struct {
	root     config.Root
	cwd      string
	target   string // PRODUCT, or the --all DIR: root-relative
	contract string // root-relative
	imageTag string // --image-tag, else ARGOCD_APP_REVISION, else the commit HEAD names in the root's git working tree
}

// resolveRenderInputs is the setup render, render --all and diff share: the root from
// --root or target (resolveRoot), target and --contract made root-relative (cliPath), and
// the image tag (render.ResolveImageTag). command ("render", "diff") and targetName
// ("PRODUCT", "--all") name them in errors.
func resolveRenderInputs(command, rootFlag, targetName, target, contract, imageTagFlag string) (*renderInputs, error) {
	root, cwd, err := resolveRoot(rootFlag, target)
	if err != nil {
		return nil, err
	}
	in := &renderInputs{root: root, cwd: cwd}
	if in.target, err = in.rel(command, targetName, target); err != nil {
		return nil, err
	}
	if in.contract, err = in.rel(command, "--contract", contract); err != nil {
		return nil, err
	}
	if in.imageTag, err = render.ResolveImageTag(root, imageTagFlag, os.Getenv); err != nil {
		return nil, err
	}
	return in, nil
}

// checkRuntimeFlag refuses a --runtime other than dagster and floe-jobs ("" is the
// contract's choice); command names the command in the error.
func checkRuntimeFlag(command, runtime string) error {
	if runtime != "" && runtime != render.RuntimeDagster && runtime != render.RuntimeFloeJobs {
		return diag.Usage(fmt.Errorf("%s: --runtime %q: want dagster or floe-jobs", command, runtime))
	}
	return nil
}

// rel makes a command-line path root-relative (cliPath); a path outside the root is a
// usage error naming command and flag.
func (in *renderInputs) rel(command, flag, p string) (string, error) {
	rel, err := cliPath(in.root, in.cwd, p)
	if err != nil {
		return "", diag.Usage(fmt.Errorf("%s: %s %w", command, flag, err))
	}
	return rel, nil
}

// options are the render options every product of these inputs shares; the caller sets
// ProductPath and Now where it uses them.
func (in *renderInputs) options(runtime string) render.Options {
	return render.Options{Root: in.root, ContractPath: in.contract, Runtime: runtime,
		ImageTag: in.imageTag, FloeVersion: floeVersion()}
}

// cliPath makes a command-line path root-relative: relative to the current directory
// when it exists there, else relative to the root (so `--root examples/demo --contract
// platform/pec-dev.yaml` works from anywhere). Either way it must stay inside the root.
func cliPath(root config.Root, cwd, p string) (string, error) {
	rel, err := config.RootRel(root.Dir(), cwd, p)
	if filepath.IsAbs(p) {
		return rel, err
	}
	if _, serr := os.Stat(filepath.Join(cwd, p)); serr == nil {
		return rel, err
	}
	if r, cerr := config.CleanRel(filepath.ToSlash(p)); cerr == nil {
		if _, serr := root.Stat(r); serr == nil {
			return r, nil
		}
	}
	if err != nil {
		return "", fmt.Errorf("%s: no such file in the current directory or in the root %s", p, root.Dir())
	}
	return rel, nil // inside the root but missing: the loader reports it with context
}
